"""Run the fuzz harnesses one after another for a given time each and summarise what they did.

``python tests/fuzz/run_fuzz.py --seconds 60 [harness ...]`` (``make fuzz-deep
FUZZ_SECONDS=60``; CI's smoke step uses a few seconds). Each harness fuzzes with a working
corpus in ``.fuzz/<harness>/`` (kept between runs, ignored by git) on top of the committed seeds
and findings; a crash leaves its input in ``.fuzz/<harness>-crash-*`` and the run fails. The
summary line per harness gives the executions, their rate, and libFuzzer's coverage counters.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
HARNESSES = ("challenge", "metadata", "signed", "discovery")
WORK = REPO / ".fuzz"
#: Per harness: a discovery world is a few hundred bytes of choices, wanted from the start
#: (libFuzzer otherwise grows inputs slowly from the one-byte seeds).
FLAGS = {"discovery": ["-max_len=2048", "-len_control=0"]}
_DONE = re.compile(r"#(\d+)\s+DONE\s+cov: (\d+) ft: (\d+) corp: (\d+)/")
_STAT = re.compile(r"stat::(\w+):\s*(\d+)")


def _command(harness: str, seconds: int, extra: list[str]) -> list[str]:
    work = WORK / harness
    work.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        str(HERE / f"fuzz_{harness}.py"),
        f"-max_total_time={seconds}",
        "-print_final_stats=1",
        "-max_len=8192",
        f"-artifact_prefix={WORK}/{harness}-",
        *FLAGS.get(harness, []),
        *extra,
    ]
    dictionary = HERE / "dicts" / f"{harness}.dict"
    if dictionary.is_file():
        command.append(f"-dict={dictionary}")
    # libFuzzer writes new inputs into the first directory and only reads the others
    corpora = [work, HERE / "corpus" / harness, HERE / "findings" / harness]
    return command + [str(d) for d in corpora if d.is_dir()]


def run(harness: str, seconds: int, extra: list[str]) -> bool:
    """Fuzz one harness; print its summary line; True when it found nothing."""
    WORK.mkdir(parents=True, exist_ok=True)  # a fresh clone has no .fuzz/ yet
    log = WORK / f"{harness}.log"
    started = time.monotonic()
    with log.open("w") as out:
        result = subprocess.run(  # noqa: S603 - our own harness, our own interpreter
            _command(harness, seconds, extra), stdout=out, stderr=subprocess.STDOUT, check=False
        )
    elapsed = time.monotonic() - started
    text = log.read_text(errors="replace")
    stats = dict(_STAT.findall(text))
    done = _DONE.findall(text)
    executions = int(stats.get("number_of_executed_units", done[-1][0] if done else 0))
    coverage = f"cov {done[-1][1]} ft {done[-1][2]} corpus {done[-1][3]}" if done else "no stats"
    verdict = "ok" if result.returncode == 0 else f"FINDING (exit {result.returncode}, see {log})"
    sys.stdout.write(
        f"fuzz_{harness}: {executions} executions, {elapsed:.0f} s wall "
        f"({executions / max(elapsed, 1e-9):.0f}/s), {coverage}: {verdict}\n"
    )
    if result.returncode != 0:
        sys.stdout.write("\n".join(text.splitlines()[-40:]) + "\n")
    return result.returncode == 0


def main(argv: list[str] | None = None) -> int:
    """Run the named harnesses (default: all) for ``--seconds`` each."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=60, help="time per harness")
    parser.add_argument("harnesses", nargs="*", help=f"any of {', '.join(HARNESSES)}")
    parser.add_argument("--libfuzzer", action="append", default=[], help="extra libFuzzer flag")
    args = parser.parse_args(argv)
    unknown = set(args.harnesses) - set(HARNESSES)
    if unknown:
        parser.error(f"unknown harnesses {sorted(unknown)}")
    try:
        import atheris  # noqa: F401, PLC0415 - only checks that the fuzz extra is there
    except ImportError:
        sys.stderr.write("atheris is not installed: pip install -e '.[fuzz]'\n")
        return 2
    results = [run(h, args.seconds, args.libfuzzer) for h in args.harnesses or HARNESSES]
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
