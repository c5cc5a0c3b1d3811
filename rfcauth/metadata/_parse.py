"""The two parse functions: untrusted document in, checked frozen model (or MetadataError) out.

Theory of operation. Two paths, one verdict:

- *Fast path* (``bytes`` / ``str`` input, `_fastpath`): pydantic-core parses the JSON and
  checks every member's type and URL shape in compiled code; a few lines of Python then check
  what a schema cannot express (repeated names, the cross-member rules, identity). Any doubt
  falls through to the slow path: the fast path never rejects a document and never applies a
  tolerance.
- *Slow path* (the reference, and the only path for a Mapping): strict decoding with duplicate
  detection (`_jsonload`), then the rule engine (`_checks`), which reports every violation and
  applies the tolerances; a document that passes is built from the checked values.

tests/test_metadata_fastpath.py checks on generated and mutated documents that whatever the fast
path accepts, the slow path accepts without warnings and builds an equal model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from rfcauth._errors import MetadataError, UsageError
from rfcauth.metadata._asm import AuthorizationServerMetadata
from rfcauth.metadata._checks import Findings, check_asm, check_prm
from rfcauth.metadata._fastpath import fast_asm as _fast_asm
from rfcauth.metadata._fastpath import fast_prm as _fast_prm
from rfcauth.metadata._jsonload import DEFAULT_MAX_SIZE, load_document
from rfcauth.metadata._prm import ProtectedResourceMetadata

if TYPE_CHECKING:
    from collections.abc import Mapping

    from rfcauth.metadata._jsonload import LoadedDocument
    from rfcauth.metadata._model_base import MetadataModel

# The models are re-exported so that callers can import everything metadata from one module.
__all__ = [
    "AuthorizationServerMetadata",
    "ProtectedResourceMetadata",
    "parse_authorization_server_metadata",
    "parse_protected_resource_metadata",
]

_M = TypeVar("_M", bound="MetadataModel")


def _expect_str(name: str, value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise UsageError(f"{name} must be a str or None, not {type(value).__name__}")


def _expect_bool(name: str, value: object) -> None:
    if not isinstance(value, bool):
        raise UsageError(f"{name} must be a bool, not {type(value).__name__}")


# -- slow path -------------------------------------------------------------------------------


def _finish(model: type[_M], loaded: LoadedDocument, findings: Findings) -> _M:
    findings.errors.extend(loaded.duplicates)
    findings.errors.extend(loaded.problems)
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
        UsageError: `data`, `expected_issuer`, `strict` or `max_size` has the wrong type.

    >>> asm = parse_authorization_server_metadata(
    ...     b'{"issuer": "https://as.example", "response_types_supported": ["code"],'
    ...     b' "authorization_endpoint": "https://as.example/authorize",'
    ...     b' "token_endpoint": "https://as.example/token"}',
    ...     expected_issuer="https://as.example")
    >>> asm.token_endpoint
    'https://as.example/token'
    """
    _expect_bool("strict", strict)
    if expected_issuer is not None:
        _expect_str("expected_issuer", expected_issuer)
    if (type(data) is bytes or type(data) is str) and type(max_size) is int:  # not subclasses
        fast = _fast_asm(data, expected_issuer, max_size)
        if fast is not None:
            return fast
    return _slow_asm(data, expected_issuer, strict=strict, max_size=max_size)


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
        UsageError: `data`, `expected_resource`, `strict` or `max_size` has the wrong type.

    >>> prm = parse_protected_resource_metadata(
    ...     '{"resource": "https://mcp.example/mcp", "bearer_methods_supported": []}')
    >>> prm.authorization_servers is None, prm.bearer_methods_supported
    (True, ())
    """
    _expect_bool("strict", strict)
    if expected_resource is not None:
        _expect_str("expected_resource", expected_resource)
    if (type(data) is bytes or type(data) is str) and type(max_size) is int:  # not subclasses
        fast = _fast_prm(data, expected_resource, max_size)
        if fast is not None:
            return fast
    return _slow_prm(data, expected_resource, strict=strict, max_size=max_size)
