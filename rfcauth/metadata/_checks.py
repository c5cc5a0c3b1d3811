"""The rule engine: check one decoded metadata document against every rule in `_rules`.

Theory of operation: `check_asm` / `check_prm` walk the members of the decoded JSON object
once. Each known member is checked for its JSON shape (the `_members` kinds) and its own rules,
and its value is kept for the model (arrays as tuples); unknown members are kept as they are.
The document-level rules (required members, conditional requirements, identity against the
expected identifier) run after the walk. Findings either record an error or, with
``strict=False`` and a named tolerance that covers the finding, a warning. Nothing is raised
here, so one pass reports *all* violations.

Every member check starts with a fast test of the common, valid shape (one compiled pattern or
one C-level operation) and only works out *what* is wrong when that test fails. The fast
patterns accept a subset of what the detailed checks accept; tests/test_metadata_rules.py
checks that on generated URLs.

Checks never trust a member's type: a rule that needs a list of strings skips a member that is
not one (the type check has already reported it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

from rfcauth._violation import Violation
from rfcauth.grammar._abnf import SCOPE_TOKEN
from rfcauth.grammar._uri import (
    FAST_HTTPS_URL,
    FAST_ISSUER,
    FAST_RESOURCE,
    FAST_URL,
    UriParts,
    absolute_url_problem,
    is_loopback_host,
    split_uri,
)
from rfcauth.metadata._jws import jws_problem
from rfcauth.metadata._members import (
    ASM_MEMBERS,
    ASM_SIGNING_ALG_LISTS,
    BOOL,
    ISSUER,
    ISSUERS,
    JWS,
    PRM_MEMBERS,
    RESOURCE,
    RESOURCES,
    SCOPES,
    STRING,
    STRINGS,
    URL,
    URL_HTTPS,
    URL_MAP,
    translated_member,
)
from rfcauth.metadata._model_base import UrlMap
from rfcauth.metadata._rules import RULES

__all__ = ["ASM", "PRM", "Findings", "check_asm", "check_prm"]

ASM = "asm"
PRM = "prm"

_SCOPE_TOKEN: Final = re.compile(SCOPE_TOKEN)  # RFC 6749 §3.3
# RFC 8414 §2: "If omitted, the default value is ["authorization_code", "implicit"]."
_DEFAULT_GRANT_TYPES: Final = ("authorization_code", "implicit")
_JWT_AUTH_METHODS: Final = frozenset({"private_key_jwt", "client_secret_jwt"})
# OpenID Connect Discovery 1.0 §3 members that mark a document as an OpenID provider's.
_OIDC_MARKERS: Final = ("subject_types_supported", "id_token_signing_alg_values_supported")


def _ptr(name: str) -> str:
    """RFC 6901 reference token for one member name, with its leading ``/``."""
    return "/" + name.replace("~", "~0").replace("/", "~1")


@dataclass(slots=True)
class Findings:
    """What one pass over a document of `kind` ("asm" or "prm") found and kept."""

    kind: str
    strict: bool
    errors: list[Violation] = field(default_factory=list)
    warnings: list[Violation] = field(default_factory=list)
    fields: dict[str, object] = field(default_factory=dict)
    extra: dict[str, object] = field(default_factory=dict)

    def _section(self, code: str) -> str:
        rule = RULES[code]
        return (rule.asm if self.kind == ASM else rule.prm) or rule.asm or rule.prm or ""

    def error(self, location: str, code: str, message: str) -> None:
        """Record a violation of rule `code`, with the section for this document kind."""
        self.errors.append(
            Violation(location=location, code=code, section=self._section(code), message=message)
        )

    def tolerate(self, tolerance: str, code: str, location: str, message: str) -> None:
        """Record `code` as an error when strict, else as a warning under `tolerance`."""
        if self.strict:
            self.error(location, code, f"{message} (tolerated by strict=False as {tolerance})")
        else:
            self.warnings.append(
                Violation(
                    location=location, code=tolerance, section=self._section(code), message=message
                )
            )


_JSON_TYPE_NAMES: Final = (
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


# -- URLs and identifiers ----------------------------------------------------------------------


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


def _url_or_none(out: Findings, location: str, value: object) -> str | None:
    """Type and absolute-URL check; the string when it passes both, else `None`."""
    if not isinstance(value, str):
        _wrong_type(out, location, "a URL string", value)
        return None
    problem = absolute_url_problem(value)
    if problem is not None:
        out.error(location, "invalid_url", f"{value!r} is not an absolute URL: it {problem}")
        return None
    return value


def _issuer(out: Findings, location: str, value: object) -> None:
    if type(value) is str and FAST_ISSUER.fullmatch(value):
        return
    url = _url_or_none(out, location, value)
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


def _resource(out: Findings, location: str, value: object) -> None:
    if type(value) is str and FAST_RESOURCE.fullmatch(value):
        return
    url = _url_or_none(out, location, value)
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


def _array(out: Findings, location: str, value: object, *, allow_empty: bool) -> tuple[object, ...]:
    if not isinstance(value, (list, tuple)):
        _wrong_type(out, location, "an array", value)
        return ()
    if not value and not allow_empty:
        out.error(location, "empty_array", "an empty array must be omitted from the document")
    return tuple(value)


# -- one checker per member kind: (findings, member name, value, [] allowed) -> kept value ---


def _check_strings(out: Findings, name: str, value: object, allow_empty: bool) -> object:  # noqa: FBT001
    if type(value) is list and value:
        try:
            "".join(value)  # C-speed "every element is a str"
        except TypeError:
            pass
        else:
            return tuple(value)
    location = _ptr(name)
    items = _array(out, location, value, allow_empty=allow_empty)
    for index, item in enumerate(items):
        if not isinstance(item, str):
            _wrong_type(out, f"{location}/{index}", "a string", item)
    return items


def _check_scopes(out: Findings, name: str, value: object, _: bool) -> object:  # noqa: FBT001
    """An array of OAuth scope values: each a ``scope-token`` (RFC 6749 §3.3)."""
    items = _check_strings(out, name, value, False)  # noqa: FBT003
    if type(items) is tuple:
        for index, item in enumerate(items):
            if type(item) is str and _SCOPE_TOKEN.fullmatch(item) is None:
                message = (
                    f"{item!r} is not an OAuth scope value (RFC 6749 §3.3: one or more "
                    "printable ASCII characters, no space, '\"' or '\\')"
                )
                out.error(f"{_ptr(name)}/{index}", "invalid_scope", message)
    return items


def _check_url(out: Findings, name: str, value: object, _: bool) -> object:  # noqa: FBT001
    if type(value) is not str or not FAST_URL.fullmatch(value):
        _url_or_none(out, _ptr(name), value)
    return value


def _check_https_url(out: Findings, name: str, value: object, _: bool) -> object:  # noqa: FBT001
    if type(value) is str and FAST_HTTPS_URL.fullmatch(value):
        return value
    location = _ptr(name)
    url = _url_or_none(out, location, value)
    if url is not None:
        code = "jwks_uri_not_https" if name == "jwks_uri" else "oidc_endpoint_not_https"
        _https_or_loopback(out, location, url, split_uri(url), code=code, what=name)
    return value


def _check_bool(out: Findings, name: str, value: object, _: bool) -> object:  # noqa: FBT001
    if type(value) is not bool:
        _wrong_type(out, _ptr(name), "a boolean (true or false)", value)
    return value


def _check_string(out: Findings, name: str, value: object, _: bool) -> object:  # noqa: FBT001
    if not isinstance(value, str):
        _wrong_type(out, _ptr(name), "a string", value)
    return value


# (findings, member name, value, [] allowed) -> the value to keep
_Checker = Callable[[Findings, str, object, bool], object]


def _identifier(check: Callable[[Findings, str, object], None]) -> _Checker:
    """The member checker for one identifier (`_issuer`, `_resource`)."""

    def check_one(out: Findings, name: str, value: object, _: bool) -> object:  # noqa: FBT001
        check(out, _ptr(name), value)
        return value

    return check_one


def _identifiers(check: Callable[[Findings, str, object], None]) -> _Checker:
    """The member checker for a non-empty array of identifiers, each checked in place."""

    def check_each(out: Findings, name: str, value: object, _: bool) -> object:  # noqa: FBT001
        location = _ptr(name)
        items = _array(out, location, value, allow_empty=False)
        for index, item in enumerate(items):
            check(out, f"{location}/{index}", item)
        return items

    return check_each


def _check_url_map(out: Findings, name: str, value: object, _: bool) -> object:  # noqa: FBT001
    location = _ptr(name)
    if not isinstance(value, Mapping):
        _wrong_type(out, location, "an object", value)
        return value
    for key, item in value.items():
        if type(item) is not str or not FAST_URL.fullmatch(item):
            _url_or_none(out, location + _ptr(str(key)), item)
    return UrlMap(value)  # only built into a model when every item passed


def _check_jws(out: Findings, name: str, value: object, _: bool) -> object:  # noqa: FBT001
    if not isinstance(value, str):
        _wrong_type(out, _ptr(name), "a string (a JWT)", value)
        return value
    problem = jws_problem(value)
    if problem is not None:
        code, message = problem
        out.error(_ptr(name), code, message)
    return value


_CHECK_BY_KIND: Final[Mapping[str, _Checker]] = MappingProxyType(
    {
        STRINGS: _check_strings,
        SCOPES: _check_scopes,
        URL: _check_url,
        URL_HTTPS: _check_https_url,
        BOOL: _check_bool,
        STRING: _check_string,
        ISSUER: _identifier(_issuer),
        ISSUERS: _identifiers(_issuer),
        RESOURCE: _identifier(_resource),
        RESOURCES: _identifiers(_resource),
        URL_MAP: _check_url_map,
        JWS: _check_jws,
    }
)


# member name -> checker (plain dicts: this is the hot loop)
_ASM_CHECKERS: Final[dict[str, _Checker]] = {n: _CHECK_BY_KIND[k] for n, k in ASM_MEMBERS.items()}
_PRM_CHECKERS: Final[dict[str, _Checker]] = {n: _CHECK_BY_KIND[k] for n, k in PRM_MEMBERS.items()}


def _check_tagged(out: Findings, name: str, value: object, checkers: dict[str, _Checker]) -> bool:
    """RFC 9728 §2.1: ``<member>#<tag>`` is that member in another language, for a BCP 47 tag.

    Any other name with a ``#`` is an unknown member (§3.2), left unchecked. True when `name`
    is a translation.
    """
    base = translated_member(name)
    if base is None:
        return False
    if value is None:
        out.tolerate("null_member", "wrong_type", _ptr(name), "is null; omit the member")
    else:
        checkers[base](out, name, value, False)  # noqa: FBT003
    return True


def _one_translation(out: Findings, name: str, seen: dict[str, str]) -> None:
    """RFC 5646 §2.1.1: tags are case-insensitive, so ``#de`` and ``#DE`` are one member."""
    key = name.lower()
    first = seen.setdefault(key, name)
    if first != name:
        out.error(
            _ptr(name),
            "duplicate_member",
            f"member {name!r} is the same translation as {first!r} (language tags are "
            "case-insensitive, RFC 5646 §2.1.1); parsers disagree on which one wins",
        )


def _walk(out: Findings, members: Mapping[str, object], checkers: dict[str, _Checker]) -> None:
    fields, extra = out.fields, out.extra
    prm = out.kind == PRM
    translations: dict[str, str] = {}
    for name, value in members.items():
        checker = checkers.get(name)
        if checker is None:
            extra[name] = value
            if prm and "#" in name and _check_tagged(out, name, value, checkers):
                _one_translation(out, name, translations)
        elif value is None:
            out.tolerate("null_member", "wrong_type", _ptr(name), "is null; omit the member")
        else:
            fields[name] = checker(out, name, value, prm and name == "bearer_methods_supported")


def _strings(members: Mapping[str, object], name: str) -> list[str] | None:
    value = members.get(name)
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, str)]
    return None


def _trailing_slash_only(a: str, b: str) -> bool:
    """True when `a` and `b` differ only by a ``/`` that follows an empty path."""
    shorter, longer = (a, b) if len(a) < len(b) else (b, a)
    if longer != shorter + "/":
        return False
    parts = split_uri(shorter)
    return parts.path == "" and parts.query is None and parts.fragment is None


# -- RFC 8414 ----------------------------------------------------------------------------------


def check_asm(
    members: Mapping[str, object], *, strict: bool, expected_issuer: str | None
) -> Findings:
    """Every RFC 8414 rule against the decoded AS metadata `members`."""
    out = Findings(kind=ASM, strict=strict)
    _walk(out, members, _ASM_CHECKERS)
    fields = out.fields
    for name in ("issuer", "response_types_supported"):
        if members.get(name) is None:
            out.error(_ptr(name), "missing_member", f"{name} is REQUIRED")
    _check_endpoints(out, members)
    _check_signing_alg_lists(out, members)
    issuer = fields.get("issuer")
    if expected_issuer is not None and isinstance(issuer, str) and issuer != expected_issuer:
        message = (
            f"issuer {issuer!r} is not identical to the issuer the metadata URL was built "
            f"from, {expected_issuer!r}; the document MUST NOT be used"
        )
        if _trailing_slash_only(issuer, expected_issuer):
            out.tolerate("issuer_trailing_slash", "issuer_mismatch", "/issuer", message)
        else:
            out.error("/issuer", "issuer_mismatch", message)
    return out


def _check_endpoints(out: Findings, members: Mapping[str, object]) -> None:
    """RFC 8414 §2 authorization_endpoint / token_endpoint, through the grant type default."""
    declared = members.get("grant_types_supported")
    if declared is None:
        grants: Sequence[object] = _DEFAULT_GRANT_TYPES
    elif isinstance(declared, list) and declared and all(type(g) is str for g in declared):
        grants = declared
    else:
        return  # wrong_type or empty_array says why; which grants are meant is unknown
    if members.get("authorization_endpoint") is None and (
        "authorization_code" in grants or "implicit" in grants
    ):
        default = "(default) " if declared is None else ""
        out.error(
            "/authorization_endpoint",
            "authorization_endpoint_required",
            f"authorization_endpoint is REQUIRED: grant_types_supported {default}includes "
            "a grant type that uses it",
        )
    if members.get("token_endpoint") is None and set(grants) != {"implicit"}:
        out.error(
            "/token_endpoint",
            "token_endpoint_required",
            "token_endpoint is REQUIRED unless only the implicit grant type is supported",
        )


def _check_signing_alg_lists(out: Findings, members: Mapping[str, object]) -> None:
    """RFC 8414 §2: the ``*_jwt`` methods need the alg list; ``none`` is never in it."""
    is_oidc = any(members.get(m) is not None for m in _OIDC_MARKERS)
    for prefix in ASM_SIGNING_ALG_LISTS:
        methods_name = prefix + "_auth_methods_supported"
        algs_name = prefix + "_auth_signing_alg_values_supported"
        algs = members.get(algs_name)
        methods = members.get(methods_name)
        if algs is None and methods:
            jwt = sorted(_JWT_AUTH_METHODS.intersection(_strings(members, methods_name) or ()))
            if jwt:
                message = (
                    f"{algs_name} MUST be present because {methods_name} lists {' and '.join(jwt)}"
                )
                if is_oidc:
                    out.tolerate(
                        "oidc_jwt_signing_alg_list_missing",
                        "auth_signing_alg_values_required",
                        _ptr(methods_name),
                        message,
                    )
                else:
                    out.error(_ptr(methods_name), "auth_signing_alg_values_required", message)
        elif isinstance(algs, (list, tuple)) and "none" in algs:
            for index, alg in enumerate(algs):
                if alg == "none":
                    out.error(
                        f"{_ptr(algs_name)}/{index}",
                        "auth_signing_alg_none",
                        f"'none' MUST NOT be used in {algs_name}",
                    )


# -- RFC 9728 ----------------------------------------------------------------------------------


def check_prm(
    members: Mapping[str, object], *, strict: bool, expected_resource: str | None
) -> Findings:
    """Every RFC 9728 rule against the decoded protected resource metadata `members`."""
    out = Findings(kind=PRM, strict=strict)
    _walk(out, members, _PRM_CHECKERS)
    if members.get("resource") is None:
        out.error("/resource", "missing_member", "resource is REQUIRED")
    algs = members.get("resource_signing_alg_values_supported")
    if isinstance(algs, (list, tuple)) and "none" in algs:
        for index, alg in enumerate(algs):
            if alg == "none":
                out.error(
                    f"/resource_signing_alg_values_supported/{index}",
                    "resource_signing_alg_none",
                    "'none' MUST NOT be used in resource_signing_alg_values_supported",
                )
    resource = out.fields.get("resource")
    if (
        expected_resource is not None
        and isinstance(resource, str)
        and resource != expected_resource
    ):
        out.error(
            "/resource",
            "resource_mismatch",
            f"resource {resource!r} is not identical to the resource identifier the metadata "
            f"URL was built from, {expected_resource!r}; the document MUST NOT be used",
        )
    return out
