"""Start-up cost: ``import rfcauth`` and ``rfcauth parse`` against a bare interpreter.

    .venv/bin/python benchmarks/bench_startup.py [--runs 10]

1. ``python -X importtime -c "import rfcauth"``: the cumulative microseconds of the ``rfcauth``
   line, best and median of the runs.
2. Wall time, best of the runs, of ``python -c pass`` and of ``rfcauth parse 'Bearer
   error="invalid_token"'`` (as ``python -m rfcauth.cli`` and as the installed console script),
   with stdout piped; the ratio to ``python -c pass`` is the figure the target is judged on.
   CPU time (user + system of the child) beside it: less sensitive to a shared machine's load.
   For scale, the same for importing only the standard modules such a command cannot do
   without (argparse for the command line; dataclasses, re and typing for the values and the
   grammar; json for quoting).

rfcauth's bytecode is compiled first (``python -m compileall``), as ``pip install`` does: with
``PYTHONDONTWRITEBYTECODE=1`` (set on the machines these figures come from) an editable checkout
would otherwise recompile every module from source on every run (~110 ms here).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HEADER = 'Bearer error="invalid_token"'


def import_time_ms(runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import rfcauth"],
            capture_output=True,
            text=True,
            check=True,
        )
        line = next(x for x in result.stderr.splitlines() if x.rstrip().endswith("| rfcauth"))
        out.append(int(line.split("|")[1]) / 1000)
    return out


def wall_ms(argv: list[str], runs: int) -> tuple[float, float]:
    """Best wall time and best CPU time (user + system of the child), in ms."""
    wall, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True)  # noqa: S603 - fixed arguments
        wall.append((time.perf_counter() - start) * 1000)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        used = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        cpu.append(used * 1000)
    return min(wall), min(cpu)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    script = Path(sys.executable).with_name("rfcauth")
    package = Path(__file__).resolve().parents[1] / "rfcauth"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)  # noqa: S603
    imports = import_time_ms(runs)
    print(
        f"import rfcauth (-X importtime cumulative, {runs} runs): best {min(imports):.1f} ms, "
        f"median {statistics.median(imports):.1f} ms"
    )
    floor = "import argparse, dataclasses, json, re, typing"
    rows = [
        ("python -c pass", wall_ms([sys.executable, "-c", "pass"], runs)),
        (f"python -c '{floor}'", wall_ms([sys.executable, "-c", floor], runs)),
        (
            "python -m rfcauth.cli parse",
            wall_ms([sys.executable, "-m", "rfcauth.cli", "parse", HEADER], runs),
        ),
    ]
    if script.exists():
        rows.append(
            ("rfcauth parse (console script)", wall_ms([str(script), "parse", HEADER], runs))
        )
    base_wall, base_cpu = rows[0][1]
    print(f"\nbest of {runs}: wall ms, x python -c pass; CPU ms (user + system), x python -c pass")
    for name, (wall, cpu) in rows:
        print(
            f"  {name:<56} {wall:7.1f} {wall / base_wall:5.2f}x   {cpu:7.1f} {cpu / base_cpu:5.2f}x"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
