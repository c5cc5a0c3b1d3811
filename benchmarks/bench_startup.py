"""Start-up cost: ``import rfcauth`` and ``rfcauth parse`` against a bare interpreter.

    .venv/bin/python benchmarks/bench_startup.py [--runs 10]

1. ``python -X importtime -c "import rfcauth"``: the cumulative microseconds of the ``rfcauth``
   line, best and median of the runs.
2. Wall time, best of the runs, of ``python -c pass`` and of ``rfcauth parse 'Bearer
   error="invalid_token"'`` (as ``python -m rfcauth.cli`` and as the installed console script),
   with stdout piped; the ratio to ``python -c pass`` is the figure the target is judged on.
   For scale, the same for importing only the standard modules such a command cannot do
   without (argparse for the command line; dataclasses, re and typing for the values and the
   grammar; json for quoting).

rfcauth's bytecode is compiled first (``python -m compileall``), as ``pip install`` does: with
``PYTHONDONTWRITEBYTECODE=1`` (set on the machines these figures come from) an editable checkout
would otherwise recompile every module from source on every run (~110 ms here).
"""

from __future__ import annotations

import argparse
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


def wall_ms(argv: list[str], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True)  # noqa: S603 - fixed arguments
        out.append((time.perf_counter() - start) * 1000)
    return out


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
    base = min(wall_ms([sys.executable, "-c", "pass"], runs))
    rows = [("python -c pass", base)]
    floor = "import argparse, dataclasses, json, re, typing"
    rows.append((f"python -c '{floor}'", min(wall_ms([sys.executable, "-c", floor], runs))))
    rows.append(
        (
            "python -m rfcauth.cli parse",
            min(wall_ms([sys.executable, "-m", "rfcauth.cli", "parse", HEADER], runs)),
        )
    )
    if script.exists():
        rows.append(
            ("rfcauth parse (console script)", min(wall_ms([str(script), "parse", HEADER], runs)))
        )
    print(f"\nwall time, best of {runs}:")
    for name, ms in rows:
        print(f"  {name:<56} {ms:7.1f} ms   {ms / base:5.2f}x python -c pass")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
