"""The RFCs' own examples, and bad input that must only ever give MetadataError."""

from __future__ import annotations

import base64
import json
import time
from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rfcauth import (
    MetadataError,
    UsageError,
    parse_authorization_server_metadata,
    parse_protected_resource_metadata,
)
from rfcauth.metadata._jsonload import MAX_LISTED

if TYPE_CHECKING:
    from collections.abc import Callable

# RFC 8414 §3.2, verbatim (including the OpenID Connect `userinfo_endpoint`).
RFC8414_EXAMPLE = b"""{
 "issuer":
   "https://server.example.com",
 "authorization_endpoint":
   "https://server.example.com/authorize",
 "token_endpoint":
   "https://server.example.com/token",
 "token_endpoint_auth_methods_supported":
   ["client_secret_basic", "private_key_jwt"],
 "token_endpoint_auth_signing_alg_values_supported":
   ["RS256", "ES256"],
 "userinfo_endpoint":
   "https://server.example.com/userinfo",
 "jwks_uri":
   "https://server.example.com/jwks.json",
 "registration_endpoint":
   "https://server.example.com/register",
 "scopes_supported":
   ["openid", "profile", "email", "address",
    "phone", "offline_access"],
 "response_types_supported":
   ["code", "code token"],
 "service_documentation":
   "http://server.example.com/service_documentation.html",
 "ui_locales_supported":
   ["en-US", "en-GB", "en-CA", "fr-FR", "fr-CA"]
}"""

# RFC 9728 §3.2, verbatim.
RFC9728_EXAMPLE = b"""{
 "resource":
   "https://resource.example.com",
 "authorization_servers":
   ["https://as1.example.com",
    "https://as2.example.net"],
 "bearer_methods_supported":
   ["header", "body"],
 "scopes_supported":
   ["profile", "email", "phone"],
 "resource_documentation":
   "https://resource.example.com/resource_documentation.html"
}"""


def test_rfc8414_example() -> None:
    asm = parse_authorization_server_metadata(
        RFC8414_EXAMPLE, expected_issuer="https://server.example.com"
    )
    assert asm.issuer == "https://server.example.com"
    assert asm.token_endpoint_auth_methods_supported == ("client_secret_basic", "private_key_jwt")
    assert asm.userinfo_endpoint == "https://server.example.com/userinfo"
    assert asm.grant_types_supported is None
    assert asm.code_challenge_methods_supported is None
    assert asm.extra == {}
    assert asm.warnings == ()
    assert json.loads(asm.to_json()) == json.loads(RFC8414_EXAMPLE)


def test_rfc8414_example_issuer_identity() -> None:
    with pytest.raises(MetadataError) as info:
        parse_authorization_server_metadata(
            RFC8414_EXAMPLE, expected_issuer="https://server.example.com/tenant"
        )
    assert [(v.code, v.location, v.section) for v in info.value.violations] == [
        ("issuer_mismatch", "/issuer", "RFC 8414 §3.3")
    ]


def test_rfc9728_example() -> None:
    prm = parse_protected_resource_metadata(
        RFC9728_EXAMPLE, expected_resource="https://resource.example.com"
    )
    assert prm.authorization_servers == ("https://as1.example.com", "https://as2.example.net")
    assert prm.bearer_methods_supported == ("header", "body")
    assert json.loads(prm.to_json()) == json.loads(RFC9728_EXAMPLE)


def test_rfc9728_example_resource_identity() -> None:
    with pytest.raises(MetadataError) as info:
        parse_protected_resource_metadata(
            RFC9728_EXAMPLE, expected_resource="https://resource.example.com/"
        )
    assert info.value.codes == {"resource_mismatch"}
    assert info.value.violations[0].section == "RFC 9728 §3.3"


# -- bad input -----------------------------------------------------------------------------

_MINIMAL = b'{"resource": "https://r.example"}'


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "invalid_json"),
        (b"{", "invalid_json"),
        (b'{"resource": "https://r.example"} x', "invalid_json"),
        (b'{"resource": NaN}', "invalid_json"),
        (b'{"resource": Infinity}', "invalid_json"),
        (b"[]", "not_an_object"),
        (b'"https://r.example"', "not_an_object"),
        (b"null", "not_an_object"),
        (b'{"resource": "https://r.example", "resource_name": "\xff"}', "invalid_encoding"),
        (b"\xef\xbb\xbf" + _MINIMAL, "invalid_json"),  # RFC 8259 §8.1: no BOM
        # RFC 8259 §8.2: an escaped unpaired surrogate is JSON syntax but not Unicode
        (b'{"resource": "https://r.example", "resource_name": "\\ud800"}', "unpaired_surrogate"),
        (b'{"resource": "https://r.example", "x": ["\\uDFFF"]}', "unpaired_surrogate"),
        (b'{"resource": "https://r.example", "\\udc00": 1}', "unpaired_surrogate"),
        # RFC 8259 §6: numbers a double cannot hold would not survive a round trip
        (b'{"resource": "https://r.example", "x": 1e999}', "invalid_json"),
        (b'{"resource": "https://r.example", "x": [-1E+400]}', "invalid_json"),
        (b'{"resource": "https://r.example", "x": -' + b"9" * 4_301 + b"}", "invalid_json"),
        # RFC 3986 §3.2.2-§3.2.3: the host and port a client would connect to
        (b'{"resource": "https://[::1"}', "invalid_url"),
        (b'{"resource": "https://[::1]x/mcp"}', "invalid_url"),
        (b'{"resource": "https://[example.com]/"}', "invalid_url"),
        (b'{"resource": "https://r.example", "jwks_uri": "https://r.example:4x/"}', "invalid_url"),
        (b'{"resource": "https://r.example", "jwks_uri": "https://r]example/"}', "invalid_url"),
        (b"[" * 100_000 + b"]" * 100_000, "too_large"),
        (b'{"a":' * 5_000 + b"1" + b"}" * 5_000, "too_deep"),
        (b'{"resource": "https://r.example", "x": ' + b"[" * 70 + b"]" * 70 + b"}", "too_deep"),
        (
            b'{"resource": "https://r.example", "resource": "https://evil.example"}',
            "duplicate_member",
        ),
        (b'{"resource": ["https://r.example"]}', "wrong_type"),
        (b'{"resource": "https://r.example", "bearer_methods_supported": "header"}', "wrong_type"),
        (
            b'{"resource": "https://r.example", "dpop_bound_access_tokens_required": "true"}',
            "wrong_type",
        ),
        (
            b'{"resource": "https://r.example", "dpop_bound_access_tokens_required": 1}',
            "wrong_type",
        ),
        (b'{"resource": "https://r.example", "scopes_supported": [1]}', "wrong_type"),
        # RFC 6749 §3.3: a scope with a space would become two scopes in the request
        (b'{"resource": "https://r.example", "scopes_supported": ["read write"]}', "invalid_scope"),
        (b'{"resource": "https://r.example", "scopes_supported": ["ok", ""]}', "invalid_scope"),
        (b'{"resource": "https://r.example", "scopes_supported": ["\xc3\xa9"]}', "invalid_scope"),
        (b'{"resource": "https://r.example", "scopes_supported": ["a\\"b"]}', "invalid_scope"),
        (b'{"resource": "https://r.example", "scopes_supported": ["a\\\\b"]}', "invalid_scope"),
    ],
)
def test_bad_input_gives_one_clear_violation(data: bytes, code: str) -> None:
    with pytest.raises(MetadataError) as info:
        parse_protected_resource_metadata(data, max_size=150_000)
    assert info.value.codes == {code}
    assert str(info.value).startswith("invalid protected resource metadata: 1 violation")


def test_huge_arrays_are_linear_and_capped() -> None:
    big = {"resource": "https://r.example", "scopes_supported": ["s"] * 60_000}
    start = time.perf_counter()
    prm = parse_protected_resource_metadata(json.dumps(big).encode())
    assert len(prm.scopes_supported or ()) == 60_000
    assert time.perf_counter() - start < 2.0
    bad = {"resource": "https://r.example", "scopes_supported": [1] * 60_000}
    with pytest.raises(MetadataError) as info:
        parse_protected_resource_metadata(json.dumps(bad))
    assert len(info.value.violations) == 60_000
    with pytest.raises(MetadataError) as capped:
        parse_protected_resource_metadata(json.dumps(["x"] * 200_000))
    assert capped.value.codes == {"too_large"}


def test_size_cap_applies_to_text_too() -> None:
    text = json.dumps(
        {"resource": "https://r.example", "resource_name": "é" * 300}, ensure_ascii=False
    )
    with pytest.raises(MetadataError) as info:
        parse_protected_resource_metadata(text, max_size=500)
    assert info.value.codes == {"too_large"}
    assert parse_protected_resource_metadata(text, max_size=700).resource_name == "é" * 300


def test_unpaired_surrogates_are_refused_in_every_input_form() -> None:
    text = '{"resource": "https://r.example", "resource_name": "caf\ud800"}'
    with pytest.raises(MetadataError) as raw:
        parse_protected_resource_metadata(text)  # a str holding the surrogate itself
    assert raw.value.codes == {"unpaired_surrogate"}
    assert f"offset {text.index(chr(0xD800))}" in str(raw.value)
    with pytest.raises(MetadataError) as mapping:
        parse_protected_resource_metadata(json.loads(text))
    assert [(v.code, v.location) for v in mapping.value.violations] == [
        ("unpaired_surrogate", "/resource_name")
    ]
    escaped = json.dumps(json.loads(text))  # ensure_ascii: "caf\\ud800"
    with pytest.raises(MetadataError) as info:
        parse_protected_resource_metadata(escaped)
    assert [(v.code, v.location) for v in info.value.violations] == [
        ("unpaired_surrogate", "/resource_name")
    ]
    str(info.value).encode("utf-8")  # the message itself is printable
    with pytest.raises(MetadataError) as name:
        parse_protected_resource_metadata({"resource": "https://r.example", "\udc00": 1})
    assert [(v.code, v.location) for v in name.value.violations] == [("unpaired_surrogate", "")]


def test_a_mapping_is_held_to_the_same_number_limits_as_text() -> None:
    for value in (10**4300, -(10**4300), float("inf")):
        with pytest.raises(MetadataError) as info:
            parse_protected_resource_metadata({"resource": "https://r.example", "x": [value]})
        assert [(v.code, v.location) for v in info.value.violations] == [("invalid_json", "/x/0")]
    biggest = 10**4300 - 1  # 4,300 digits: accepted from text and from a mapping alike
    text = f'{{"resource": "https://r.example", "x": {biggest}}}'
    assert parse_protected_resource_metadata(text).extra["x"] == biggest
    assert parse_protected_resource_metadata({"resource": "https://r.example", "x": biggest})


def test_escaped_surrogate_pairs_are_one_code_point() -> None:
    doc = b'{"resource": "https://r.example", "resource_name": "MCP \\ud83d\\ude80"}'
    prm = parse_protected_resource_metadata(doc)
    assert prm.resource_name == "MCP \U0001f680"
    assert parse_protected_resource_metadata(prm.to_json()) == prm


def test_caller_misuse_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        parse_protected_resource_metadata(42)  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        parse_protected_resource_metadata(_MINIMAL, max_size=0)
    with pytest.raises(UsageError):
        parse_protected_resource_metadata(_MINIMAL, expected_resource=b"https://r.example")  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        parse_authorization_server_metadata(RFC8414_EXAMPLE, expected_issuer=1)  # type: ignore[arg-type]


def test_a_mapping_with_non_json_values_is_reported() -> None:
    with pytest.raises(MetadataError) as info:
        parse_protected_resource_metadata(
            {"resource": "https://r.example", "x": {1, 2}, "y": float("nan"), 3: "z"}  # type: ignore[dict-item]
        )
    assert info.value.codes == {"invalid_json"}
    assert len(info.value.violations) == 3


def test_javascript_endpoints_are_rejected() -> None:
    doc = json.loads(RFC8414_EXAMPLE)
    doc["authorization_endpoint"] = "javascript:alert(1)"
    with pytest.raises(MetadataError) as info:
        parse_authorization_server_metadata(doc)
    assert [(v.code, v.location) for v in info.value.violations] == [
        ("invalid_url", "/authorization_endpoint")
    ]


_JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=30), inner, max_size=5)
    ),
    max_leaves=12,
)
_KEYS = st.sampled_from(
    [
        "issuer",
        "resource",
        "authorization_servers",
        "response_types_supported",
        "jwks_uri",
        "token_endpoint",
        "grant_types_supported",
        "signed_metadata",
        "mtls_endpoint_aliases",
        "resource_name#en",
        "token_endpoint_auth_methods_supported",
    ]
)


def _error_or_none(
    parse: Callable[..., object], data: object, *, strict: bool
) -> MetadataError | None:
    """Parse; any exception but MetadataError propagates and fails the test."""
    try:
        parse(data, strict=strict)
    except MetadataError as exc:
        return exc
    return None


@given(st.dictionaries(_KEYS, _JSONISH, max_size=6))
def test_any_json_object_gives_a_model_or_metadata_error(doc: dict[str, object]) -> None:
    for parse in (parse_authorization_server_metadata, parse_protected_resource_metadata):
        for strict in (True, False):
            for data in (doc, json.dumps(doc)):
                error = _error_or_none(parse, data, strict=strict)
                if error is not None:
                    assert error.violations
                    assert all(v.code and v.section and v.message for v in error.violations)


_ANY_TEXT = st.text(st.characters() | st.characters(categories=["Cs"]), max_size=6)  # + surrogates
_ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _ANY_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_ANY_TEXT, inner, max_size=3),
    max_leaves=8,
)


@given(extra=st.dictionaries(_ANY_TEXT, _ANY_JSON, max_size=3), ascii_only=st.booleans())
def test_whatever_is_accepted_survives_a_json_round_trip(
    extra: dict[str, object], *, ascii_only: bool
) -> None:
    """RFC 9728 §3.2 / RFC 8414 §3.2: unknown members are kept, so they must come back intact."""
    doc = {**extra, "resource": "https://r.example"}
    text = json.dumps(doc, ensure_ascii=ascii_only)  # infinities print as Infinity: refused
    for data in (doc, text, text.encode("utf-8", "surrogatepass")):
        error = _error_or_none(parse_protected_resource_metadata, data, strict=True)
        if error is not None:
            str(error).encode("utf-8")
            continue
        prm = parse_protected_resource_metadata(data)
        again = parse_protected_resource_metadata(prm.to_json().encode("utf-8"))
        assert again == prm
        assert again.to_dict() == prm.to_dict()


@given(st.binary(max_size=200) | st.text(max_size=200))
def test_any_bytes_or_text_give_a_model_or_metadata_error(data: bytes | str) -> None:
    for parse in (parse_authorization_server_metadata, parse_protected_resource_metadata):
        error = _error_or_none(parse, data, strict=False)
        assert error is None or error.violations


@pytest.mark.parametrize(
    ("grants", "where"),
    [
        ([], "/grant_types_supported"),
        ("client_credentials", "/grant_types_supported"),
        ([1], "/grant_types_supported/0"),
    ],
)
def test_an_unreadable_grant_list_adds_no_endpoint_finding(grants: object, where: str) -> None:
    """The endpoint rules need to know the grant types; a broken list says nothing about them."""
    doc = json.loads(RFC8414_EXAMPLE)
    del doc["authorization_endpoint"]
    with pytest.raises(MetadataError) as info:
        parse_authorization_server_metadata({**doc, "grant_types_supported": grants})
    assert [v.location for v in info.value.violations] == [where]


def _jws(header: dict[str, object], signature: str) -> str:
    def part(value: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part(header)}.{part({'iss': 'https://server.example.com'})}.{signature}"


@pytest.mark.parametrize(
    ("header", "signature", "code", "message"),
    [
        ({"alg": "none"}, "", "signed_metadata_alg_none", "'alg' is 'none'"),
        ({"alg": "NONE"}, "c2ln", "signed_metadata_alg_none", "'alg' is 'NONE'"),
        ({"alg": "HS256"}, "", "signed_metadata_malformed", "the JWS signature is empty"),
    ],
)
def test_signed_metadata_says_what_is_wrong(
    header: dict[str, object], signature: str, code: str, message: str
) -> None:
    doc = {**json.loads(RFC8414_EXAMPLE), "signed_metadata": _jws(header, signature)}
    with pytest.raises(MetadataError) as info:
        parse_authorization_server_metadata(doc)
    [violation] = info.value.violations
    assert (violation.code, violation.location) == (code, "/signed_metadata")
    assert message in violation.message


def test_bytes_and_str_subclasses_and_buffers_parse_like_bytes() -> None:
    class Body(bytes):
        pass

    class Text(str):
        __slots__ = ()

    raw = b'{"resource": "https://r.example", "x": [1, {"y": "z"}]}'
    expected = parse_protected_resource_metadata(raw)
    for data in (Body(raw), Text(raw.decode()), bytearray(raw), memoryview(raw)):
        assert parse_protected_resource_metadata(data) == expected  # type: ignore[arg-type]


def _timed(parse: Callable[[], object]) -> tuple[float, MetadataError | None]:
    start = time.perf_counter()
    try:
        parse()
    except MetadataError as exc:
        return time.perf_counter() - start, exc
    return time.perf_counter() - start, None


def test_a_long_name_above_many_findings_stays_linear() -> None:
    """Locations are spelt out only for what is listed, and at most MAX_LISTED are listed."""
    n = 100_000  # quadratic before: 5.6 s and gigabytes for this 150 KB document
    head = '{"resource": "https://r.example", "' + "a" * n + '": ['
    # valid, but the escaped quote before ":" makes the fast path decline, and the escaped
    # surrogate pair makes the slow path look for unpaired surrogates
    valid = head + "0, " * (n - 1) + '0], "e": "\\ud83d\\ude00\\":"}'
    seconds, error = _timed(lambda: parse_protected_resource_metadata(valid))
    assert error is None
    assert seconds < 1.0
    repeated = head + '{"k": 1, "k": 1}, ' * (n // 20) + "1]}"
    seconds, error = _timed(lambda: parse_protected_resource_metadata(repeated))
    assert error is not None
    assert seconds < 1.0
    assert len(error.violations) == MAX_LISTED + 1
    assert error.violations[-1].message.startswith(f"{n // 20 - MAX_LISTED} more member names")
    mapping = {"resource": "https://r.example", "a" * n: [float("nan")] * n}
    seconds, error = _timed(lambda: parse_protected_resource_metadata(mapping))
    assert error is not None
    assert seconds < 1.0
    assert [v.code for v in error.violations] == ["invalid_json"] * (MAX_LISTED + 1)
    assert error.violations[0].location == "/" + "a" * n + "/0"
    assert error.violations[-1].message.startswith(f"{n - MAX_LISTED} more findings")


_EVIL = "https://evil.example/token"


def test_declared_members_are_immutable_and_the_model_hashable() -> None:
    doc = {
        **json.loads(RFC8414_EXAMPLE),
        "mtls_endpoint_aliases": {"token_endpoint": "https://mtls.server.example.com/token"},
    }
    for data in (doc, json.dumps(doc).encode()):
        asm = parse_authorization_server_metadata(data)
        aliases = asm.mtls_endpoint_aliases
        assert aliases == doc["mtls_endpoint_aliases"]
        with pytest.raises(TypeError):
            aliases["token_endpoint"] = _EVIL  # type: ignore[index]
        assert isinstance(asm.scopes_supported, tuple)
        assert hash(asm) == hash(parse_authorization_server_metadata(doc))
        copy = asm.to_dict()
        copy["mtls_endpoint_aliases"]["token_endpoint"] = _EVIL  # type: ignore[index]
        assert asm.mtls_endpoint_aliases["token_endpoint"].startswith("https://mtls.")


def test_values_without_a_faithful_form_are_listed_with_the_rule_findings() -> None:
    """Every violation is listed: an unpaired surrogate does not hide the others."""
    text = '{"issuer": "http://as.example", "response_types_supported": [], "x": "\\ud800"}'
    mapping = {**json.loads(text), "x": float("nan")}
    for data, odd in (
        (text, "unpaired_surrogate"),
        (text.encode(), "unpaired_surrogate"),
        (mapping, "invalid_json"),
    ):
        with pytest.raises(MetadataError) as info:
            parse_authorization_server_metadata(data)
        assert {"issuer_not_https", "empty_array", odd} <= info.value.codes


def test_the_integer_cap_is_rfcauths_own() -> None:
    """Not CPython's int_max_str_digits (also 4300), which an application may raise."""
    text = '{"resource": "https://r.example", "x": -' + "9" * 4_301 + "}"
    with pytest.raises(MetadataError) as info:
        parse_protected_resource_metadata(text)
    [violation] = info.value.violations
    assert (violation.code, violation.section) == ("invalid_json", "RFC 8259 §6")
    assert violation.message == "an integer has 4301 digits; the cap is 4300 (rfcauth limit)"


@pytest.mark.parametrize(
    "scope",
    ["https://graph.microsoft.com/.default", "repo:status", "read!#$%&'()*+,-./:;<=>?@[]^_`{|}~"],
)
def test_every_scope_token_character_is_accepted(scope: str) -> None:
    """RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )."""
    doc = {"resource": "https://r.example", "scopes_supported": [scope]}
    for data in (doc, json.dumps(doc).encode()):
        assert parse_protected_resource_metadata(data).scopes_supported == (scope,)


def test_a_repeated_name_says_whether_the_values_were_the_same() -> None:
    for text, how in [
        ('{"resource": "https://r.example", "x": 1, "x": 1}', "the same value"),
        ('{"resource": "https://r.example", "x": 1, "x": 1.0}', "different values"),
    ]:
        with pytest.raises(MetadataError) as info:
            parse_protected_resource_metadata(text)
        assert info.value.violations[0].message.endswith(f"(with {how})")
