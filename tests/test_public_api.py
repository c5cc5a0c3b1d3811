from __future__ import annotations

import subprocess
import sys

import pytest

import rfcauth
import rfcauth.challenge
import rfcauth.discovery
import rfcauth.metadata


def test_all_lists_exactly_the_public_names() -> None:
    public = {name for name in dir(rfcauth) if not name.startswith("_")}
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


def test_every_public_name_is_also_spelt_from_its_layer() -> None:
    layers = (rfcauth.challenge, rfcauth.discovery, rfcauth.metadata)
    aliases = {
        "CHALLENGE_TOLERANCES": rfcauth.challenge.TOLERANCES,
        "METADATA_RULES": rfcauth.metadata.RULES,
        "METADATA_TOLERANCES": rfcauth.metadata.TOLERANCES,
    }
    errors = {"ChallengeParseError", "MetadataError", "RfcAuthError", "UsageError", "Violation"}
    for name in set(rfcauth.__all__) - {"__version__"} - errors:
        value = getattr(rfcauth, name)
        if name in aliases:
            assert value is aliases[name], name
        else:
            assert any(getattr(layer, name, None) is value for layer in layers), name


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        rfcauth.no_such_name  # noqa: B018 - the lookup is the test


def test_import_builds_nothing_and_parsing_needs_no_pydantic() -> None:
    code = (
        "import sys, rfcauth; before = sorted(m.split('.')[0] for m in sys.modules); "
        "rfcauth.parse_www_authenticate('Bearer error=\"invalid_token\"'); "
        "rfcauth.BearerChallenge; "
        "heavy = {'pydantic', 'pydantic_core', 'abnf', 'hypothesis', 'httpx', 'httpx2'}; "
        "print(sorted({m for m in before if m in heavy} | "
        "{m.split('.')[0] for m in sys.modules if m.split('.')[0] in heavy}))"
    )
    # S603: the command is this interpreter and a constant string
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
