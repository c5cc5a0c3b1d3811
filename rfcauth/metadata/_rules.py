"""The rule table: every check rfcauth applies to a metadata document, by stable id.

One row per rule. `asm` / `prm` give the section the rule comes from for an Authorization
Server Metadata (RFC 8414) or Protected Resource Metadata (RFC 9728) document, or `None` when
the rule does not apply to that kind. The checks in `_checks` emit these ids; the README's rule
table and the tests' per-rule mutations are generated from this table, so the three cannot drift.

Tolerances (`TOLERANCES`) are the named departures from the letter of the RFCs that
``strict=False`` accepts, each with the real servers that need it. A tolerated finding is
recorded on the model's ``.warnings`` under the tolerance's id; with ``strict=True`` the same
finding is an error under the rule it relaxes (`Tolerance.relaxes`).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

__all__ = ["RULES", "TOLERANCES", "Rule", "Tolerance"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """One named requirement.

    Attributes:
        id: stable snake_case code, as found in `Violation.code`.
        asm: the section it implements for AS metadata, or `None` if it does not apply.
        prm: the section it implements for protected resource metadata, or `None`.
        summary: one sentence, as the RFC states it.
    """

    id: str
    asm: str | None
    prm: str | None
    summary: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Tolerance:
    """A named leniency of ``strict=False``.

    Attributes:
        id: the code recorded on ``.warnings`` when the tolerance is used.
        relaxes: the rule ids reported instead when ``strict=True``.
        summary: what is accepted.
        needed_by: the real servers that send it, with a reference.
    """

    id: str
    relaxes: tuple[str, ...]
    summary: str
    needed_by: str


_R8414 = "RFC 8414 §2"
_R9728 = "RFC 9728 §2"
_LIMIT = "rfcauth limit"

_RULE_ROWS: Final = (
    # -- the document as a whole ---------------------------------------------------------------
    Rule(
        id="too_large",
        asm=_LIMIT,
        prm=_LIMIT,
        summary="The document is larger than the size cap (default 512 KiB).",
    ),
    Rule(
        id="invalid_encoding",
        asm="RFC 8259 §8.1",
        prm="RFC 8259 §8.1",
        summary="JSON text exchanged between systems MUST be encoded using UTF-8.",
    ),
    Rule(
        id="invalid_json",
        asm="RFC 8259",
        prm="RFC 8259",
        summary="The body is not a JSON text (or the mapping holds a non-JSON value).",
    ),
    Rule(
        id="unpaired_surrogate",
        asm="RFC 8259 §8.2",
        prm="RFC 8259 §8.2",
        summary="No string or member name holds an unpaired surrogate (`\\ud800`): it is not "
        "Unicode, has no UTF-8 form and could not be passed on (RFC 7493 §2.1 forbids it).",
    ),
    Rule(
        id="too_deep", asm=_LIMIT, prm=_LIMIT, summary="The document nests deeper than 64 levels."
    ),
    Rule(
        id="not_an_object",
        asm="RFC 8414 §3.2",
        prm="RFC 9728 §3.2",
        summary="The metadata is a JSON object.",
    ),
    Rule(
        id="duplicate_member",
        asm="RFC 8259 §4",
        prm="RFC 8259 §4",
        summary="A member name occurs twice in one object; parsers disagree on which wins.",
    ),
    Rule(
        id="wrong_type",
        asm=_R8414,
        prm=_R9728,
        summary="A member has the JSON type its definition gives (string, array of strings, "
        "boolean, object); `null` is not a value.",
    ),
    Rule(
        id="empty_array",
        asm="RFC 8414 §3.2",
        prm="RFC 9728 §3.2",
        summary="Claims with zero elements MUST be omitted (RFC 9728: except "
        "`bearer_methods_supported`, where `[]` means no bearer method). Checked on the "
        "members rfcauth knows; unknown members are ignored, as both RFCs ask, even when empty.",
    ),
    Rule(
        id="invalid_scope",
        asm="RFC 6749 §3.3",
        prm="RFC 6749 §3.3",
        summary="Each `scopes_supported` entry is an OAuth scope value: a `scope-token`, one or "
        'more printable ASCII characters without space, `"` or `\\`.',
    ),
    Rule(
        id="missing_member",
        asm=_R8414,
        prm=_R9728,
        summary="A REQUIRED member (`issuer`, `response_types_supported`; `resource`) is present.",
    ),
    Rule(
        id="invalid_url",
        asm=_R8414,
        prm=_R9728,
        summary="A URL member is an absolute `http`/`https` URL (RFC 3986 §4.3; every URL "
        "member names a web endpoint or page, RFC 6749 §3) with a well-formed host and port, "
        "no backslash and no userinfo (RFC 9110 §4.2.4).",
    ),
    # -- identifiers -----------------------------------------------------------------------------
    Rule(
        id="issuer_not_https",
        asm=_R8414,
        prm=_R9728,
        summary="The issuer identifier is a URL that uses the `https` scheme (also each "
        "`authorization_servers` entry, which is an issuer identifier).",
    ),
    Rule(
        id="issuer_has_query",
        asm=_R8414,
        prm=_R9728,
        summary="The issuer identifier has no query component.",
    ),
    Rule(
        id="issuer_has_fragment",
        asm=_R8414,
        prm=_R9728,
        summary="The issuer identifier has no fragment component.",
    ),
    Rule(
        id="resource_not_https",
        asm="RFC 9728 §4",
        prm="RFC 9728 §1.2",
        summary="A resource identifier is a URL that uses the `https` scheme (also each "
        "`protected_resources` entry).",
    ),
    Rule(
        id="resource_has_fragment",
        asm="RFC 9728 §4",
        prm="RFC 9728 §1.2",
        summary="A resource identifier has no fragment component.",
    ),
    Rule(
        id="jwks_uri_not_https",
        asm=_R8414,
        prm=_R9728,
        summary="`jwks_uri` MUST use the `https` scheme.",
    ),
    Rule(
        id="oidc_endpoint_not_https",
        asm="OpenID Connect Discovery 1.0 §3",
        prm=None,
        summary="`userinfo_endpoint` (OpenID Connect Discovery 1.0 §3), `end_session_endpoint` "
        "(RP-Initiated Logout 1.0) and `check_session_iframe` (Session Management 1.0) MUST "
        "use the `https` scheme.",
    ),
    # -- conditional requirements ----------------------------------------------------------------
    Rule(
        id="authorization_endpoint_required",
        asm=_R8414,
        prm=None,
        summary="`authorization_endpoint` is REQUIRED unless no supported grant type uses it "
        "(`grant_types_supported` defaults to authorization_code and implicit).",
    ),
    Rule(
        id="token_endpoint_required",
        asm=_R8414,
        prm=None,
        summary="`token_endpoint` is REQUIRED unless only the implicit grant type is supported.",
    ),
    Rule(
        id="auth_signing_alg_values_required",
        asm=_R8414,
        prm=None,
        summary="`*_endpoint_auth_signing_alg_values_supported` MUST be present when the "
        "matching `*_auth_methods_supported` lists `private_key_jwt` or "
        "`client_secret_jwt`.",
    ),
    Rule(
        id="auth_signing_alg_none",
        asm=_R8414,
        prm=None,
        summary="The value `none` MUST NOT be used in the three "
        "`*_endpoint_auth_signing_alg_values_supported` lists.",
    ),
    Rule(
        id="resource_signing_alg_none",
        asm=None,
        prm=_R9728,
        summary="The value `none` MUST NOT be used in `resource_signing_alg_values_supported`.",
    ),
    # -- signed metadata -------------------------------------------------------------------------
    Rule(
        id="signed_metadata_malformed",
        asm="RFC 8414 §2.1",
        prm="RFC 9728 §2.2",
        summary="`signed_metadata` is a JWT in JWS compact serialization (RFC 7515 §7.1) whose "
        "header and claims are JSON objects.",
    ),
    Rule(
        id="signed_metadata_alg_none",
        asm="RFC 8414 §2.1",
        prm="RFC 9728 §2.2",
        summary="`signed_metadata` MUST be digitally signed or MACed: its `alg` is not `none`.",
    ),
    Rule(
        id="signed_metadata_missing_iss",
        asm="RFC 8414 §2.1",
        prm="RFC 9728 §2.2",
        summary="The signed metadata MUST contain an `iss` (issuer) claim.",
    ),
    # -- context: where the document came from ---------------------------------------------------
    Rule(
        id="issuer_mismatch",
        asm="RFC 8414 §3.3",
        prm=None,
        summary="`issuer` MUST be identical to the issuer identifier the well-known URL was "
        "built from; otherwise the data MUST NOT be used.",
    ),
    Rule(
        id="resource_mismatch",
        asm=None,
        prm="RFC 9728 §3.3",
        summary="`resource` MUST be identical to the resource identifier the well-known URL "
        "was built from (or to the request URL when it came from a "
        "`resource_metadata` hint).",
    ),
)

#: Every rule, by id.
RULES: Final = MappingProxyType({rule.id: rule for rule in _RULE_ROWS})

_TOLERANCE_ROWS: Final = (
    Tolerance(
        id="issuer_trailing_slash",
        relaxes=("issuer_mismatch",),
        summary="`issuer` and the expected issuer differ only by a `/` after an empty path "
        "(`https://host` vs `https://host/`).",
        needed_by="Google (`https://accounts.google.com` vs the `https://accounts.google.com/` "
        "its MCP servers' PRM lists, python-sdk#1919); Auth0 (issuers end in `/`, "
        "vercel/ai#20236).",
    ),
    Tolerance(
        id="oidc_jwt_signing_alg_list_missing",
        relaxes=("auth_signing_alg_values_required",),
        summary="An OpenID Connect provider document (it has `subject_types_supported` or "
        "`id_token_signing_alg_values_supported`) lists `private_key_jwt` / "
        "`client_secret_jwt` without the signing-alg list; OpenID Connect Discovery "
        "has no such rule.",
        needed_by="Microsoft Entra ID v1 and v2, Okta (openid-configuration documents).",
    ),
    Tolerance(
        id="loopback_http",
        relaxes=(
            "issuer_not_https",
            "resource_not_https",
            "jwks_uri_not_https",
            "oidc_endpoint_not_https",
        ),
        summary="`http` on a loopback host (`localhost`, 127.0.0.0/8, `[::1]`) wherever "
        "`https` is required (issuer, authorization server, resource, jwks_uri, the OpenID "
        "Connect endpoints): local development servers.",
        needed_by="Local MCP development servers (MCP SDK examples serve on "
        "`http://localhost`); RFC 8252 §7.3 treats loopback as a secure context.",
    ),
    Tolerance(
        id="null_member",
        relaxes=("wrong_type",),
        summary="A known member whose value is JSON `null` is treated as absent.",
        needed_by="Servers serialising unset optional fields as `null` (fastmcp#1388: "
        "`token_endpoint_auth_signing_alg_values_supported: null`).",
    ),
)

#: Every tolerance of ``strict=False``, by id.
TOLERANCES: Final = MappingProxyType({t.id: t for t in _TOLERANCE_ROWS})
