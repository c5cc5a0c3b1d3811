"""Hypothesis strategies for valid RFC 8414 / RFC 9728 documents (as decoded JSON objects).

Constructive: every drawn document satisfies every rule in rfcauth's rule table, so a test can
mutate one member and expect exactly that rule's id. Shrinks towards the smallest document.
(Public strategies of this kind belong in rfcauth.strategies.)
"""

from __future__ import annotations

import base64
import json

from hypothesis import settings
from hypothesis import strategies as st

from rfcauth.metadata._members import (
    ASM_MEMBERS,
    BOOL,
    PRM_MEMBERS,
    SCOPES,
    STRINGS,
    URL,
    URL_HTTPS,
)

#: For the tests that draw whole documents (slow to generate): a third of the profile's
#: examples, so the ci profile stays fast and the fuzz profile still runs thousands.
WHOLE_DOCUMENTS = settings(max_examples=max(30, settings.default.max_examples // 3))

_LABEL = st.from_regex(r"[a-z][a-z0-9]{0,8}", fullmatch=True)
HOSTS = st.builds(
    lambda labels, tld: ".".join([*labels, tld]),
    st.lists(_LABEL, min_size=1, max_size=2),
    st.sampled_from(["com", "example", "org", "io"]),
)
PORTS = st.one_of(st.just(""), st.integers(1, 65535).map(lambda p: f":{p}"))
SEGMENTS = st.from_regex(r"[A-Za-z0-9._~-]{1,8}", fullmatch=True)
PATHS = st.lists(SEGMENTS, max_size=3).map(lambda segs: "".join("/" + s for s in segs))
QUERIES = st.one_of(st.just(""), st.from_regex(r"\?[a-z]{1,5}=[a-z0-9]{0,5}", fullmatch=True))


@st.composite
def https_origins(draw: st.DrawFn) -> str:
    return f"https://{draw(HOSTS)}{draw(PORTS)}"


@st.composite
def issuers(draw: st.DrawFn) -> str:
    """RFC 8414 §2 issuer identifiers: https, optional path, no query, no fragment."""
    return draw(https_origins()) + draw(PATHS)


@st.composite
def resources(draw: st.DrawFn) -> str:
    """RFC 9728 §1.2 resource identifiers: https, optional path and query, no fragment."""
    return draw(https_origins()) + draw(PATHS) + draw(QUERIES)


@st.composite
def urls(draw: st.DrawFn) -> str:
    return draw(https_origins()) + draw(PATHS) + draw(QUERIES)


TOKENS = st.from_regex(r"[A-Za-z0-9_:.+-]{1,12}", fullmatch=True)
# RFC 6749 §3.3 scope-token: every printable ASCII character but space, '"' and '\\'
SCOPE_TOKENS = st.from_regex(r"[!#-\[\]-~]{1,12}", fullmatch=True)
ALGS = st.sampled_from(["RS256", "ES256", "PS256", "EdDSA", "HS256"])
JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8))
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


def _b64(obj: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def jws(header: dict[str, object], claims: dict[str, object], signature: bytes = b"sig") -> str:
    """A compact JWS with the given header and claims (the signature is not real)."""
    sig = base64.urlsafe_b64encode(signature).rstrip(b"=").decode()
    return f"{_b64(header)}.{_b64(claims)}.{sig}"


def _unknown_names(known: frozenset[str]) -> st.SearchStrategy[str]:
    return st.from_regex(r"x_[a-z_]{1,10}", fullmatch=True).filter(lambda n: n not in known)


@st.composite
def asm_documents(draw: st.DrawFn) -> dict[str, object]:  # noqa: C901, PLR0912 - one branch per member group
    """Valid RFC 8414 documents, with some registry/OIDC members and unknown members."""
    issuer = draw(issuers())
    doc: dict[str, object] = {
        "issuer": issuer,
        "response_types_supported": draw(st.lists(TOKENS, min_size=1, max_size=3)),
    }
    grants = draw(
        st.one_of(
            st.none(),
            st.lists(
                st.sampled_from(
                    ["authorization_code", "implicit", "refresh_token", "client_credentials"]
                ),
                min_size=1,
                max_size=3,
                unique=True,
            ),
        )
    )
    if grants is not None:
        doc["grant_types_supported"] = grants
    effective = grants or ["authorization_code", "implicit"]
    if draw(st.booleans()) or {"authorization_code", "implicit"} & set(effective):
        doc["authorization_endpoint"] = issuer + "/authorize"
    if draw(st.booleans()) or set(effective) != {"implicit"}:
        doc["token_endpoint"] = issuer + "/token"
    for prefix in ("token_endpoint", "revocation_endpoint", "introspection_endpoint"):
        methods = draw(
            st.none()
            | st.lists(
                st.sampled_from(
                    ["client_secret_basic", "private_key_jwt", "client_secret_jwt", "none"]
                ),
                min_size=1,
                max_size=3,
                unique=True,
            )
        )
        if methods is not None:
            doc[f"{prefix}_auth_methods_supported"] = methods
        if (methods and {"private_key_jwt", "client_secret_jwt"} & set(methods)) or draw(
            st.booleans()
        ):
            doc[f"{prefix}_auth_signing_alg_values_supported"] = draw(
                st.lists(ALGS, min_size=1, max_size=3)
            )
    optional = sorted(n for n in ASM_MEMBERS if n not in doc)
    for name in draw(st.lists(st.sampled_from(optional), max_size=6, unique=True)):
        kind = ASM_MEMBERS[name]
        if name.endswith(("_auth_signing_alg_values_supported", "_auth_methods_supported")):
            continue
        if kind in (STRINGS, SCOPES):
            doc[name] = draw(st.lists(TOKENS | SCOPE_TOKENS, min_size=1, max_size=3))
        elif kind in (URL, URL_HTTPS):
            doc[name] = draw(urls())
        elif kind == BOOL:
            doc[name] = draw(st.booleans())
    if draw(st.booleans()):
        doc["jwks_uri"] = issuer + "/jwks"
    if draw(st.booleans()):
        doc["code_challenge_methods_supported"] = ["S256"]
    if draw(st.booleans()):
        doc["mtls_endpoint_aliases"] = {"token_endpoint": draw(urls())}
    if draw(st.booleans()):
        doc["protected_resources"] = draw(st.lists(resources(), min_size=1, max_size=2))
    if draw(st.booleans()):
        doc["signed_metadata"] = jws({"alg": draw(ALGS)}, {"iss": issuer})
    for name in draw(st.lists(_unknown_names(frozenset(ASM_MEMBERS)), max_size=2, unique=True)):
        doc[name] = draw(JSON_VALUES)
    return doc


@st.composite
def prm_documents(draw: st.DrawFn) -> dict[str, object]:  # noqa: C901 - one branch per member group
    """Valid RFC 9728 documents, with language-tagged and unknown members."""
    resource = draw(resources())
    doc: dict[str, object] = {"resource": resource}
    if draw(st.booleans()):
        doc["authorization_servers"] = draw(st.lists(issuers(), min_size=1, max_size=2))
    if draw(st.booleans()):
        doc["bearer_methods_supported"] = draw(
            st.lists(st.sampled_from(["header", "body", "query"]), max_size=3, unique=True)
        )
    for name in ("scopes_supported", "resource_signing_alg_values_supported"):
        if draw(st.booleans()):
            items = ALGS if "alg" in name else TOKENS | SCOPE_TOKENS
            doc[name] = draw(st.lists(items, min_size=1, max_size=3))
    if draw(st.booleans()):
        doc["jwks_uri"] = draw(urls())
    if draw(st.booleans()):
        doc["resource_name"] = draw(st.text(min_size=1, max_size=10))
        doc["resource_name#" + draw(st.sampled_from(["ja", "de-CH", "EN"]))] = draw(
            st.text(min_size=1, max_size=10)
        )
    if draw(st.booleans()):
        doc["resource_documentation#fr"] = draw(urls())
    for name in ("tls_client_certificate_bound_access_tokens", "dpop_bound_access_tokens_required"):
        if draw(st.booleans()):
            doc[name] = draw(st.booleans())
    if draw(st.booleans()):
        doc["signed_metadata"] = jws({"alg": draw(ALGS)}, {"iss": draw(issuers())})
    for name in draw(st.lists(_unknown_names(frozenset(PRM_MEMBERS)), max_size=2, unique=True)):
        doc[name] = draw(JSON_VALUES)
    return doc
