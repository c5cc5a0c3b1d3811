from __future__ import annotations

import subprocess
import sys

import rfcauth


def test_all_lists_exactly_the_public_names() -> None:
    public = {name for name in vars(rfcauth) if not name.startswith("_")}
    # submodules imported as a side effect are not API
    modules = {name for name in public if type(getattr(rfcauth, name)).__name__ == "module"}
    future = {"annotations"}  # `from __future__ import annotations` binds this name
    assert set(rfcauth.__all__) - {"__version__"} == public - modules - future


def test_every_error_derives_from_the_root() -> None:
    for name in rfcauth.__all__:
        obj = getattr(rfcauth, name)
        if isinstance(obj, type) and issubclass(obj, BaseException):
            assert issubclass(obj, rfcauth.RfcAuthError), name


def test_import_does_not_load_abnf_or_hypothesis() -> None:
    code = (
        "import sys, rfcauth; heavy = {'abnf', 'hypothesis', 'httpx'}; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))"
    )
    # S603: the command is this interpreter and a constant string
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
