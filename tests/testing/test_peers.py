"""Living evidence: the kit run against real peers finds their real defects.

The peers (werkzeug, the MCP Python SDK on httpx2) are in the dev extra. Each "finds within
1000 examples" test uses a fixed seed and asserts how many examples the search needed.
"""

from __future__ import annotations

import pytest

from rfcauth.strategies import discovery_worlds
from rfcauth.testing import (
    check_challenge_parser,
    check_discovery,
    check_metadata_validator,
    parameter_extractor,
)

pytest.importorskip("werkzeug")
pytest.importorskip("mcp")
pytest.importorskip("httpx2")

from rfcauth.testing._peers import (
    mcp_discovery_client,
    mcp_extract_field,
    mcp_validate_asm,
    mcp_validate_prm,
    werkzeug_parse,
)

_WITHIN = 1000
_SDK_NAMES = ("resource_metadata", "scope", "error")


def test_werkzeug_loses_the_second_challenge() -> None:
    report = check_challenge_parser(
        werkzeug_parse, max_examples=_WITHIN, seed=0, only=["several_challenges"]
    )
    found = report.result("several_challenges")
    assert found.counterexample is not None
    assert found.examples <= _WITHIN
    assert found.counterexample.input == "0, 0"
    assert "'scheme': '0,'" in found.counterexample.got  # one challenge, the comma in its scheme


def test_mcp_sdk_leaks_values_out_of_quoted_strings() -> None:
    adapter = parameter_extractor(_SDK_NAMES)
    report = check_challenge_parser(
        mcp_extract_field, adapter=adapter, max_examples=_WITHIN, seed=0
    )
    found = report.result("quoted_values_stay_quoted")
    assert found.counterexample is not None
    assert found.examples <= _WITHIN
    value = str(found.counterexample.input)
    assert value.count('"') == 2  # one quoted-string, and a parameter read out of it
    assert "None" not in found.counterexample.got.split(":")[1]


def test_mcp_sdk_fails_the_legacy_fallback() -> None:
    legacy = discovery_worlds(legacy_only=True)
    report = check_discovery(
        mcp_discovery_client,
        worlds=legacy,
        max_examples=_WITHIN,
        seed=0,
        only=["authorizes_where_rfcauth_does"],
    )
    found = report.result("authorizes_where_rfcauth_does")
    assert found.counterexample is not None
    assert found.examples <= _WITHIN
    assert "issuer mismatch" in found.counterexample.got
    assert "2025-03-26" in found.counterexample.section


def test_mcp_sdk_metadata_models_accept_what_the_rfcs_forbid() -> None:
    asm_only = ["rejects_issuer_has_query"]
    report = check_metadata_validator(mcp_validate_asm, max_examples=40, only=asm_only)
    assert "rejects_issuer_has_query" in {r.id for r in report.failures}
    prm_only = ["rejects_resource_has_fragment"]
    prm = check_metadata_validator(mcp_validate_prm, kind="prm", max_examples=40, only=prm_only)
    assert "rejects_resource_has_fragment" in {r.id for r in prm.failures}  # when it names an AS
