"""The rule engine: check one decoded metadata document against every rule in `_rules`.

Theory of operation: `check_asm` / `check_prm` walk the members of the decoded JSON object
once. Each known member is checked for its JSON shape (`_members` kinds) and its own rules; the
document-level rules (required members, conditional requirements, identity against the expected
identifier) run after the walk. Findings go to a `_Findings`, which either records an error, or
— with ``strict=False`` and a named tolerance that covers the finding — a warning. Nothing is
raised here, so one pass reports *all* violations.

Checks never trust a member's type: a rule that needs a list of strings skips a member that is
not one (the type check has already reported it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final, Protocol

from rfcauth._errors import Violation
from rfcauth._jsonload import pointer
from rfcauth._jws import jws_problem
from rfcauth._members import (
    ASM_MEMBERS,
    ASM_SIGNING_ALG_LISTS,
    BOOL,
    ISSUER,
    ISSUERS,
    JWS,
    LOCALIZABLE,
    PRM_MEMBERS,
    RESOURCE,
    RESOURCES,
    STRING,
    STRINGS,
    URL,
    URL_HTTPS,
    URL_MAP,
)
from rfcauth._rules import RULES
from rfcauth._uri_syntax import UriParts, absolute_url_problem, is_loopback_host, split_uri

__all__ = ["ASM", "PRM", "Findings", "check_asm", "check_prm"]

ASM = "asm"
PRM = "prm"

# RFC 8414 §2: "If omitted, the default value is ["authorization_code", "implicit"]."
_DEFAULT_GRANT_TYPES = ("authorization_code", "implicit")
_JWT_AUTH_METHODS = frozenset({"private_key_jwt", "client_secret_jwt"})
# OpenID Connect Discovery 1.0 §3 members that mark a document as an OpenID provider's.
_OIDC_MARKERS = ("subject_types_supported", "id_token_signing_alg_values_supported")


@dataclass(slots=True)
class Findings:
    """Errors and tolerated warnings found in one document of `kind` ("asm" or "prm")."""

    kind: str
    strict: bool
    errors: list[Violation] = field(default_factory=list)
    warnings: list[Violation] = field(default_factory=list)
    # members to leave out of the model (tolerated nulls)
    dropped: list[str] = field(default_factory=list)

    def error(self, location: str, code: str, message: str) -> None:
        """Record a violation of rule `code`, with the section for this document kind."""
        rule = RULES[code]
        section = (rule.asm if self.kind == ASM else rule.prm) or rule.asm or rule.prm or ""
        self.errors.append(
            Violation(location=location, code=code, section=section, message=message)
        )

    def tolerate(self, tolerance: str, code: str, location: str, message: str) -> None:
        """Record `code` as an error when strict, else as a warning under `tolerance`."""
        if self.strict:
            self.error(location, code, f"{message} (tolerated by strict=False as {tolerance})")
            return
        rule = RULES[code]
        section = (rule.asm if self.kind == ASM else rule.prm) or rule.asm or rule.prm or ""
        self.warnings.append(
            Violation(location=location, code=tolerance, section=section, message=message)
        )


_JSON_TYPE_NAMES = (
    (bool, "boolean"),
    ((int, float), "number"),
    (str, "string"),
    ((list, tuple), "array"),
    (Mapping, "object"),
)


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    for types, name in _JSON_TYPE_NAMES:
        if isinstance(value, types):
            return name
    return type(value).__name__


def _wrong_type(out: Findings, location: str, expected: str, value: object) -> None:
    out.error(location, "wrong_type", f"must be {expected}, not {_type_name(value)}")


def _https_or_loopback(
    out: Findings, location: str, value: str, parts: UriParts, *, code: str, what: str
) -> None:
    scheme = (parts.scheme or "").lower()
    if scheme == "https":
        return
    message = f"{what} must use the https scheme: {value!r}"
    if scheme == "http" and is_loopback_host(parts.host):
        out.tolerate("loopback_http", code, location, message)
    else:
        out.error(location, code, message)


def _check_url(out: Findings, location: str, value: object) -> str | None:
    """Type and absolute-URL check; the string when it passes both, else `None`."""
    if not isinstance(value, str):
        _wrong_type(out, location, "a URL string", value)
        return None
    problem = absolute_url_problem(value)
    if problem is not None:
        out.error(location, "invalid_url", f"{value!r} is not an absolute URL: it {problem}")
        return None
    return value


def _check_issuer(out: Findings, location: str, value: object) -> None:
    url = _check_url(out, location, value)
    if url is None:
        return
    parts = split_uri(url)
    _https_or_loopback(
        out, location, url, parts, code="issuer_not_https", what="an issuer identifier"
    )
    if parts.query is not None:
        out.error(location, "issuer_has_query", f"an issuer identifier has no query: {url!r}")
    if parts.fragment is not None:
        out.error(location, "issuer_has_fragment", f"an issuer identifier has no fragment: {url!r}")


def _check_resource(out: Findings, location: str, value: object) -> None:
    url = _check_url(out, location, value)
    if url is None:
        return
    parts = split_uri(url)
    _https_or_loopback(
        out, location, url, parts, code="resource_not_https", what="a resource identifier"
    )
    if parts.fragment is not None:
        out.error(
            location, "resource_has_fragment", f"a resource identifier has no fragment: {url!r}"
        )


def _check_array(out: Findings, location: str, value: object, *, allow_empty: bool) -> list[object]:
    if not isinstance(value, (list, tuple)):
        _wrong_type(out, location, "an array", value)
        return []
    if not value and not allow_empty:
        out.error(location, "empty_array", "an empty array must be omitted from the document")
    return list(value)


def _check_strings(out: Findings, location: str, value: object, *, allow_empty: bool) -> None:
    for index, item in enumerate(_check_array(out, location, value, allow_empty=allow_empty)):
        if not isinstance(item, str):
            _wrong_type(out, location + pointer(index), "a string", item)


def _check_url_member(out: Findings, location: str, value: object, *, allow_empty: bool) -> None:
    del allow_empty
    _check_url(out, location, value)


def _check_https_url(out: Findings, location: str, value: object, *, allow_empty: bool) -> None:
    del allow_empty
    url = _check_url(out, location, value)
    if url is not None:
        parts = split_uri(url)
        _https_or_loopback(out, location, url, parts, code="jwks_uri_not_https", what="jwks_uri")


def _check_bool(out: Findings, location: str, value: object, *, allow_empty: bool) -> None:
    del allow_empty
    if not isinstance(value, bool):
        _wrong_type(out, location, "a boolean (true or false)", value)


def _check_string(out: Findings, location: str, value: object, *, allow_empty: bool) -> None:
    del allow_empty
    if not isinstance(value, str):
        _wrong_type(out, location, "a string", value)


def _check_issuer_member(out: Findings, location: str, value: object, *, allow_empty: bool) -> None:
    del allow_empty
    _check_issuer(out, location, value)


def _check_issuers(out: Findings, location: str, value: object, *, allow_empty: bool) -> None:
    for index, item in enumerate(_check_array(out, location, value, allow_empty=allow_empty)):
        _check_issuer(out, location + pointer(index), item)


def _check_resource_member(
    out: Findings, location: str, value: object, *, allow_empty: bool
) -> None:
    del allow_empty
    _check_resource(out, location, value)


def _check_resources(out: Findings, location: str, value: object, *, allow_empty: bool) -> None:
    for index, item in enumerate(_check_array(out, location, value, allow_empty=allow_empty)):
        _check_resource(out, location + pointer(index), item)


def _check_url_map(out: Findings, location: str, value: object, *, allow_empty: bool) -> None:
    del allow_empty
    if not isinstance(value, Mapping):
        _wrong_type(out, location, "an object", value)
        return
    for key, item in value.items():
        _check_url(out, location + pointer(str(key)), item)


def _check_jws(out: Findings, location: str, value: object, *, allow_empty: bool) -> None:
    del allow_empty
    if not isinstance(value, str):
        _wrong_type(out, location, "a string (a JWT)", value)
        return
    problem = jws_problem(value)
    if problem is not None:
        code, message = problem
        out.error(location, code, f"signed_metadata {message}")


class _MemberCheck(Protocol):
    def __call__(
        self, out: Findings, location: str, value: object, /, *, allow_empty: bool
    ) -> None: ...


_CHECK_BY_KIND: Final[Mapping[str, _MemberCheck]] = MappingProxyType(
    {
        STRINGS: _check_strings,
        URL: _check_url_member,
        URL_HTTPS: _check_https_url,
        BOOL: _check_bool,
        STRING: _check_string,
        ISSUER: _check_issuer_member,
        ISSUERS: _check_issuers,
        RESOURCE: _check_resource_member,
        RESOURCES: _check_resources,
        URL_MAP: _check_url_map,
        JWS: _check_jws,
    }
)


def _walk(out: Findings, members: Mapping[str, object], table: Mapping[str, str]) -> None:
    for name, value in members.items():
        kind = table.get(name)
        if kind is None:
            if out.kind == PRM and "#" in name:
                base = name.partition("#")[0]
                if base in LOCALIZABLE:
                    _CHECK_BY_KIND[table[base]](out, pointer(name), value, allow_empty=False)
            continue
        if value is None:
            out.tolerate(
                "null_member", "wrong_type", pointer(name), "is null; omit the member instead"
            )
            out.dropped.append(name)
            continue
        _CHECK_BY_KIND[kind](
            out,
            pointer(name),
            value,
            allow_empty=out.kind == PRM and name == "bearer_methods_supported",
        )


def _strings(members: Mapping[str, object], name: str) -> list[str] | None:
    value = members.get(name)
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, str)]
    return None


def _present(members: Mapping[str, object], name: str) -> bool:
    return members.get(name) is not None


def _trailing_slash_only(a: str, b: str) -> bool:
    """True when `a` and `b` differ only by a ``/`` that follows an empty path."""
    shorter, longer = (a, b) if len(a) < len(b) else (b, a)
    if longer != shorter + "/":
        return False
    parts = split_uri(shorter)
    return parts.path == "" and parts.query is None and parts.fragment is None


def check_asm(
    members: Mapping[str, object], *, strict: bool, expected_issuer: str | None
) -> Findings:
    """Every RFC 8414 rule against the decoded AS metadata `members`."""
    out = Findings(kind=ASM, strict=strict)
    _walk(out, members, ASM_MEMBERS)

    for name in ("issuer", "response_types_supported"):
        if not _present(members, name):
            out.error(pointer(name), "missing_member", f"{name} is REQUIRED")

    _check_endpoints(out, members)
    _check_signing_alg_lists(out, members)
    if expected_issuer is not None:
        _check_issuer_identity(out, members, expected_issuer)
    return out


def _check_endpoints(out: Findings, members: Mapping[str, object]) -> None:
    # RFC 8414 §2 authorization_endpoint / token_endpoint, through the grant type defaults.
    grants = _strings(members, "grant_types_supported") or list(_DEFAULT_GRANT_TYPES)
    if not _present(members, "authorization_endpoint") and (
        "authorization_code" in grants or "implicit" in grants
    ):
        out.error(
            "/authorization_endpoint",
            "authorization_endpoint_required",
            "authorization_endpoint is REQUIRED: grant_types_supported "
            f"{'(default) ' if 'grant_types_supported' not in members else ''}"
            "includes a grant type that uses it",
        )
    if not _present(members, "token_endpoint") and set(grants) != {"implicit"}:
        out.error(
            "/token_endpoint",
            "token_endpoint_required",
            "token_endpoint is REQUIRED unless only the implicit grant type is supported",
        )


def _check_signing_alg_lists(out: Findings, members: Mapping[str, object]) -> None:
    is_oidc = any(_present(members, m) for m in _OIDC_MARKERS)
    for prefix in ASM_SIGNING_ALG_LISTS:
        methods = _strings(members, f"{prefix}_auth_methods_supported") or []
        algs_name = f"{prefix}_auth_signing_alg_values_supported"
        jwt = sorted(_JWT_AUTH_METHODS.intersection(methods))
        if jwt and not _present(members, algs_name):
            message = (
                f"{algs_name} MUST be present because {prefix}_auth_methods_supported "
                f"lists {' and '.join(jwt)}"
            )
            location = pointer(f"{prefix}_auth_methods_supported")
            if is_oidc:
                out.tolerate(
                    "oidc_jwt_signing_alg_list_missing",
                    "auth_signing_alg_values_required",
                    location,
                    message,
                )
            else:
                out.error(location, "auth_signing_alg_values_required", message)
        algs = members.get(algs_name)
        if isinstance(algs, (list, tuple)):
            for index, alg in enumerate(algs):
                if alg == "none":
                    out.error(
                        pointer(algs_name, index),
                        "auth_signing_alg_none",
                        f"'none' MUST NOT be used in {algs_name}",
                    )


def _check_issuer_identity(
    out: Findings, members: Mapping[str, object], expected_issuer: str
) -> None:
    issuer = members.get("issuer")
    if isinstance(issuer, str) and issuer != expected_issuer:
        message = (
            f"issuer {issuer!r} is not identical to the issuer the metadata URL was "
            f"built from, {expected_issuer!r}; the document MUST NOT be used"
        )
        if _trailing_slash_only(issuer, expected_issuer):
            out.tolerate("issuer_trailing_slash", "issuer_mismatch", "/issuer", message)
        else:
            out.error("/issuer", "issuer_mismatch", message)


def check_prm(
    members: Mapping[str, object], *, strict: bool, expected_resource: str | None
) -> Findings:
    """Every RFC 9728 rule against the decoded protected resource metadata `members`."""
    out = Findings(kind=PRM, strict=strict)
    _walk(out, members, PRM_MEMBERS)
    if not _present(members, "resource"):
        out.error("/resource", "missing_member", "resource is REQUIRED")
    algs = members.get("resource_signing_alg_values_supported")
    if isinstance(algs, (list, tuple)):
        for index, alg in enumerate(algs):
            if alg == "none":
                out.error(
                    pointer("resource_signing_alg_values_supported", index),
                    "resource_signing_alg_none",
                    "'none' MUST NOT be used in resource_signing_alg_values_supported",
                )
    resource = members.get("resource")
    if (
        expected_resource is not None
        and isinstance(resource, str)
        and resource != expected_resource
    ):
        out.error(
            "/resource",
            "resource_mismatch",
            f"resource {resource!r} is not identical to the resource identifier the "
            f"metadata URL was built from, {expected_resource!r}; the document MUST NOT "
            "be used",
        )
    return out
