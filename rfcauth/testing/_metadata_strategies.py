"""Strategies for RFC 8414 and RFC 9728 metadata documents, valid and broken in one rule.

Theory of operation
-------------------
Valid documents are built member by member so that every rule in rfcauth's rule table
(``rfcauth.METADATA_RULES``) holds: identifiers are https without query or fragment
(RFC 8414 §2, RFC 9728 §1.2), endpoints follow the grant types (RFC 8414 §2), JWT client
authentication comes with its algorithms, arrays are never empty (RFC 8414 §3.2). Documents
are decoded JSON objects (``dict``), and shrink towards the smallest document: the required
members only.

An invalid document is a valid one with one change that breaks exactly one named rule; the
rule id and its section come with it, so a validator under test can be told *what* it
should have rejected and why.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from rfcauth.metadata._members import (
    ASM_MEMBERS,
    BOOL,
    PRM_MEMBERS,
    SCOPES,
    STRINGS,
    URL,
    URL_HTTPS,
)
from rfcauth.metadata._rules import RULES

__all__ = [
    "ASM_BREAKS",
    "JSON_VALUES",
    "PRM_BREAKS",
    "TOKENS",
    "InvalidDocument",
    "authorization_server_metadata",
    "https_origins",
    "invalid_authorization_server_metadata",
    "invalid_protected_resource_metadata",
    "issuers",
    "jws",
    "protected_resource_metadata",
    "resources",
    "urls",
]

Document = dict[str, Any]

_LABEL = st.from_regex(r"[a-z][a-z0-9]{0,8}", fullmatch=True)
_HOSTS = st.builds(
    lambda labels, tld: ".".join([*labels, tld]),
    st.lists(_LABEL, min_size=1, max_size=2),
    st.sampled_from(["com", "example", "org", "io"]),
)
_PORTS = st.one_of(st.just(""), st.integers(1, 65535).map(lambda p: f":{p}"))
_SEGMENTS = st.from_regex(r"[A-Za-z0-9._~-]{1,8}", fullmatch=True)
_PATHS = st.lists(_SEGMENTS, max_size=3).map(lambda segs: "".join("/" + s for s in segs))
_QUERIES = st.one_of(st.just(""), st.from_regex(r"\?[a-z]{1,5}=[a-z0-9]{0,5}", fullmatch=True))


@st.composite
def https_origins(draw: st.DrawFn) -> str:
    """``https://host[:port]`` origins (RFC 6454 §4)."""
    return f"https://{draw(_HOSTS)}{draw(_PORTS)}"


@st.composite
def issuers(draw: st.DrawFn) -> str:
    """RFC 8414 §2 issuer identifiers: https, optional path, no query, no fragment."""
    return draw(_ORIGIN_S) + draw(_PATHS)


@st.composite
def resources(draw: st.DrawFn) -> str:
    """RFC 9728 §1.2 resource identifiers: https, optional path and query, no fragment."""
    return draw(_ORIGIN_S) + draw(_PATHS) + draw(_QUERIES)


@st.composite
def urls(draw: st.DrawFn) -> str:
    """Absolute https URLs with optional path and query."""
    return draw(_ORIGIN_S) + draw(_PATHS) + draw(_QUERIES)


_ORIGIN_S = https_origins()
_ISSUER_S = issuers()
_RESOURCE_S = resources()
_URL_S = urls()

TOKENS = st.from_regex(r"[A-Za-z0-9_:.+-]{1,12}", fullmatch=True)
# RFC 6749 §3.3 scope-token: every printable ASCII character but space, '"' and '\\'
_SCOPE_TOKENS = st.from_regex(r"[!#-\[\]-~]{1,12}", fullmatch=True)
_ALGS = st.sampled_from(["RS256", "ES256", "PS256", "EdDSA", "HS256"])
_JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8))
JSON_VALUES = st.recursive(
    _JSON_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


def _b64(obj: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def jws(header: dict[str, object], claims: dict[str, object], signature: bytes = b"sig") -> str:
    """A compact JWS (RFC 7515 §7.1) with the given header and claims; the signature is fake."""
    sig = base64.urlsafe_b64encode(signature).rstrip(b"=").decode()
    return f"{_b64(header)}.{_b64(claims)}.{sig}"


def _unknown_names(known: frozenset[str]) -> st.SearchStrategy[str]:
    return st.from_regex(r"x_[a-z_]{1,10}", fullmatch=True).filter(lambda n: n not in known)


_GRANTS = ["authorization_code", "implicit", "refresh_token", "client_credentials"]
_AUTH_METHODS = ["client_secret_basic", "private_key_jwt", "client_secret_jwt", "none"]
_GRANT_LISTS = st.none() | st.lists(st.sampled_from(_GRANTS), min_size=1, max_size=3, unique=True)
_METHOD_LISTS = st.none() | st.lists(
    st.sampled_from(_AUTH_METHODS), min_size=1, max_size=3, unique=True
)
_TOKEN_LISTS = st.lists(TOKENS, min_size=1, max_size=3)
_ALG_LISTS = st.lists(_ALGS, min_size=1, max_size=3)
_STRING_LISTS = st.lists(TOKENS | _SCOPE_TOKENS, min_size=1, max_size=3)
_ASM_UNKNOWN = st.lists(_unknown_names(frozenset(ASM_MEMBERS)), max_size=2, unique=True)
_PRM_UNKNOWN = st.lists(_unknown_names(frozenset(PRM_MEMBERS)), max_size=2, unique=True)


@st.composite
def _asm(draw: st.DrawFn, *, unknown_members: bool, signed: bool) -> Document:  # noqa: C901, PLR0912 -- one branch per member group
    issuer = draw(_ISSUER_S)
    doc: Document = {
        "issuer": issuer,
        "response_types_supported": draw(_TOKEN_LISTS),
    }
    grants = draw(_GRANT_LISTS)
    if grants is not None:
        doc["grant_types_supported"] = grants
    effective = grants or ["authorization_code", "implicit"]  # the RFC 8414 §2 default
    if draw(st.booleans()) or {"authorization_code", "implicit"} & set(effective):
        doc["authorization_endpoint"] = issuer + "/authorize"
    if draw(st.booleans()) or set(effective) != {"implicit"}:
        doc["token_endpoint"] = issuer + "/token"
    for prefix in ("token_endpoint", "revocation_endpoint", "introspection_endpoint"):
        methods = draw(_METHOD_LISTS)
        if methods is not None:
            doc[f"{prefix}_auth_methods_supported"] = methods
        if (methods and {"private_key_jwt", "client_secret_jwt"} & set(methods)) or draw(
            st.booleans()
        ):
            doc[f"{prefix}_auth_signing_alg_values_supported"] = draw(_ALG_LISTS)
    optional = sorted(n for n in ASM_MEMBERS if n not in doc)
    for name in draw(st.lists(st.sampled_from(optional), max_size=6, unique=True)):
        kind = ASM_MEMBERS[name]
        if name.endswith(("_auth_signing_alg_values_supported", "_auth_methods_supported")):
            continue
        if kind in (STRINGS, SCOPES):
            doc[name] = draw(_STRING_LISTS)
        elif kind in (URL, URL_HTTPS):
            doc[name] = draw(_URL_S)
        elif kind == BOOL:
            doc[name] = draw(st.booleans())
    if draw(st.booleans()):
        doc["jwks_uri"] = issuer + "/jwks"
    if draw(st.booleans()):
        doc["code_challenge_methods_supported"] = ["S256"]
    if draw(st.booleans()):
        doc["mtls_endpoint_aliases"] = {"token_endpoint": draw(_URL_S)}
    if draw(st.booleans()):
        doc["protected_resources"] = draw(st.lists(_RESOURCE_S, min_size=1, max_size=2))
    if signed and draw(st.booleans()):
        doc["signed_metadata"] = jws({"alg": draw(_ALGS)}, {"iss": issuer})
    if unknown_members:
        for name in draw(_ASM_UNKNOWN):
            doc[name] = draw(JSON_VALUES)
    return doc


def authorization_server_metadata(
    *, unknown_members: bool = True, signed: bool = True
) -> st.SearchStrategy[Document]:
    """Valid RFC 8414 §2 documents (decoded JSON objects) that pass every rfcauth rule.

    Args:
        unknown_members: also draw members no specification defines (RFC 8414 §3.2: clients
            ignore them).
        signed: also draw ``signed_metadata`` (RFC 8414 §2.1; an unverifiable JWS whose
            ``iss`` is the issuer).

    >>> from hypothesis import given
    >>> from rfcauth import parse_authorization_server_metadata
    >>> @given(authorization_server_metadata())
    ... def test(document):
    ...     parse_authorization_server_metadata(document)
    >>> test()
    """
    return _asm(unknown_members=unknown_members, signed=signed)


@st.composite
def _prm(draw: st.DrawFn, *, unknown_members: bool, signed: bool, language_tags: bool) -> Document:  # noqa: C901, PLR0912 -- one branch per member group
    doc: Document = {"resource": draw(_RESOURCE_S)}
    if draw(st.booleans()):
        doc["authorization_servers"] = draw(st.lists(_ISSUER_S, min_size=1, max_size=2))
    if draw(st.booleans()):
        doc["bearer_methods_supported"] = draw(
            st.lists(st.sampled_from(["header", "body", "query"]), max_size=3, unique=True)
        )
    for name in ("scopes_supported", "resource_signing_alg_values_supported"):
        if draw(st.booleans()):
            items = _ALGS if "alg" in name else TOKENS | _SCOPE_TOKENS
            doc[name] = draw(st.lists(items, min_size=1, max_size=3))
    if draw(st.booleans()):
        doc["jwks_uri"] = draw(_URL_S)
    if draw(st.booleans()):
        doc["resource_name"] = draw(st.text(min_size=1, max_size=10))
        if language_tags:
            tag = draw(st.sampled_from(["ja", "de-CH", "EN"]))
            doc["resource_name#" + tag] = draw(st.text(min_size=1, max_size=10))
    if language_tags and draw(st.booleans()):
        doc["resource_documentation#fr"] = draw(_URL_S)
    for name in ("tls_client_certificate_bound_access_tokens", "dpop_bound_access_tokens_required"):
        if draw(st.booleans()):
            doc[name] = draw(st.booleans())
    if signed and draw(st.booleans()):
        doc["signed_metadata"] = jws({"alg": draw(_ALGS)}, {"iss": draw(_ISSUER_S)})
    if unknown_members:
        for name in draw(_PRM_UNKNOWN):
            doc[name] = draw(JSON_VALUES)
    return doc


def protected_resource_metadata(
    *, unknown_members: bool = True, signed: bool = True, language_tags: bool = True
) -> st.SearchStrategy[Document]:
    """Valid RFC 9728 §2 documents (decoded JSON objects) that pass every rfcauth rule.

    Args:
        unknown_members: also draw members no specification defines (RFC 9728 §3.2).
        signed: also draw ``signed_metadata`` (RFC 9728 §2.2).
        language_tags: also draw language-tagged human-readable members
            (``resource_name#de-CH``, RFC 9728 §2.1).
    """
    return _prm(unknown_members=unknown_members, signed=signed, language_tags=language_tags)


@dataclass(frozen=True, slots=True, kw_only=True)
class InvalidDocument:
    """A metadata document that breaks exactly one named rule.

    Attributes:
        document: the decoded JSON object.
        rule: the rule id it breaks (a key of ``rfcauth.METADATA_RULES``, the code a
            ``Violation`` carries).
        section: the section of RFC 8414 / RFC 9728 (or RFC 7515, RFC 6749) stating the rule.
        summary: the rule in one sentence.
    """

    document: Document
    rule: str
    section: str
    summary: str


Break = Callable[[Document], Document]


def _set(**members: object) -> Break:
    return lambda doc: {**doc, **members}


def _without(*names: str, **members: object) -> Break:
    return lambda doc: {**{k: v for k, v in doc.items() if k not in names}, **members}


def _issuer(suffix: str = "", scheme: str = "https") -> Break:
    return lambda doc: {**doc, "issuer": scheme + str(doc["issuer"]).removeprefix("https") + suffix}


def _resource(suffix: str = "", scheme: str = "https") -> Break:
    def change(doc: Document) -> Document:
        resource = str(doc["resource"]).split("?")[0]
        return {**doc, "resource": scheme + resource.removeprefix("https") + suffix}

    return change


def _oauth_only(doc: Document) -> Document:
    oidc = {"subject_types_supported", "id_token_signing_alg_values_supported"}
    return {k: v for k, v in doc.items() if k not in oidc}


def _jwt_without_algs(doc: Document) -> Document:
    out = _oauth_only(doc)
    out.pop("token_endpoint_auth_signing_alg_values_supported", None)
    out["token_endpoint_auth_methods_supported"] = ["private_key_jwt"]
    return out


_SHARED_BREAKS: dict[str, Break] = {
    "invalid_scope": _set(scopes_supported=["read", "write all"]),
    "too_deep": _set(x_deep=json.loads("[" * 80 + "]" * 80)),
    "wrong_type": _set(scopes_supported="openid"),
    "empty_array": _set(scopes_supported=[]),
    "jwks_uri_not_https": _set(jwks_uri="http://keys.example/jwks"),
    "signed_metadata_malformed": _set(signed_metadata="not.a-jws"),
    "signed_metadata_alg_none": _set(
        signed_metadata=jws({"alg": "none"}, {"iss": "https://as.example"}, b"")
    ),
    "signed_metadata_missing_iss": _set(signed_metadata=jws({"alg": "RS256"}, {"sub": "x"})),
}

#: One change per rule that applies to a decoded RFC 8414 document (rules about the raw
#: bytes, such as ``invalid_json``, and about the caller's expectation are not document rules).
ASM_BREAKS: dict[str, Break] = {
    **_SHARED_BREAKS,
    "missing_member": _without("issuer"),
    "invalid_url": _set(token_endpoint="/token"),  # noqa: S106 -- a URL, no secret
    "issuer_not_https": _issuer(scheme="http"),
    "oidc_endpoint_not_https": _set(userinfo_endpoint="http://as.example/userinfo"),
    "issuer_has_query": _issuer("?tenant=a"),
    "issuer_has_fragment": _issuer("#f"),
    "resource_not_https": _set(protected_resources=["http://r.example/api"]),
    "resource_has_fragment": _set(protected_resources=["https://r.example/api#f"]),
    "authorization_endpoint_required": _without(
        "authorization_endpoint",
        grant_types_supported=["authorization_code"],
        token_endpoint="https://as.example/token",  # noqa: S106 -- a URL, no secret
    ),
    "token_endpoint_required": _without(
        "token_endpoint", grant_types_supported=["client_credentials"]
    ),
    "auth_signing_alg_values_required": _jwt_without_algs,
    "auth_signing_alg_none": _set(
        token_endpoint_auth_signing_alg_values_supported=["RS256", "none"]
    ),
}

#: One change per rule that applies to a decoded RFC 9728 document.
PRM_BREAKS: dict[str, Break] = {
    **_SHARED_BREAKS,
    "missing_member": _without("resource"),
    "invalid_url": _set(resource_documentation="docs.html"),
    "issuer_not_https": _set(authorization_servers=["http://as.example"]),
    "issuer_has_query": _set(authorization_servers=["https://as.example/?t=1"]),
    "issuer_has_fragment": _set(authorization_servers=["https://as.example/#t"]),
    "resource_not_https": _resource(scheme="http"),
    "resource_has_fragment": _resource("#section"),
    "resource_signing_alg_none": _set(resource_signing_alg_values_supported=["none"]),
}


@st.composite
def _invalid(
    draw: st.DrawFn,
    documents: st.SearchStrategy[Document],
    breaks: dict[str, Break],
    rules: Sequence[str],
    kind: str,
) -> InvalidDocument:
    rule_id = draw(st.sampled_from(rules))
    rule = RULES[rule_id]
    section = rule.asm if kind == "asm" else rule.prm
    return InvalidDocument(
        document=breaks[rule_id](draw(documents)),
        rule=rule_id,
        section=str(section),
        summary=rule.summary,
    )


def _invalid_strategy(
    documents: st.SearchStrategy[Document],
    breaks: dict[str, Break],
    rules: Sequence[str] | None,
    kind: str,
) -> st.SearchStrategy[InvalidDocument]:
    def build() -> st.SearchStrategy[InvalidDocument]:
        chosen = sorted(breaks) if rules is None else list(rules)
        unknown = [r for r in chosen if r not in breaks]
        if unknown or not chosen:
            raise InvalidArgument(f"rules must be a non-empty subset of {sorted(breaks)}")
        return _invalid(documents, breaks, chosen, kind)

    return st.deferred(build)


def invalid_authorization_server_metadata(
    *, rules: Sequence[str] | None = None
) -> st.SearchStrategy[InvalidDocument]:
    """RFC 8414 documents that each break exactly one named rule (with its id and section).

    Args:
        rules: the rule ids to draw from (default: every document rule, `ASM_BREAKS`).

    Raises:
        InvalidArgument: (when drawn) a rule id that is not a document rule.
    """
    return _invalid_strategy(authorization_server_metadata(), ASM_BREAKS, rules, "asm")


def invalid_protected_resource_metadata(
    *, rules: Sequence[str] | None = None
) -> st.SearchStrategy[InvalidDocument]:
    """RFC 9728 documents that each break exactly one named rule (with its id and section).

    Args:
        rules: the rule ids to draw from (default: every document rule, `PRM_BREAKS`).
    """
    return _invalid_strategy(protected_resource_metadata(), PRM_BREAKS, rules, "prm")
