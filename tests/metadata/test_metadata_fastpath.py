"""The fast path (pydantic-core) never accepts what the rule engine rejects or tolerates.

Differential test in the spirit of "fast parser ≡ reference parser": for every document the
fast path accepts, the slow path (the reference) must accept it strictly, with no warnings, and
build an equal model.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from budgets import WHOLE_DOCUMENTS
from hypothesis import given, settings
from hypothesis import strategies as st
from test_metadata_rules import ASM_MUTATIONS, PRM_MUTATIONS

from rfcauth import MetadataError
from rfcauth.metadata._parse import _fast_asm, _fast_prm, _slow_asm, _slow_prm
from rfcauth.strategies import authorization_server_metadata as asm_documents
from rfcauth.strategies import protected_resource_metadata as prm_documents
from rfcauth.testing._metadata_strategies import JSON_VALUES

if TYPE_CHECKING:
    from collections.abc import Callable

CAP = 512 * 1024
DATA = Path(__file__).parent.parent / "data" / "metadata"


def _agree(fast: Any, slow: Callable[[], Any]) -> bool:
    """False when the fast path declined; else the slow path builds the same model."""
    if fast is None:
        return False
    model = slow()
    assert model.warnings == ()
    assert fast == model
    assert fast.to_dict() == model.to_dict()
    assert fast.model_fields_set == model.model_fields_set
    return True


def _check_asm(data: bytes | str, expected: str | None) -> bool:
    return _agree(
        _fast_asm(data, expected, CAP),
        lambda: _slow_asm(data, expected, strict=True, max_size=CAP),
    )


def _check_prm(data: bytes | str, expected: str | None) -> bool:
    return _agree(
        _fast_prm(data, expected, CAP),
        lambda: _slow_prm(data, expected, strict=True, max_size=CAP),
    )


@WHOLE_DOCUMENTS
@given(asm_documents())
def test_valid_asm_documents_agree(doc: dict[str, object]) -> None:
    # The fast path may decline when the text has a backslash (a value such as '":x' then
    # defeats the duplicate-name bound); it must never disagree, and without a backslash the
    # quote count is exact, so it must take every valid document.
    data = json.dumps(doc, ensure_ascii=False).encode()
    assert _check_asm(data, str(doc["issuer"])) or b"\\" in data
    _check_asm(json.dumps(doc, indent=2), None)


@WHOLE_DOCUMENTS
@given(prm_documents())
def test_valid_prm_documents_agree(doc: dict[str, object]) -> None:
    data = json.dumps(doc, ensure_ascii=False).encode()
    assert _check_prm(data, str(doc["resource"])) or b"\\" in data
    _check_prm(json.dumps(doc).encode(), str(doc["resource"]))


_MUTATION_EXAMPLES = settings(max_examples=max(5, settings.default.max_examples // 20))


@pytest.mark.parametrize("rule_id", sorted(ASM_MUTATIONS))
@_MUTATION_EXAMPLES
@given(doc=asm_documents())
def test_fast_path_rejects_every_asm_mutation(rule_id: str, doc: dict[str, object]) -> None:
    data, kwargs = ASM_MUTATIONS[rule_id](doc)
    text = data if isinstance(data, (bytes, str)) else json.dumps(data)
    max_size = kwargs.get("max_size", CAP)
    assert _fast_asm(text, kwargs.get("expected_issuer"), max_size) is None  # type: ignore[arg-type]


@pytest.mark.parametrize("rule_id", sorted(PRM_MUTATIONS))
@_MUTATION_EXAMPLES
@given(doc=prm_documents())
def test_fast_path_rejects_every_prm_mutation(rule_id: str, doc: dict[str, object]) -> None:
    data, kwargs = PRM_MUTATIONS[rule_id](doc)
    text = data if isinstance(data, (bytes, str)) else json.dumps(data)
    max_size = kwargs.get("max_size", CAP)
    assert _fast_prm(text, kwargs.get("expected_resource"), max_size) is None  # type: ignore[arg-type]


_MEMBERS = st.sampled_from(
    [
        "issuer",
        "resource",
        "authorization_servers",
        "response_types_supported",
        "jwks_uri",
        "token_endpoint",
        "authorization_endpoint",
        "grant_types_supported",
        "signed_metadata",
        "mtls_endpoint_aliases",
        "resource_name#en",
        "resource_tos_uri#de",
        "token_endpoint_auth_methods_supported",
        "bearer_methods_supported",
        "x",
    ]
)
_URLISH = st.sampled_from(
    [
        "https://a.example",
        "https://a.example/",
        "http://localhost",
        "https://a.example?q",
        "https://a.example#f",
        "javascript:x",
        "https://[::1]:8",
        "https://u@a.example/p",
        "HTTPS://A.example/p",
        "https://a.example/ b",
        "",
        "none",
        "code",
        "implicit",
    ]
)
_VALUES = st.one_of(
    JSON_VALUES,
    _URLISH,
    st.lists(_URLISH, max_size=3),
    st.dictionaries(st.sampled_from(["token_endpoint", "x"]), _URLISH, max_size=2),
)


@given(st.dictionaries(_MEMBERS, _VALUES, max_size=7), st.booleans())
def test_fast_path_agrees_on_arbitrary_documents(doc: dict[str, object], pretty: bool) -> None:  # noqa: FBT001 - drawn by hypothesis
    text = json.dumps(doc, indent=2 if pretty else None)
    for check in (_check_asm, _check_prm):
        try:
            check(text, None)
        except MetadataError:  # the slow path rejected what the fast path accepted
            pytest.fail(f"fast path accepted a document the rules reject: {text}")


@pytest.mark.parametrize(
    "text",
    [
        '{"resource": "https://a.example", "resource": "https://a.example"}',
        '{"resource": "https://a.example", "x": {"k": 1, "k": 1}}',
        '{"resource": "https://a.example", "x": {"k": "\\n", "k" : 1}}',
        '{"resource": "https://a.example", "x": NaN}',
        '{"resource": "https://a.example", "x": ' + "[" * 70 + "]" * 70 + "}",
        '{"resource": "https://a.example", "jwks_uri": null}',
        '{"resource": "https://a.example", "resource_name#en": 1}',
        # repeated names that the string-count proof must see
        '{"resource":"https://a.example","x":1,"x" :1}',
        '{"resource":"https://a.example","x":"1","x":"1"}',
        '{"resource":"https://a.example","x":[],"x":{}}',
        '{"resource":"https://a.example","x":{"k":"v","k":"v"}}',
        '{"resource":"https://a.example","scopes_supported":["a"],"scopes_supported":["a"]}',
        # ... and the name bound used when the text has a backslash
        '{"resource":"https:\\/\\/a.example","x":"\\"","x" :1}',
        '{"resource":"https://a.example","x":"\\":1","x":1}',
        '{"resource":"https://a.example","x\\u0000":1,"x\\u0000":2}',
    ],
)
def test_fast_path_declines_subtle_cases(text: str) -> None:
    assert _fast_prm(text, None, CAP) is None
    assert _fast_prm(text.encode(), None, CAP) is None


@pytest.mark.parametrize(
    "text",
    [
        '{"resource":"https:\\/\\/a.example\\/mcp","resource_name":"\\u30c4\\"x\\""}',
        '{"resource": "https://a.example", "x": {"k": ["\\\\", {"j": "\\"a"}]}}',
        '{"resource": "https://a.example", "bearer_methods_supported": [], "x": null}',
        # no translations (RFC 5646 tags only): unknown members, which the fast path keeps
        '{"resource": "https://a.example", "resource_name#": 1, "resource_documentation#x y": 2}',
    ],
)
def test_fast_path_accepts_escapes_and_agrees(text: str) -> None:
    assert _check_prm(text, None)
    assert _check_prm(text.encode(), None)


_IDENTITY = {"issuer_mismatch", "resource_mismatch"}
_STRICTLY_VALID = {
    case["file"]
    for case in json.loads((DATA / "manifest.json").read_text("utf-8"))["cases"]
    if not set(case["strict"]["codes"]) - _IDENTITY
}


@pytest.mark.parametrize(
    "path",
    sorted(p for p in DATA.glob("*.json") if p.name != "manifest.json"),
    ids=lambda p: p.name,
)
def test_corpus_fast_and_slow_agree(path: Path) -> None:
    data = path.read_bytes()
    check = _check_asm if path.name.startswith("asm-") else _check_prm
    took_fast_path = check(data, None)
    # Real documents that need no tolerance are what the fast path is for; the manifest says
    # which ones those are (identity is not checked here: no expected identifier is given).
    assert took_fast_path == (path.name in _STRICTLY_VALID)


_ISSUER = "https://as.example"
_ENDPOINTS = {
    "authorization_endpoint": f"{_ISSUER}/authorize",
    "token_endpoint": f"{_ISSUER}/token",
}


@pytest.mark.parametrize(
    ("members", "rule"),
    [
        # no grant_types_supported: the default (authorization_code, implicit) needs both
        ({"authorization_endpoint": None}, "authorization_endpoint_required"),
        ({"token_endpoint": None}, "token_endpoint_required"),
        # implicit only needs no token endpoint, but refresh_token does
        (
            {"grant_types_supported": ["implicit", "refresh_token"], "token_endpoint": None},
            "token_endpoint_required",
        ),
        (
            {"grant_types_supported": ["implicit"], "authorization_endpoint": None},
            "authorization_endpoint_required",
        ),
        (
            {"token_endpoint_auth_methods_supported": ["private_key_jwt"]},
            "auth_signing_alg_values_required",
        ),
        (
            {"introspection_endpoint_auth_signing_alg_values_supported": ["RS256", "none"]},
            "auth_signing_alg_none",
        ),
    ],
)
def test_cross_member_rules_decline_after_the_schema_accepts(
    members: dict[str, object], rule: str
) -> None:
    """What a schema cannot say: the fast path declines, the rule engine names the rule."""
    doc: dict[str, object] = {"issuer": _ISSUER, "response_types_supported": ["code"]}
    doc.update(_ENDPOINTS)
    doc.update(members)
    doc = {name: value for name, value in doc.items() if value is not None}
    text = json.dumps(doc).encode()
    assert _fast_asm(text, _ISSUER, CAP) is None
    with pytest.raises(MetadataError) as caught:
        _slow_asm(text, _ISSUER, strict=True, max_size=CAP)
    assert rule in caught.value.codes


def test_implicit_only_needs_no_token_endpoint() -> None:
    doc = {
        "issuer": _ISSUER,
        "response_types_supported": ["token"],
        "grant_types_supported": ["implicit"],
        "authorization_endpoint": f"{_ISSUER}/authorize",
    }
    assert _check_asm(json.dumps(doc).encode(), _ISSUER)


@pytest.mark.parametrize(
    ("member", "value", "rule"),
    [
        ("resource_policy_uri#de", "nicht eine URL", "invalid_url"),
        ("resource_name#ja", ["a"], "wrong_type"),
    ],
)
def test_language_tagged_members_decline(member: str, value: object, rule: str) -> None:
    text = json.dumps({"resource": "https://rs.example", member: value})
    assert _fast_prm(text, None, CAP) is None
    with pytest.raises(MetadataError) as caught:
        _slow_prm(text, None, strict=True, max_size=CAP)
    assert caught.value.codes == {rule}
