"""Run every benchmark in one go (`make bench`): parsing, metadata, discovery, round trips."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ["bench_challenge.py", "bench_metadata.py", "bench_discovery.py", "bench_roundtrips.py"]


def main() -> int:
    status = 0
    for script in SCRIPTS:
        print(f"\n=== {script} ===", flush=True)
        # S603: our own scripts, run with this interpreter
        result = subprocess.run([sys.executable, str(HERE / script)], check=False)  # noqa: S603
        status = status or result.returncode
    return status


if __name__ == "__main__":
    raise SystemExit(main())
