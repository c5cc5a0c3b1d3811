"""Every rule in the rule table: generated valid documents pass, each rule's mutation fails
with exactly that rule's id, tolerances are errors when strict and warnings when lenient."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies_metadata import WHOLE_DOCUMENTS, asm_documents, jws, prm_documents

import rfcauth
from rfcauth import (
    METADATA_RULES,
    METADATA_TOLERANCES,
    MetadataError,
    parse_authorization_server_metadata,
    parse_protected_resource_metadata,
)
from rfcauth.grammar._uri import (
    FAST_HTTPS_URL,
    FAST_ISSUER,
    FAST_RESOURCE,
    FAST_URL,
    absolute_url_problem,
    split_uri,
)
from rfcauth.metadata._members import ASM_MEMBERS, PRM_MEMBERS

Doc = dict[str, object]
# The per-rule mutation tests run once per rule: a tenth of the profile's examples each.
_PER_RULE = settings(max_examples=max(10, settings.default.max_examples // 10))
# A mutation turns a valid document into (data, keyword arguments for the parse function).
Mutation = Callable[[Doc], tuple[object, dict[str, object]]]


def _set(**members: object) -> Mutation:
    def mutate(doc: Doc) -> tuple[object, dict[str, object]]:
        return {**doc, **members}, {}

    return mutate


def _without(*names: str, **members: object) -> Mutation:
    def mutate(doc: Doc) -> tuple[object, dict[str, object]]:
        out = {k: v for k, v in doc.items() if k not in names}
        out.update(members)
        return out, {}

    return mutate


def _issuer(suffix: str = "", scheme: str = "https") -> Mutation:
    def mutate(doc: Doc) -> tuple[object, dict[str, object]]:
        issuer = str(doc["issuer"])
        return {**doc, "issuer": scheme + issuer.removeprefix("https") + suffix}, {}

    return mutate


def _resource(suffix: str = "", scheme: str = "https") -> Mutation:
    def mutate(doc: Doc) -> tuple[object, dict[str, object]]:
        resource = str(doc["resource"]).split("?")[0]
        return {**doc, "resource": scheme + resource.removeprefix("https") + suffix}, {}

    return mutate


def _text(transform: Callable[[str], object], **kwargs: object) -> Mutation:
    def mutate(doc: Doc) -> tuple[object, dict[str, object]]:
        return transform(json.dumps(doc)), kwargs

    return mutate


def _kwargs(**kwargs: object) -> Mutation:
    def mutate(doc: Doc) -> tuple[object, dict[str, object]]:
        return doc, kwargs

    return mutate


def _oauth_only(doc: Doc) -> Doc:
    return {
        k: v
        for k, v in doc.items()
        if k not in {"subject_types_supported", "id_token_signing_alg_values_supported"}
    }


def _jwt_without_algs(doc: Doc) -> tuple[object, dict[str, object]]:
    out = _oauth_only(doc)
    out.pop("token_endpoint_auth_signing_alg_values_supported", None)
    out["token_endpoint_auth_methods_supported"] = ["private_key_jwt"]
    return out, {}


_SHARED: dict[str, Mutation] = {
    "too_large": _text(lambda t: t.encode(), max_size=10),
    "invalid_encoding": _text(lambda t: t.encode()[:-1] + b'"\xff"}'),
    "invalid_json": _text(lambda t: t[:-1]),
    "invalid_scope": _set(scopes_supported=["read", "write all"]),
    "unpaired_surrogate": _text(lambda t: t[:-1] + ', "x_name": "\\udc00"}'),
    "too_deep": _set(x_deep=json.loads("[" * 80 + "]" * 80)),
    "not_an_object": _text(lambda t: f"[{t}]"),
    "duplicate_member": _text(lambda t: '{"x_dup": 1, "x_dup": 2, ' + t[1:]),
    "wrong_type": _set(scopes_supported="openid"),
    "empty_array": _set(scopes_supported=[]),
    "jwks_uri_not_https": _set(jwks_uri="http://keys.example/jwks"),
    "signed_metadata_malformed": _set(signed_metadata="not.a-jws"),
    "signed_metadata_alg_none": _set(
        signed_metadata=jws({"alg": "none"}, {"iss": "https://as.example"}, b"")
    ),
    "signed_metadata_missing_iss": _set(signed_metadata=jws({"alg": "RS256"}, {"sub": "x"})),
}

ASM_MUTATIONS: dict[str, Mutation] = {
    **_SHARED,
    "missing_member": _without("issuer"),
    "invalid_url": _set(token_endpoint="/token"),  # noqa: S106 - a member name, no secret
    "issuer_not_https": _issuer(scheme="http"),
    "oidc_endpoint_not_https": _set(userinfo_endpoint="http://as.example/userinfo"),
    "issuer_has_query": _issuer("?tenant=a"),
    "issuer_has_fragment": _issuer("#f"),
    "resource_not_https": _set(protected_resources=["http://r.example/api"]),
    "resource_has_fragment": _set(protected_resources=["https://r.example/api#f"]),
    "authorization_endpoint_required": _without(
        "authorization_endpoint",
        grant_types_supported=["authorization_code"],
        token_endpoint="https://as.example/token",  # noqa: S106 - a URL, no secret
    ),
    "token_endpoint_required": _without(
        "token_endpoint",
        grant_types_supported=["client_credentials"],
    ),
    "auth_signing_alg_values_required": _jwt_without_algs,
    "auth_signing_alg_none": _set(
        token_endpoint_auth_signing_alg_values_supported=["RS256", "none"]
    ),
    "issuer_mismatch": _kwargs(expected_issuer="https://other.example"),
}

PRM_MUTATIONS: dict[str, Mutation] = {
    **_SHARED,
    "missing_member": _without("resource"),
    "invalid_url": _set(resource_documentation="docs.html"),
    "issuer_not_https": _set(authorization_servers=["http://as.example"]),
    "issuer_has_query": _set(authorization_servers=["https://as.example/?t=1"]),
    "issuer_has_fragment": _set(authorization_servers=["https://as.example/#t"]),
    "resource_not_https": _resource(scheme="http"),
    "resource_has_fragment": _resource("#section"),
    "resource_signing_alg_none": _set(resource_signing_alg_values_supported=["none"]),
    "resource_mismatch": _kwargs(expected_resource="https://other.example/mcp"),
}


def test_every_rule_has_a_mutation_for_each_document_it_applies_to() -> None:
    for rule in METADATA_RULES.values():
        assert (rule.asm is not None) == (rule.id in ASM_MUTATIONS), rule.id
        assert (rule.prm is not None) == (rule.id in PRM_MUTATIONS), rule.id


def test_rule_and_tolerance_tables_are_consistent() -> None:
    for rule_id, rule in METADATA_RULES.items():
        assert rule.id == rule_id
        assert rule_id.islower()
        assert rule.summary.endswith(".")
    for tolerance in METADATA_TOLERANCES.values():
        assert tolerance.needed_by
        assert all(code in METADATA_RULES for code in tolerance.relaxes)


@WHOLE_DOCUMENTS
@given(asm_documents())
def test_generated_asm_documents_pass_and_round_trip(doc: Doc) -> None:
    for data in (doc, json.dumps(doc), json.dumps(doc).encode()):
        asm = parse_authorization_server_metadata(data, expected_issuer=str(doc["issuer"]))
        assert asm.warnings == ()
        assert json.loads(asm.to_json()) == doc  # lossless: unknown members included
        assert parse_authorization_server_metadata(asm.to_json()) == asm


@WHOLE_DOCUMENTS
@given(prm_documents())
def test_generated_prm_documents_pass_and_round_trip(doc: Doc) -> None:
    prm = parse_protected_resource_metadata(
        json.dumps(doc).encode(), expected_resource=str(doc["resource"])
    )
    assert prm.warnings == ()
    assert json.loads(prm.to_json()) == doc
    assert parse_protected_resource_metadata(prm.to_json()) == prm


def _codes_after(
    parse: Callable[..., object], mutation: Mutation, doc: Doc, *, strict: bool = True
) -> frozenset[str]:
    data, kwargs = mutation(doc)
    with pytest.raises(MetadataError) as info:
        parse(data, strict=strict, **kwargs)
    return info.value.codes


@pytest.mark.parametrize("rule_id", sorted(ASM_MUTATIONS))
@_PER_RULE
@given(doc=asm_documents())
def test_each_asm_rule_mutation_fails_with_that_rule(rule_id: str, doc: Doc) -> None:
    codes = _codes_after(parse_authorization_server_metadata, ASM_MUTATIONS[rule_id], doc)
    assert codes == {rule_id}


@pytest.mark.parametrize("rule_id", sorted(PRM_MUTATIONS))
@_PER_RULE
@given(doc=prm_documents())
def test_each_prm_rule_mutation_fails_with_that_rule(rule_id: str, doc: Doc) -> None:
    codes = _codes_after(parse_protected_resource_metadata, PRM_MUTATIONS[rule_id], doc)
    assert codes == {rule_id}


def test_all_violations_are_reported_at_once() -> None:
    doc = {
        "issuer": "http://as.example?x=1",
        "response_types_supported": [],
        "scopes_supported": "openid",
        "token_endpoint_auth_signing_alg_values_supported": ["none"],
        "require_pushed_authorization_requests": "true",
    }
    with pytest.raises(MetadataError) as info:
        parse_authorization_server_metadata(doc, expected_issuer="https://as.example")
    assert info.value.codes == {
        "issuer_not_https",
        "issuer_has_query",
        "empty_array",
        "wrong_type",
        "auth_signing_alg_none",
        "authorization_endpoint_required",
        "token_endpoint_required",
        "issuer_mismatch",
    }
    locations = {v.location for v in info.value.violations}
    assert "/require_pushed_authorization_requests" in locations
    assert "/token_endpoint_auth_signing_alg_values_supported/0" in locations


# -- tolerances ----------------------------------------------------------------------------------

_GOOGLE_LIKE = {
    "issuer": "https://accounts.example",
    "authorization_endpoint": "https://accounts.example/auth",
    "token_endpoint": "https://accounts.example/token",
    "response_types_supported": ["code"],
    "subject_types_supported": ["public"],
    "id_token_signing_alg_values_supported": ["RS256"],
}


@pytest.mark.parametrize(
    ("tolerance", "doc", "kwargs"),
    [
        ("issuer_trailing_slash", _GOOGLE_LIKE, {"expected_issuer": "https://accounts.example/"}),
        (
            "oidc_jwt_signing_alg_list_missing",
            {**_GOOGLE_LIKE, "token_endpoint_auth_methods_supported": ["private_key_jwt"]},
            {},
        ),
        (
            "loopback_http",
            {**_GOOGLE_LIKE, "issuer": "http://localhost:8080"},
            {"expected_issuer": "http://localhost:8080"},
        ),
        ("null_member", {**_GOOGLE_LIKE, "jwks_uri": None}, {}),
    ],
)
def test_tolerances_are_errors_when_strict_and_warnings_when_lenient(
    tolerance: str, doc: Doc, kwargs: dict[str, str]
) -> None:
    relaxes = set(METADATA_TOLERANCES[tolerance].relaxes)
    with pytest.raises(MetadataError) as info:
        parse_authorization_server_metadata(doc, **kwargs)
    assert info.value.codes & relaxes
    assert "strict=False" in str(info.value)
    lenient = parse_authorization_server_metadata(doc, strict=False, **kwargs)
    assert [w.code for w in lenient.warnings] == [tolerance]


def test_loopback_http_covers_prm_resource_and_servers_but_not_other_hosts() -> None:
    doc = {"resource": "http://127.0.0.1:3000/mcp", "authorization_servers": ["http://[::1]:9000"]}
    prm = parse_protected_resource_metadata(doc, strict=False)
    assert [w.code for w in prm.warnings] == ["loopback_http", "loopback_http"]
    with pytest.raises(MetadataError) as info:
        parse_protected_resource_metadata(doc)
    assert info.value.codes == {"resource_not_https", "issuer_not_https"}
    with pytest.raises(MetadataError):
        parse_protected_resource_metadata({"resource": "http://127.0.0.1.nip.io/"}, strict=False)


def test_trailing_slash_tolerance_is_only_for_an_empty_path() -> None:
    doc = {**_GOOGLE_LIKE, "issuer": "https://accounts.example/tenant"}
    with pytest.raises(MetadataError) as info:
        parse_authorization_server_metadata(
            doc, expected_issuer="https://accounts.example/tenant/", strict=False
        )
    assert info.value.codes == {"issuer_mismatch"}


def test_resource_identity_has_no_tolerance() -> None:
    doc = {"resource": "https://mcp.example/mcp"}
    for expected in ("https://mcp.example/mcp/", "https://MCP.example/mcp", "https://mcp.example"):
        with pytest.raises(MetadataError) as info:
            parse_protected_resource_metadata(doc, expected_resource=expected, strict=False)
        assert info.value.codes == {"resource_mismatch"}


def test_duplicates_are_errors_in_both_modes_with_their_location() -> None:
    text = '{"resource": "https://a.example", "x": {"k": 1, "k": 1}}'
    for strict in (True, False):
        with pytest.raises(MetadataError) as info:
            parse_protected_resource_metadata(text, strict=strict)
        assert [(v.code, v.location) for v in info.value.violations] == [
            ("duplicate_member", "/x/k")
        ]


# -- models ----------------------------------------------------------------------------------


def test_models_are_frozen_and_strict() -> None:
    asm = parse_authorization_server_metadata(_GOOGLE_LIKE)
    with pytest.raises(Exception, match="frozen"):
        asm.issuer = "https://evil.example"  # type: ignore[misc]
    with pytest.raises(MetadataError) as info:
        parse_authorization_server_metadata(
            {**_GOOGLE_LIKE, "require_pushed_authorization_requests": "true"}
        )
    assert info.value.codes == {"wrong_type"}
    with pytest.raises(Exception, match="valid boolean"):
        rfcauth.AuthorizationServerMetadata.model_validate(
            {**_GOOGLE_LIKE, "require_pushed_authorization_requests": "true"}
        )


def test_identifiers_are_kept_exactly() -> None:
    odd = "https://Login.Example:443/{tenantid}/v2.0"
    asm = parse_authorization_server_metadata({**_GOOGLE_LIKE, "issuer": odd})
    assert asm.issuer == odd
    assert json.loads(asm.to_json())["issuer"] == odd


def test_model_fields_follow_the_member_tables() -> None:
    assert list(rfcauth.AuthorizationServerMetadata.model_fields) == list(ASM_MEMBERS)
    assert list(rfcauth.ProtectedResourceMetadata.model_fields) == list(PRM_MEMBERS)


def test_built_model_equals_model_construct() -> None:
    doc = {**_GOOGLE_LIKE, "x_vendor": {"a": [1]}}
    asm = parse_authorization_server_metadata(doc)
    constructed = rfcauth.AuthorizationServerMetadata.model_construct(
        **{
            **doc,
            "response_types_supported": ("code",),
            "subject_types_supported": ("public",),
            "id_token_signing_alg_values_supported": ("RS256",),
        }
    )
    assert asm == constructed
    # like model_validate (not model_construct), the unknown members count as set
    assert asm.model_fields_set == constructed.model_fields_set | {"x_vendor"}
    assert asm.extra == {"x_vendor": {"a": [1]}}


def test_localized_members() -> None:
    prm = parse_protected_resource_metadata(
        {
            "resource": "https://r.example",
            "resource_name#DE-ch": "Werkzeug",
            "resource_tos_uri#en": "https://r.example/tos",
        }
    )
    assert prm.localized("resource_name") == {"DE-ch": "Werkzeug"}
    assert prm.localized_value("resource_name", "de-CH") == "Werkzeug"
    assert prm.localized_value("resource_name", "fr") is None
    assert prm.localized_value("resource_tos_uri", "EN") == "https://r.example/tos"
    with pytest.raises(rfcauth.UsageError):
        prm.localized("scopes_supported")
    with pytest.raises(MetadataError) as info:
        parse_protected_resource_metadata(
            {"resource": "https://r.example", "resource_policy_uri#fr": "politique"}
        )
    assert [(v.code, v.location) for v in info.value.violations] == [
        ("invalid_url", "/resource_policy_uri#fr")
    ]


def test_effective_defaults() -> None:
    asm = parse_authorization_server_metadata(_GOOGLE_LIKE)
    assert asm.grant_types_supported is None
    assert asm.effective_grant_types_supported == ("authorization_code", "implicit")
    assert asm.effective_response_modes_supported == ("query", "fragment")
    assert asm.effective_token_endpoint_auth_methods_supported == ("client_secret_basic",)


# -- MCP profile -----------------------------------------------------------------------------


def test_mcp_profile() -> None:
    check = rfcauth.check_mcp_profile
    asm = parse_authorization_server_metadata(_GOOGLE_LIKE)
    assert [v.code for v in check(asm)] == ["mcp_pkce_s256_not_advertised"]
    plain = parse_authorization_server_metadata(
        {**_GOOGLE_LIKE, "code_challenge_methods_supported": ["plain"]}
    )
    assert [v.code for v in check(plain)] == ["mcp_pkce_s256_not_advertised"]
    s256 = parse_authorization_server_metadata(
        {**_GOOGLE_LIKE, "code_challenge_methods_supported": ["plain", "S256"]}
    )
    assert check(s256) == ()
    prm = parse_protected_resource_metadata({"resource": "https://r.example"})
    assert [v.code for v in check(prm)] == ["mcp_no_authorization_servers"]
    prm2 = parse_protected_resource_metadata(
        {"resource": "https://r.example", "authorization_servers": ["https://as.example"]}
    )
    assert check(prm2) == ()
    with pytest.raises(rfcauth.UsageError):
        check({"resource": "https://r.example"})  # type: ignore[arg-type]


# -- the fast shapes accept only what the detailed checks accept ----------------------------

_URLISH = st.builds(
    lambda scheme, sep, auth, rest: scheme + sep + auth + rest,
    st.sampled_from(["https", "http", "HTTPS", "ftp", "", "h"]),
    st.sampled_from(["://", ":", ":/", "//"]),
    st.text(alphabet="ab.:@[]1%-\\", max_size=8),
    st.text(alphabet="/?#a= \t", max_size=6),
)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("https://[::1]:8443/mcp", None),
        ("https://[v1.fe80::a+en1]/", None),  # RFC 3986 §3.2.2 IPvFuture
        ("https://as.example:/", None),  # port = *DIGIT: empty is allowed
        ("https://[::ffff:192.0.2.1]/", None),
        ("https://as.example@evil.example/", "has userinfo ('as.example@')"),  # RFC 9110 §4.2.4
        ("https://as.example\\@evil.example/", "contains \\\\ at offset 18"),  # WHATWG: "/"
        ("https://[:::::]/", "has a malformed IP literal [:::::]"),
        ("https://[1.2.3.4]/", "has a malformed IP literal [1.2.3.4]"),
        ("https://[fe80::1%25eth0]/", "has a malformed IP literal"),  # RFC 6874 zones: no
        ("https://[::1", "has an IP literal without its closing ']'"),
        ("https://[::1]x", "has 'x' after the IP literal [::1]"),
        ("https://[as.example]/", "has a malformed IP literal [as.example]"),
        ("https://as]example/", "has a bracket in its host 'as]example'"),
        ("https://as.example:https/", "has a port that is not a number: 'https'"),
        ("https://as.example:8\u0663/", "has a port that is not a number"),  # Arabic-Indic 3
    ],
)
def test_host_and_port_shapes(value: str, problem: str | None) -> None:
    found = absolute_url_problem(value)
    assert found == problem if problem is None else (found or "").startswith(problem)


@given(_URLISH)
def test_fast_shapes_imply_the_detailed_verdict(value: str) -> None:
    parts = split_uri(value)
    if FAST_URL.fullmatch(value):
        assert absolute_url_problem(value) is None
    if FAST_HTTPS_URL.fullmatch(value):
        assert absolute_url_problem(value) is None
        assert parts.scheme is not None
        assert parts.scheme.lower() == "https"
    if FAST_ISSUER.fullmatch(value):
        assert absolute_url_problem(value) is None
        assert (parts.scheme or "").lower() == "https"
        assert parts.query is None
        assert parts.fragment is None
    if FAST_RESOURCE.fullmatch(value):
        assert absolute_url_problem(value) is None
        assert (parts.scheme or "").lower() == "https"
        assert parts.fragment is None


def test_readme_rule_and_tolerance_tables_match_the_code() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- section: metadata -->")[1].split("<!-- end section")[0]
    rows = {
        cells[0].strip("` "): [c.strip() for c in cells[1:]]
        for line in section.splitlines()
        if line.startswith("| `")
        for cells in [line.strip("|").split(" | ")]
    }
    for rule in METADATA_RULES.values():
        assert rows.pop(rule.id) == [rule.asm or "—", rule.prm or "—", rule.summary]
    for tolerance in METADATA_TOLERANCES.values():
        relaxes = ", ".join(f"`{c}`" for c in tolerance.relaxes)
        assert rows.pop(tolerance.id) == [relaxes, tolerance.summary, tolerance.needed_by]
    assert rows == {}
