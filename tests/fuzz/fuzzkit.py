"""What every harness in tests/fuzz shares: instrumentation, the run loop, the seed corpus.

A harness is a script ``fuzz_<name>.py`` with a ``check(data: bytes)`` function that
raises only when an invariant breaks. ``python tests/fuzz/fuzz_<name>.py [libFuzzer flags]
[corpus dirs]`` fuzzes it with atheris; ``tests/fuzz/test_fuzz_corpus.py`` replays the seed
corpus through the same function under pytest. The harness modules import nothing from atheris
at import time, so pytest's doctest collection can import them without it.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import pkgutil
import re
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
FINDINGS = HERE / "findings"
REPO = HERE.parent.parent

#: rfcauth's layers that a harness may reach; the CLI and the HTTP driver are not fuzzed here.
_SKIPPED_PACKAGES = ("rfcauth.cli", "rfcauth.http")


def import_rfcauth() -> list[str]:
    """Import every module of the pure core (lazy imports would escape instrumentation)."""
    import rfcauth  # noqa: PLC0415 - the point is to import at run time

    names = ["rfcauth"]
    for module in pkgutil.walk_packages(rfcauth.__path__, prefix="rfcauth."):
        if module.name.startswith(_SKIPPED_PACKAGES):
            continue
        importlib.import_module(module.name)
        names.append(module.name)
    return names


def instrument() -> int:
    """Add atheris coverage instrumentation to every function rfcauth defines.

    rfcauth is imported before the harness can open an ``instrument_imports`` block (the harness
    module itself imports it), so the functions are patched in place instead.
    """
    import gc  # noqa: PLC0415
    import types  # noqa: PLC0415

    import atheris  # noqa: PLC0415 - optional: only when fuzzing

    import_rfcauth()
    count = 0
    for obj in gc.get_objects():
        if (
            isinstance(obj, types.FunctionType)
            and isinstance(getattr(obj, "__module__", None), str)
            and obj.__module__.startswith("rfcauth")
        ):
            atheris.instrument_func(obj)
            count += 1
    return count


def keep_going(check: Callable[[bytes], None], folder: Path) -> Callable[[bytes], None]:
    """Triage mode: record the first input of each distinct finding in `folder`, go on fuzzing.

    libFuzzer stops at the first crash; while one finding is being fixed, this collects the
    others. A finding's signature is its exception type and message with quoted values blanked.
    """
    folder.mkdir(parents=True, exist_ok=True)
    seen: set[str] = {path.stem for path in folder.glob("*.txt")}

    def checked(data: bytes) -> None:
        try:
            check(data)
        except Exception as exc:  # noqa: BLE001 - every escape is a finding to record
            message = re.sub(r"'[^']*'|\"[^\"]*\"", "…", str(exc))[:200]
            signature = f"{type(exc).__name__}: {message}"
            key = hashlib.sha1(signature.encode()).hexdigest()[:12]  # noqa: S324 - a name
            if key not in seen:
                seen.add(key)
                (folder / f"{key}.bin").write_bytes(data)
                trace = "".join(traceback.format_exception(exc))
                (folder / f"{key}.txt").write_text(f"{signature}\n\n{trace}")
                sys.stderr.write(f"FINDING {key}: {signature}\n")

    return checked


def fuzz(check: Callable[[bytes], None]) -> None:
    """Run `check` under libFuzzer with the command line's flags and corpus dirs.

    With ``FUZZ_KEEP_GOING=<dir>`` in the environment, findings are recorded there and the run
    goes on (`keep_going`); otherwise the first finding stops it, as CI needs.
    """
    import atheris  # noqa: PLC0415

    count = instrument()
    sys.stderr.write(f"INFO: instrumented {count} rfcauth functions\n")
    triage = os.environ.get("FUZZ_KEEP_GOING")
    atheris.Setup(sys.argv, keep_going(check, Path(triage)) if triage else check)
    atheris.Fuzz()


def seeds(name: str, folder: Path = CORPUS) -> Iterator[tuple[str, bytes]]:
    """The committed inputs of harness `name` in `folder` (seeds or findings), sorted."""
    if not (folder / name).is_dir():
        return
    for path in sorted((folder / name).iterdir()):
        if path.is_file():
            yield path.name, path.read_bytes()


class InvariantError(AssertionError):
    """A harness invariant broke: the input is a finding."""
