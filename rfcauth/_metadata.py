"""The two parse functions: untrusted document in, checked frozen model (or MetadataError) out.

Theory of operation. Two paths, one verdict:

- *Fast path* (``bytes`` / ``str`` input): pydantic-core parses the JSON and checks every
  member's type and URL shape in compiled code (the `_model_base` field types); a few lines of
  Python then check what those types cannot express: conditional members, ``none`` in the alg
  lists, ``signed_metadata``, identity against the expected identifier, null members,
  language-tagged members, nesting depth, non-JSON numbers, and a bound that proves there are
  no duplicate member names. Any doubt falls through to the slow path: the fast path never
  rejects a document and never applies a tolerance.
- *Slow path* (the reference, and the only path for a Mapping): strict decoding with duplicate
  detection (`_jsonload`), then the rule engine (`_checks`), which reports every violation and
  applies the tolerances; a document that passes is built from the checked values.

tests/test_metadata_fastpath.py checks on generated and mutated documents that whatever the fast
path accepts, the slow path accepts without warnings and builds an equal model.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Final, TypeVar

from pydantic import ValidationError

from rfcauth._asm import AuthorizationServerMetadata
from rfcauth._checks import Findings, check_asm, check_prm
from rfcauth._errors import MetadataError, UsageError
from rfcauth._jsonload import DEFAULT_MAX_SIZE, MAX_DEPTH, load_document
from rfcauth._jws import jws_problem
from rfcauth._members import ASM_SIGNING_ALG_LISTS, LOCALIZABLE, PRM_MEMBERS, STRING
from rfcauth._prm import ProtectedResourceMetadata
from rfcauth._uri_syntax import absolute_url_problem

if TYPE_CHECKING:
    from collections.abc import Mapping

    from rfcauth._jsonload import LoadedDocument
    from rfcauth._model_base import MetadataModel

# The models are re-exported so that callers can import everything metadata from one module.
__all__ = [
    "AuthorizationServerMetadata",
    "ProtectedResourceMetadata",
    "parse_authorization_server_metadata",
    "parse_protected_resource_metadata",
]

_M = TypeVar("_M", bound="MetadataModel")

# JSON text: every member name is a string followed by optional whitespace and ":", and no
# other ":" follows a closing quote that way except inside a string. So the number of matches
# is an upper bound on the number of member names: if it equals the names pydantic kept,
# no name was repeated.
_NAME_BOUND_BYTES: Final = re.compile(rb'"[ \t\n\r]*:')
_NAME_BOUND_TEXT: Final = re.compile(r'"[ \t\n\r]*:')
_DEFAULT_GRANT_TYPES: Final = ("authorization_code", "implicit")
_EXTRA: Final = object()


def _expect_str(name: str, value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise UsageError(f"{name} must be a str or None, not {type(value).__name__}")


# -- fast path -------------------------------------------------------------------------------


def _nested_names(extra: dict[str, object]) -> int:
    """Member names nested in the unknown members' values; -1 when one nests too deep."""
    total = 0
    for value in extra.values():
        count = _count_names(value, 2)
        if count < 0:
            return -1
        total += count
    return total


def _count_names(value: object, depth: int) -> int:
    """Member names inside `value`, recursively; -1 when nesting exceeds `MAX_DEPTH`."""
    if depth > MAX_DEPTH:
        return -1
    if isinstance(value, dict):
        total, children = len(value), list(value.values())
    elif isinstance(value, list):
        total, children = 0, value
    elif type(value) is float and not math.isfinite(value):
        return -1  # NaN / Infinity: not JSON (RFC 8259 §6), pydantic-core reads them anyway
    else:
        return 0
    for child in children:
        if isinstance(child, (dict, list, float)):
            count = _count_names(child, depth + 1)
            if count < 0:
                return -1
            total += count
    return total


def _name_bound(data: bytes | str) -> int:
    """An upper bound on the member names in JSON text `data` (see `_NAME_BOUND_BYTES`)."""
    if isinstance(data, bytes):
        if b" :" in data or b"\n:" in data or b"\t:" in data or b"\r:" in data:
            return len(_NAME_BOUND_BYTES.findall(data))  # whitespace before a colon
        return data.count(b'":')
    if " :" in data or "\n:" in data or "\t:" in data or "\r:" in data:
        return len(_NAME_BOUND_TEXT.findall(data))
    return data.count('":')


def _fast_model(model: type[_M], data: bytes | str, max_size: int) -> _M | None:
    """The model when pydantic-core accepts `data` and no member is null or repeated."""
    if (len(data) if isinstance(data, bytes) else len(data) * 4) > max_size:
        return None
    bound = _name_bound(data)
    try:
        result = model.model_validate_json(data)
    except ValidationError:
        return None
    values = result.__dict__
    fields_set = result.model_fields_set  # declared members and extras received
    names = len(fields_set)
    for name in fields_set:
        value = values.get(name, _EXTRA)  # extras are not in __dict__
        if value is None:  # a declared member sent as null
            return None
        if type(value) is dict:  # mtls_endpoint_aliases
            names += len(value)
    extra = result.model_extra
    if extra:  # unknown members: nested names, depth, non-finite numbers
        nested = _nested_names(extra)
        if nested < 0:
            return None
        names += nested
    return result if names == bound else None


def _fast_asm(  # noqa: PLR0911 - one early "decline" per rule the types cannot express
    data: bytes | str, expected_issuer: str | None, max_size: int
) -> AuthorizationServerMetadata | None:
    asm = _fast_model(AuthorizationServerMetadata, data, max_size)
    if asm is None or (expected_issuer is not None and asm.issuer != expected_issuer):
        return None
    grants = asm.grant_types_supported or _DEFAULT_GRANT_TYPES
    if asm.authorization_endpoint is None and (
        "authorization_code" in grants or "implicit" in grants
    ):
        return None
    if asm.token_endpoint is None and set(grants) != {"implicit"}:
        return None
    values = asm.__dict__
    for prefix in ASM_SIGNING_ALG_LISTS:
        algs = values[prefix + "_auth_signing_alg_values_supported"]
        if algs is None:
            methods = values[prefix + "_auth_methods_supported"]
            if methods is not None and (
                "private_key_jwt" in methods or "client_secret_jwt" in methods
            ):
                return None
        elif "none" in algs:
            return None
    if asm.signed_metadata is not None and jws_problem(asm.signed_metadata) is not None:
        return None
    return asm


def _fast_prm(
    data: bytes | str, expected_resource: str | None, max_size: int
) -> ProtectedResourceMetadata | None:
    prm = _fast_model(ProtectedResourceMetadata, data, max_size)
    if prm is None or (expected_resource is not None and prm.resource != expected_resource):
        return None
    algs = prm.resource_signing_alg_values_supported
    if algs is not None and "none" in algs:
        return None
    if prm.signed_metadata is not None and jws_problem(prm.signed_metadata) is not None:
        return None
    for name, value in (prm.model_extra or {}).items():
        base = name.partition("#")[0]
        if base != name and base in LOCALIZABLE:
            if not isinstance(value, str):
                return None
            if PRM_MEMBERS[base] != STRING and absolute_url_problem(value) is not None:
                return None
    return prm


# -- slow path -------------------------------------------------------------------------------


def _finish(model: type[_M], loaded: LoadedDocument, findings: Findings) -> _M:
    for dup in loaded.duplicates:
        how = "the same value" if dup.same_value else "different values"
        findings.error(
            dup.location,
            "duplicate_member",
            f"member {dup.name!r} occurs more than once (with {how})",
        )
    if findings.errors:
        raise MetadataError(findings.errors, kind=model._kind)  # noqa: SLF001
    return model._from_checked(findings.fields, findings.extra, tuple(findings.warnings))  # noqa: SLF001


def _slow_asm(
    data: object, expected_issuer: str | None, *, strict: bool, max_size: int
) -> AuthorizationServerMetadata:
    kind = AuthorizationServerMetadata._kind  # noqa: SLF001
    loaded = load_document(data, max_size=max_size, kind=kind, section="RFC 8414 §3.2")
    findings = check_asm(loaded.members, strict=strict, expected_issuer=expected_issuer)
    return _finish(AuthorizationServerMetadata, loaded, findings)


def _slow_prm(
    data: object, expected_resource: str | None, *, strict: bool, max_size: int
) -> ProtectedResourceMetadata:
    kind = ProtectedResourceMetadata._kind  # noqa: SLF001
    loaded = load_document(data, max_size=max_size, kind=kind, section="RFC 9728 §3.2")
    findings = check_prm(loaded.members, strict=strict, expected_resource=expected_resource)
    return _finish(ProtectedResourceMetadata, loaded, findings)


def parse_authorization_server_metadata(
    data: bytes | str | Mapping[str, object],
    *,
    expected_issuer: str | None = None,
    strict: bool = True,
    max_size: int = DEFAULT_MAX_SIZE,
) -> AuthorizationServerMetadata:
    """Parse and check an OAuth 2.0 Authorization Server Metadata document (RFC 8414).

    Applies every rule of RFC 8414 §2 to §3 (see the rule table in the README). With
    `expected_issuer` (the issuer the well-known URL was built from) also RFC 8414 §3.3:
    ``issuer`` must be identical to it, code point for code point.

    Args:
        data: the response body (``bytes`` or ``str``) or an already-decoded mapping.
        expected_issuer: the issuer identifier the metadata URL was built from, if known.
        strict: ``True`` applies the RFC letter; ``False`` also accepts the named tolerances
            and records each use on the model's ``warnings``.
        max_size: cap on the encoded document, in bytes.

    Returns:
        The frozen model; unknown members are kept in ``.extra``.

    Raises:
        MetadataError: the document breaks one or more rules; ``.violations`` lists them all.
        UsageError: `data`, `expected_issuer` or `max_size` has the wrong type.

    >>> asm = parse_authorization_server_metadata(
    ...     b'{"issuer": "https://as.example", "response_types_supported": ["code"],'
    ...     b' "authorization_endpoint": "https://as.example/authorize",'
    ...     b' "token_endpoint": "https://as.example/token"}',
    ...     expected_issuer="https://as.example")
    >>> asm.token_endpoint
    'https://as.example/token'
    """
    _expect_str("expected_issuer", expected_issuer)
    if isinstance(data, (bytes, str)) and type(max_size) is int:
        fast = _fast_asm(data, expected_issuer, max_size)
        if fast is not None:
            return fast
    return _slow_asm(data, expected_issuer, strict=bool(strict), max_size=max_size)


def parse_protected_resource_metadata(
    data: bytes | str | Mapping[str, object],
    *,
    expected_resource: str | None = None,
    strict: bool = True,
    max_size: int = DEFAULT_MAX_SIZE,
) -> ProtectedResourceMetadata:
    """Parse and check an OAuth 2.0 Protected Resource Metadata document (RFC 9728).

    Applies every rule of RFC 9728 §2 to §3. With `expected_resource` (the resource identifier
    the well-known URL was built from, or the request URL when the metadata URL came from a
    ``resource_metadata`` hint) also RFC 9728 §3.3: ``resource`` must be identical to it.
    Resource identity has no tolerance in either mode.

    Args:
        data: the response body (``bytes`` or ``str``) or an already-decoded mapping.
        expected_resource: the resource identifier to compare ``resource`` with, if known.
        strict: ``True`` applies the RFC letter; ``False`` also accepts the named tolerances
            and records each use on the model's ``warnings``.
        max_size: cap on the encoded document, in bytes.

    Returns:
        The frozen model; unknown and language-tagged members are kept in ``.extra``.

    Raises:
        MetadataError: the document breaks one or more rules; ``.violations`` lists them all.
        UsageError: `data`, `expected_resource` or `max_size` has the wrong type.

    >>> prm = parse_protected_resource_metadata(
    ...     '{"resource": "https://mcp.example/mcp", "bearer_methods_supported": []}')
    >>> prm.authorization_servers is None, prm.bearer_methods_supported
    (True, ())
    """
    _expect_str("expected_resource", expected_resource)
    if isinstance(data, (bytes, str)) and type(max_size) is int:
        fast = _fast_prm(data, expected_resource, max_size)
        if fast is not None:
            return fast
    return _slow_prm(data, expected_resource, strict=bool(strict), max_size=max_size)
