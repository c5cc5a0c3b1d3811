"""Build ``docs/peer-report.md``: the kit run against real peers (``python -m`` this module).

Every line of the report comes from a checker run with a fixed seed, or, for the TypeScript
SDK, from the Node script ``tests/node/ts_sdk_helpers.mjs`` fed with the curated vectors
(its last results are kept in ``docs/peer-report-ts.json`` so that the report can be
rebuilt, and checked fresh, on a machine without Node). Nothing in it is written by hand.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rfcauth.testing._checkers import (
    check_challenge_parser,
    check_discovery,
    check_metadata_validator,
    parameter_extractor,
)
from rfcauth.testing._discovery_strategies import discovery_worlds

if TYPE_CHECKING:
    from rfcauth.testing._report import Report

__all__ = ["build_report", "main"]

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "docs" / "peer-report.md"
TS_RESULTS = ROOT / "docs" / "peer-report-ts.json"
NODE_SCRIPT = ROOT / "tests" / "node" / "ts_sdk_helpers.mjs"
SEED = 0
EXAMPLES = 200


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:  # pragma: no cover -- the peers are in the dev extra
        return "not installed"


def _section(title: str, peer: str, report: Report) -> list[str]:
    lines = [
        f"## {title}",
        "",
        f"{peer}. {len(report.failures)} of {len(report.results)} properties fail.",
        "",
        "| property | result |",
        "|---|---|",
    ]
    for result in report.results:
        cell = "pass" if result.passed else f"**fails** (found after {result.examples} examples)"
        lines.append(f"| `{result.id}`: {result.title} ({result.section}) | {cell} |")
    lines.append("")
    for result in report.failures:
        example = result.counterexample
        assert example is not None  # noqa: S101 -- failures have one
        lines += [
            f"### `{result.id}`",
            "",
            "```json",
            json.dumps(example.input, ensure_ascii=True, indent=None),
            "```",
            "",
            f"- {peer.split(' (', maxsplit=1)[0]}: `{example.got}`",
            f"- rfcauth: `{example.expected}`",
            f"- why: {example.why} ({example.section})",
            "",
        ]
    return lines


def _ts_results(*, run_node: bool) -> dict[str, Any] | None:
    node = shutil.which("node")
    modules = NODE_SCRIPT.parent / "node_modules"
    if run_node and node and modules.is_dir():
        curated = ROOT / "rfcauth" / "testing" / "vectors" / "challenges-v1.jsonl"
        # S603: node and a script of this repository, on a file of this repository
        done = subprocess.run(  # noqa: S603
            [node, str(NODE_SCRIPT), str(curated)], capture_output=True, text=True, check=True
        )
        TS_RESULTS.write_text(done.stdout, "utf-8")
    if not TS_RESULTS.exists():
        return None
    data: dict[str, Any] = json.loads(TS_RESULTS.read_text("utf-8"))
    return data


def _ts_section(results: dict[str, Any] | None) -> list[str]:
    lines = ["## TypeScript MCP SDK: `extractWWWAuthenticateParams`", ""]
    if results is None:
        return [*lines, "Not run: Node and tests/node/node_modules were not available.", ""]
    wrong = results["disagreements"]
    lines += [
        (
            f"`@modelcontextprotocol/sdk` {results['sdk_version']}, fed the curated challenge "
            f"vectors by `tests/node/ts_sdk_helpers.mjs`: {results['checked']} vectors checked, "
            f"{len(wrong)} answered differently from rfcauth, {results['skipped']} not "
            "representable as a Fetch API header."
        ),
        "",
        "| vector | field | SDK | rfcauth |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| `{item['id']}` | {item['field']} | `{item['got']}` | `{item['expected']}` |"
        for item in wrong
    ]
    return [*lines, ""]


def build_report(*, run_node: bool = True) -> str:
    """The report's Markdown (runs every check; takes a while)."""
    from rfcauth.testing import _peers  # noqa: PLC0415 -- imports no peer until called

    sdk = f"MCP Python SDK {_version('mcp')}"
    sections = [
        (
            "werkzeug: `WWWAuthenticate.from_header`",
            f"werkzeug {_version('werkzeug')}",
            check_challenge_parser(_peers.werkzeug_parse, max_examples=EXAMPLES, seed=SEED),
        ),
        (
            "MCP Python SDK: `extract_field_from_www_auth`",
            f"{sdk} (resource_metadata, scope and error)",
            check_challenge_parser(
                _peers.mcp_extract_field,
                adapter=parameter_extractor(("resource_metadata", "scope", "error")),
                max_examples=EXAMPLES,
                seed=SEED,
            ),
        ),
        (
            "MCP Python SDK: `OAuthMetadata` (RFC 8414)",
            sdk,
            check_metadata_validator(_peers.mcp_validate_asm, max_examples=60, seed=SEED),
        ),
        (
            "MCP Python SDK: `ProtectedResourceMetadata` (RFC 9728)",
            sdk,
            check_metadata_validator(
                _peers.mcp_validate_prm, kind="prm", max_examples=60, seed=SEED
            ),
        ),
        (
            "MCP Python SDK: the OAuth client flow (`OAuthClientProvider` over httpx2)",
            f"{sdk} with httpx2 {_version('httpx2')}",
            check_discovery(_peers.mcp_discovery_client, max_examples=EXAMPLES, seed=SEED),
        ),
        (
            "MCP Python SDK: the OAuth client flow on the 2025-03-26 back-compat path",
            (
                f"{sdk} with httpx2 {_version('httpx2')} (worlds without protected resource "
                "metadata: `discovery_worlds(legacy_only=True)`)"
            ),
            check_discovery(
                _peers.mcp_discovery_client,
                worlds=discovery_worlds(legacy_only=True),
                max_examples=EXAMPLES,
                seed=SEED,
            ),
        ),
    ]
    lines = [
        "# Peer report",
        "",
        (
            "<!-- generated by `python -m rfcauth.testing._peer_report` (make peer-report); "
            "do not edit -->"
        ),
        "",
        (
            "rfcauth's conformance kit (`rfcauth.testing`) run against other implementations, "
            f"seed {SEED}: for each property, pass or the minimal counterexample found, with what "
            "rfcauth says and why. Reproduce any row with the checker named in its section."
        ),
        "",
    ]
    for title, peer, report in sections:
        lines += _section(title, peer, report)
    lines += _ts_section(_ts_results(run_node=run_node))
    return "\n".join(lines).rstrip() + "\n"


def main() -> None:
    """Rebuild ``docs/peer-report.md`` (``--check``: exit 1 if it is stale instead)."""
    check = "--check" in sys.argv[1:]
    text = build_report(run_node=not check)
    if check:
        if REPORT.read_text("utf-8") != text:
            sys.stderr.write("docs/peer-report.md is stale: run make peer-report\n")
            raise SystemExit(1)
        return
    REPORT.write_text(text, "utf-8")


if __name__ == "__main__":
    main()
