"""What every harness in tests/fuzz shares: instrumentation, the run loop, the seed corpus.

A harness is a script ``fuzz_<name>.py`` with a ``check(data: bytes)`` function that
raises only when an invariant breaks. ``python tests/fuzz/fuzz_<name>.py [libFuzzer flags]
[corpus dirs]`` fuzzes it with atheris; ``tests/fuzz/test_fuzz_corpus.py`` replays the seed
corpus through the same function under pytest. The harness modules import nothing from atheris
at import time, so pytest's doctest collection can import them without it.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
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


def fuzz(check: Callable[[bytes], None]) -> None:
    """Run `check` under libFuzzer with the command line's flags and corpus dirs."""
    import atheris  # noqa: PLC0415

    count = instrument()
    sys.stderr.write(f"INFO: instrumented {count} rfcauth functions\n")
    atheris.Setup(sys.argv, check)
    atheris.Fuzz()


def seeds(name: str) -> Iterator[tuple[str, bytes]]:
    """The committed seed inputs of harness `name`, in a stable order."""
    for path in sorted((CORPUS / name).iterdir()):
        if path.is_file():
            yield path.name, path.read_bytes()


class InvariantError(AssertionError):
    """A harness invariant broke: the input is a finding."""
