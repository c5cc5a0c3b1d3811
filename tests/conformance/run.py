"""Run the official MCP conformance suite's client auth scenarios against rfcauth.

The suite (`@modelcontextprotocol/conformance` on npm) starts, per scenario, a test MCP server and
authorization server on loopback, runs a client command with the server URL as its last argument
(the scenario name in ``MCP_CONFORMANCE_SCENARIO``, its context as JSON in
``MCP_CONFORMANCE_CONTEXT``), and judges what the servers saw. Its verdict per scenario is its exit
code: a failed check, a warning, a timeout, or a client exiting non-zero where the scenario does not
allow it, all fail.

This script, standard library only:

1. finds Node >= 22 (the suite's bundle needs it); the system's if new enough, otherwise the
   ``node-linux-<arch>`` npm package, installed into ``.conformance/node`` (git-ignored);
2. installs each pinned suite version into ``.conformance/<version>`` with npm;
3. runs every ``auth/*`` client scenario of each version with ``tests/conformance/client.py``
   (which turns the scenario's context into ``rfcauth login`` options) and prints a pass table;
4. compares the outcome with ``tests/conformance/expected.json``: a scenario listed there as passing
   that fails is a regression (exit 1). A scenario that is not listed is only reported.

With ``--ci``, a missing ``node``/``npm`` or a failed install is reported and skipped (exit 0): the
suite is not allowed to fail CI for reasons that are not rfcauth's.

    python tests/conformance/run.py                 # both pinned versions, every auth scenario
    python tests/conformance/run.py --version 0.1.16 --scenario auth/metadata-default
"""

from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import json
import platform
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / ".conformance"
EXPECTED = Path(__file__).resolve().parent / "expected.json"
PACKAGE = "@modelcontextprotocol/conformance"
#: The suite versions this repository is judged against: the latest release and the newest
#: prerelease (which adds the authorization-server migration, RFC 9207 ``iss`` and DPoP scenarios).
VERSIONS = ("0.1.16", "0.2.0-alpha.12")
#: The Node release installed from npm when the system's is older than the suite needs.
NODE_PACKAGE_VERSION = "22.23.5"
NODE_MIN_MAJOR = 22
NPM_TIMEOUT_S = 600


class SetupError(Exception):
    """Node, npm or the suite could not be made ready (nothing to do with rfcauth)."""


def _run(cmd: list[str], *, cwd: Path | None = None, timeout: float = NPM_TIMEOUT_S) -> str:
    try:
        done = subprocess.run(  # noqa: S603 -- fixed argument vectors, no shell
            cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SetupError(f"{' '.join(cmd)}: {exc}") from exc
    if done.returncode != 0:
        raise SetupError(f"{' '.join(cmd)} exited {done.returncode}: {done.stderr.strip()[-800:]}")
    return done.stdout


def _node_major(node: str) -> int:
    match = re.match(r"v(\d+)\.", _run([node, "--version"], timeout=30))
    return int(match.group(1)) if match else 0


def _npm_install(prefix: Path, spec: str) -> None:
    prefix.mkdir(parents=True, exist_ok=True)
    manifest = prefix / "package.json"
    if not manifest.exists():
        manifest.write_text('{"private": true}\n')
    npm = shutil.which("npm")
    if npm is None:
        raise SetupError("npm not found on PATH")
    _run([npm, "install", "--no-audit", "--no-fund", "--silent", spec], cwd=prefix)


def find_node() -> str:
    """The path of a Node >= 22 binary, installing the npm-packaged one if need be."""
    system = shutil.which("node")
    if system is not None and _node_major(system) >= NODE_MIN_MAJOR:
        return system
    arch = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(
        platform.machine().lower()
    )
    if sys.platform != "linux" or arch is None:
        raise SetupError(f"Node >= {NODE_MIN_MAJOR} needed; no npm-packaged Node for this machine")
    package = f"node-linux-{arch}"
    binary = WORK / "node" / "node_modules" / package / "bin" / "node"
    if not binary.exists():
        _npm_install(WORK / "node", f"{package}@{NODE_PACKAGE_VERSION}")
    if not binary.exists() or _node_major(str(binary)) < NODE_MIN_MAJOR:
        raise SetupError(f"{package}@{NODE_PACKAGE_VERSION} did not provide Node >= 22")
    return str(binary)


def suite_entry(version: str) -> Path:
    """The suite's CLI script for ``version``, installed on first use."""
    prefix = WORK / f"v{version}"
    entry = prefix / "node_modules" / PACKAGE / "dist" / "index.js"
    installed = prefix / "node_modules" / PACKAGE / "package.json"
    if not installed.exists() or json.loads(installed.read_text())["version"] != version:
        _npm_install(prefix, f"{PACKAGE}@{version}")
    if not entry.exists():
        raise SetupError(f"{PACKAGE}@{version} has no {entry.relative_to(prefix)}")
    return entry


def auth_scenarios(node: str, entry: Path) -> list[str]:
    """The ``auth/*`` client scenarios the installed suite lists, in its order."""
    listing = _run([node, str(entry), "list"], timeout=60)
    client_part = listing.split("Client scenarios", 1)[-1].split("scenarios (test against", 1)[0]
    return re.findall(r"^\s*-\s*(auth/\S+)", client_part, flags=re.MULTILINE)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """One scenario's verdict, as the suite gave it, with its check counts."""

    version: str
    scenario: str
    passed: bool
    successes: int = 0
    failures: int = 0
    warnings: int = 0
    seconds: float = 0.0
    problems: tuple[str, ...] = dataclasses.field(default=())


def run_scenario(
    node: str, entry: Path, version: str, scenario: str, *, command: str, timeout_ms: int
) -> Outcome:
    """Run one scenario; the suite's exit code is the verdict."""
    out_dir = WORK / "results" / version / scenario.replace("/", "_")
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    started = time.monotonic()
    cmd = [node, str(entry), "client", "--command", command, "--scenario", scenario]
    cmd += ["--timeout", str(timeout_ms), "--output-dir", str(out_dir)]
    try:
        done = subprocess.run(  # noqa: S603 -- fixed argument vector, no shell
            cmd, capture_output=True, text=True, timeout=timeout_ms / 1000 + 60, check=False
        )
    except subprocess.TimeoutExpired:
        return Outcome(version=version, scenario=scenario, passed=False, problems=("hung",))
    elapsed = time.monotonic() - started
    (out_dir / "suite-output.txt").write_text(done.stdout + done.stderr)
    checks: list[dict[str, object]] = []
    for found in out_dir.rglob("checks.json"):
        checks = json.loads(found.read_text())
    statuses = [c.get("status") for c in checks]
    problems = tuple(
        f"{c.get('status')}: {c.get('id')}: {c.get('errorMessage') or c.get('description')}"
        for c in checks
        if c.get("status") in {"FAILURE", "WARNING"}
    )
    tail = [line for line in (done.stderr or "").splitlines() if "CLIENT" in line]
    return Outcome(
        version=version,
        scenario=scenario,
        passed=done.returncode == 0,
        successes=statuses.count("SUCCESS"),
        failures=statuses.count("FAILURE"),
        warnings=statuses.count("WARNING"),
        seconds=elapsed,
        problems=problems + tuple(line.strip() for line in tail),
    )


def _cell(outcome: Outcome | None) -> str:
    if outcome is None:
        return "-"
    if outcome.passed:
        return f"pass ({outcome.successes} checks)"
    detail = [f"{outcome.failures} failed"] if outcome.failures else []
    detail += [f"{outcome.warnings} warnings"] if outcome.warnings else []
    return "FAIL" + (f" ({', '.join(detail)})" if detail else " (client)")


def pass_table(outcomes: list[Outcome], versions: list[str]) -> str:
    """A Markdown table: one row per scenario, one column per suite version."""
    by_key = {(o.version, o.scenario): o for o in outcomes}
    scenarios: list[str] = []
    for o in outcomes:
        if o.scenario not in scenarios:
            scenarios.append(o.scenario)
    lines = [
        "| scenario | " + " | ".join(versions) + " |",
        "|---|" + "---|" * len(versions),
    ]
    lines += [
        f"| `{s}` | " + " | ".join(_cell(by_key.get((v, s))) for v in versions) + " |"
        for s in scenarios
    ]
    totals = []
    for v in versions:
        mine = [o for o in outcomes if o.version == v]
        totals.append(f"**{sum(o.passed for o in mine)}/{len(mine)}**")
    lines.append("| passing | " + " | ".join(totals) + " |")
    return "\n".join(lines)


def _expected() -> dict[str, list[str]]:
    if not EXPECTED.exists():
        return {}
    data: dict[str, list[str]] = json.loads(EXPECTED.read_text())["passing"]
    return data


def main(argv: list[str] | None = None) -> int:
    """Install, run, print the table; the exit code says whether a pinned pass regressed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="append", choices=VERSIONS, dest="versions")
    parser.add_argument("--scenario", action="append", dest="scenarios", help="auth/... name")
    parser.add_argument("--jobs", type=int, default=2, help="scenarios run at once (default 2)")
    parser.add_argument(
        "--timeout-ms", type=int, default=60000, help="per scenario (a busy CI machine is slow)"
    )
    parser.add_argument("--command", help="client command (default: tests/conformance/client.py)")
    parser.add_argument("--json", type=Path, help="also write the outcomes here")
    parser.add_argument("--ci", action="store_true", help="skip (exit 0) when node is unusable")
    args = parser.parse_args(argv)
    versions: list[str] = args.versions or list(VERSIONS)
    command = args.command or f"{sys.executable} {Path(__file__).resolve().parent / 'client.py'}"
    if " " in command.split(" ", 1)[0] or "'" in command:
        parser.error("the suite splits the command on spaces: use paths without spaces")

    try:
        node = find_node()
        entries = {v: suite_entry(v) for v in versions}
        plan = [
            (v, s)
            for v in versions
            for s in auth_scenarios(node, entries[v])
            if not args.scenarios or s in args.scenarios
        ]
    except SetupError as exc:
        print(f"conformance: SKIPPED, the suite could not be set up: {exc}")
        return 0 if args.ci else 2
    print(f"conformance: {len(plan)} runs with Node at {node}; client command: {command}")

    outcomes: list[Outcome] = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [
            pool.submit(
                run_scenario, node, entries[v], v, s, command=command, timeout_ms=args.timeout_ms
            )
            for v, s in plan
        ]
        for future in concurrent.futures.as_completed(futures):
            outcome = future.result()
            outcomes.append(outcome)
            mark = "pass" if outcome.passed else "FAIL"
            print(f"  {mark}  {outcome.version:<15} {outcome.scenario} ({outcome.seconds:.1f}s)")
    order = {key: i for i, key in enumerate(plan)}
    outcomes.sort(key=lambda o: order[(o.version, o.scenario)])

    print()
    print(pass_table(outcomes, versions))
    for o in outcomes:
        if not o.passed:
            print(f"\n{o.version} {o.scenario}:")
            for problem in o.problems or ("(no failed check recorded; see suite-output.txt)",):
                print(f"    {problem}")
    if args.json:
        args.json.write_text(json.dumps([dataclasses.asdict(o) for o in outcomes], indent=2))

    expected = _expected()
    regressions = [
        o for o in outcomes if not o.passed and o.scenario in expected.get(o.version, ())
    ]
    newly = [o for o in outcomes if o.passed and o.scenario not in expected.get(o.version, ())]
    for o in newly:
        print(f"note: {o.version} {o.scenario} passes but is not pinned in {EXPECTED.name}")
    for o in regressions:
        print(f"REGRESSION: {o.version} {o.scenario} is pinned as passing in {EXPECTED.name}")
    print(f"results kept in {WORK / 'results'}")
    return 1 if regressions else 0


if __name__ == "__main__":
    sys.exit(main())
