"""Verification of ``signed_metadata`` (RFC 8414 §2.1, RFC 9728 §2.2): the optional ``jose`` extra.

Theory of operation. The parse functions check only the *shape* of ``signed_metadata``
(`_jws`). This module verifies it and applies it:

1. the compact JWS is checked structurally again (a model built directly never went through the
   rule engine), its ``alg`` against the caller's allow-list (RFC 8725 §3.1), and its signature
   with the caller's keys by the JOSE library (RFC 7515 §5.2);
2. the verified payload is decoded by rfcauth's own strict JSON loader (duplicate claim names
   are an error, RFC 7519 §4; no ``NaN``; depth-limited), then ``iss`` is checked against the
   caller's trust set and ``exp`` / ``nbf`` / ``aud`` as RFC 7519 §4.1 asks;
3. the signed claims are laid over the plain members ("metadata values conveyed in the signed
   metadata MUST take precedence over the corresponding values conveyed using plain JSON
   elements"), and the merged document goes through the strict parse function with the plain
   document's own identifier as the expected one, so a signed ``issuer`` / ``resource`` that
   differs from the plain one is ``issuer_mismatch`` / ``resource_mismatch``.

What is merged. Every claim except the JWT registered claims (``iss``, ``sub``, ``aud``, ``exp``,
``nbf``, ``iat``, ``jti``: RFC 7519 §4.1 gives them a JWT meaning, and no metadata member has
those names) and a ``signed_metadata`` claim (which "SHOULD NOT appear as a claim in the JWT";
the plain member, the JWS that was verified, is kept). Precedence is member by member, except
for RFC 9728 §2.1's human-readable items: a signed ``resource_name`` (or any signed
``resource_name#tag``) replaces the plain ``resource_name`` and every plain translation of it,
so no unsigned translation is shown beside a signed name.

The library. `joserfc <https://jose.authlib.org>`_ (by authlib's author) does the JOSE work,
imported only when this function runs (``pip install 'rfcauth[jose]'``). Chosen over PyJWT and
jwcrypto because it is typed inline (``py.typed``; jwcrypto's types live in typeshed stubs) and
`mypy --strict` checks our calls into it; it splits JWS parsing (``extract_compact``) from
verification with a caller-chosen key (``validate_compact``), so claims are decoded by our own
strict loader and checked against an injectable clock (PyJWT's ``decode`` couples signature
and claims checks on the wall clock); it ties each algorithm to its key type, use and ``alg``
(``JWSAlgModel.check_key``), which is the defence against algorithm confusion; and it honours
``crit`` (RFC 7515 §4.1.11). rfcauth implements no cryptography and no JWS parsing itself.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Final, TypeVar

from rfcauth._errors import MetadataError, UsageError
from rfcauth._violation import Violation
from rfcauth.metadata._asm import AuthorizationServerMetadata
from rfcauth.metadata._jsonload import load_document
from rfcauth.metadata._jws import jws_problem
from rfcauth.metadata._members import LOCALIZABLE, translated_member
from rfcauth.metadata._parse import (
    parse_authorization_server_metadata,
    parse_protected_resource_metadata,
)
from rfcauth.metadata._prm import ProtectedResourceMetadata
from rfcauth.metadata._rules import RULES

if TYPE_CHECKING:
    from joserfc.jwa import JWSAlgModel
    from joserfc.jwk import Key
    from joserfc.jws import CompactSignature, JWSRegistry

__all__ = ["DEFAULT_SIGNED_METADATA_ALGORITHMS", "verify_signed_metadata"]

_M = TypeVar("_M", AuthorizationServerMetadata, ProtectedResourceMetadata)

#: The default allow-list: the fully specified asymmetric JWS algorithms (RFC 7518 §3.1,
#: RFC 8812 §3.2, RFC 9864 §2.2). No MAC algorithm (a shared secret cannot attest metadata to
#: several consumers, and allowing HS* next to RS* invites algorithm confusion, RFC 8725 §2.1),
#: never ``none``, and not the polymorphic ``EdDSA`` that RFC 9864 §4.1 deprecates: name those
#: in ``algorithms`` if you need them.
DEFAULT_SIGNED_METADATA_ALGORITHMS: Final = (
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "ES512",
    "ES256K",
    "Ed25519",
    "Ed448",
)

# RFC 7519 §4.1: JWT registered claims; their meaning is the JWT's, not the metadata's.
_REGISTERED_CLAIMS: Final = frozenset({"iss", "sub", "aud", "exp", "nbf", "iat", "jti"})
_NOT_MERGED: Final = _REGISTERED_CLAIMS | {"signed_metadata"}
_INSTALL_HINT: Final = "pip install 'rfcauth[jose]'"
_LOCATION: Final = "/signed_metadata"
_ZERO: Final = timedelta(0)

# The checks this module adds to the rule table's three structural signed_metadata rules.
_SECTIONS: Final[Mapping[str, str]] = {
    "signed_metadata_missing": "RFC 8414 §2.1, RFC 9728 §2.2",
    "signed_metadata_alg_not_allowed": "RFC 8725 §3.1",
    "signed_metadata_no_key": "RFC 7515 §6",
    "signed_metadata_bad_signature": "RFC 7515 §5.2",
    "signed_metadata_bad_claim": "RFC 7519 §4.1",
    "signed_metadata_untrusted_iss": "RFC 8414 §2.1, RFC 9728 §2.2",
    "signed_metadata_wrong_audience": "RFC 7519 §4.1.3",
    "signed_metadata_expired": "RFC 7519 §4.1.4",
    "signed_metadata_not_yet_valid": "RFC 7519 §4.1.5",
}


# joserfc is imported inside the functions that use it (PLC0415 below): `import rfcauth` must
# work without the extra. `_require_jose` turns its absence into a UsageError up front.


def _require_jose() -> None:
    try:
        import joserfc.jws  # noqa: F401, PLC0415
    except ImportError as exc:
        raise UsageError(
            f"verify_signed_metadata needs the JOSE library joserfc: {_INSTALL_HINT}"
        ) from exc


def _violation(code: str, message: str, *, kind: str, location: str = _LOCATION) -> Violation:
    rule = RULES.get(code)
    if rule is None:
        section = _SECTIONS[code]
    else:
        section = (rule.asm if kind == AuthorizationServerMetadata._kind else rule.prm) or ""  # noqa: SLF001
    return Violation(location=location, code=code, section=section, message=message)


def _fail(code: str, message: str, *, kind: str) -> MetadataError:
    return MetadataError([_violation(code, message, kind=kind)], kind=kind)


# -- the caller's arguments --------------------------------------------------------------------


def _allowed_algorithms(algorithms: Collection[str] | None) -> tuple[str, ...]:
    from joserfc.jws import JWSRegistry  # noqa: PLC0415

    if algorithms is None:
        return DEFAULT_SIGNED_METADATA_ALGORITHMS
    if isinstance(algorithms, str) or not isinstance(algorithms, Collection):
        raise UsageError(f"algorithms must be a collection of str, not {algorithms!r}")
    names = tuple(algorithms)
    if not names or not all(isinstance(name, str) for name in names):
        raise UsageError(f"algorithms must be a non-empty collection of str, not {names!r}")
    if any(name.lower() == "none" for name in names):
        raise UsageError("'none' cannot be allowed: signed metadata MUST be signed or MACed")
    known = JWSRegistry.algorithms
    unknown = [name for name in names if name not in known]
    if unknown:
        raise UsageError(f"unknown JWS algorithms {unknown!r}; known: {sorted(known)!r}")
    return names


def _import_keys(keys: object) -> list[Key]:
    """The caller's JWK Set (``{"keys": [...]}``, RFC 7517 §5) or single JWK (§4) as keys."""
    from joserfc.errors import JoseError  # noqa: PLC0415
    from joserfc.jwk import JWKRegistry  # noqa: PLC0415

    if not isinstance(keys, Mapping):
        raise UsageError(f"keys must be a JWK Set or a JWK mapping, not {type(keys).__name__}")
    is_set = "keys" in keys
    entries: object = keys["keys"] if is_set else [keys]
    if not isinstance(entries, list) or not entries:
        raise UsageError("a JWK Set's 'keys' must be a non-empty list of JWK objects")
    out: list[Key] = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            raise UsageError(f"JWK #{index} is a {type(entry).__name__}, not a JSON object")
        kty = entry.get("kty")
        if not isinstance(kty, str) or kty not in JWKRegistry.key_types:
            # RFC 7517 §5: "Implementations SHOULD ignore JWKs within a JWK Set that use "kty"
            # (key type) values that are not understood by them"
            if is_set:
                continue
            raise UsageError(f"the JWK has an unsupported 'kty': {kty!r}")
        try:
            out.append(JWKRegistry.import_key(dict(entry)))
        except (JoseError, ValueError, TypeError, KeyError) as exc:
            raise UsageError(f"JWK #{index} is not usable key material: {exc}") from exc
    if not out:
        raise UsageError("the JWK Set holds no key of a supported type")
    return out


def _check_now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    if not isinstance(now, datetime) or now.utcoffset() is None:
        raise UsageError(f"now must be a timezone-aware datetime, not {now!r}")
    return now


def _check_issuers(trusted_issuers: Collection[str] | None) -> frozenset[str] | None:
    if trusted_issuers is None:
        return None
    if isinstance(trusted_issuers, str) or not isinstance(trusted_issuers, Collection):
        raise UsageError(f"trusted_issuers must be a collection of str, not {trusted_issuers!r}")
    if not all(isinstance(i, str) for i in trusted_issuers):
        raise UsageError("trusted_issuers must hold only str")
    return frozenset(trusted_issuers)


# -- signature ---------------------------------------------------------------------------------


def _registry(allowed: tuple[str, ...], max_size: int) -> JWSRegistry:
    from joserfc.jws import JWSRegistry  # noqa: PLC0415

    # strict_check_header=False: RFC 7515 §4 lets a JWS carry header parameters beyond the
    # registered ones (they are ignored unless listed in "crit", which joserfc enforces).
    registry = JWSRegistry(algorithms=allowed, strict_check_header=False)
    # The JWS sits inside a document already held to the metadata size cap: bound each part by
    # the whole rather than by joserfc's defaults (512-byte headers would refuse an x5c chain).
    registry.max_header_length = max_size
    registry.max_payload_length = max_size
    registry.max_signature_length = max_size
    return registry


def _candidates(kid: object, keys: list[Key], alg: JWSAlgModel) -> list[Key]:
    """The keys that may verify a JWS with this ``alg`` and header ``kid``.

    A key qualifies if it has the header's ``kid`` (when there is one) and joserfc finds it fit
    for ``sig`` / ``verify`` with this ``alg`` (key type, ``use``, ``key_ops``, ``alg``).
    """
    from joserfc.errors import JoseError  # noqa: PLC0415

    out = []
    for key in keys:
        if kid is not None and key.kid != kid:
            continue
        try:
            alg.check_key(key)
            key.check_key_op("verify")
        except JoseError:
            continue
        if _too_small(key, alg.name):
            continue
        out.append(key)
    return out


def _too_small(key: Key, alg: str) -> bool:
    """True for a key RFC 7518 forbids with `alg`.

    §3.3 and §3.5: RSA keys of 2048 bits or more; §3.2: an HMAC key at least as long as the
    hash output (256 bits for HS256).
    """
    raw: object = key.raw_value
    if alg[:2] in {"RS", "PS"}:
        return getattr(raw, "key_size", 0) < 2048  # noqa: PLR2004 - RFC 7518 §3.3
    if alg.startswith("HS") and isinstance(raw, bytes):
        return len(raw) * 8 < int(alg[2:])
    return False


def _verified_payload(value: str, keys: list[Key], allowed: tuple[str, ...], *, kind: str) -> bytes:
    from joserfc.errors import JoseError  # noqa: PLC0415
    from joserfc.jws import extract_compact, validate_compact  # noqa: PLC0415

    registry = _registry(allowed, max(len(value), 1))
    obj: CompactSignature
    try:
        # `value` passed the structural check: three base64url segments, ASCII only
        obj = extract_compact(value.encode("ascii"), registry=registry)
        header = obj.headers()
        registry.check_header(header)
    except (JoseError, ValueError, TypeError) as exc:
        raise _fail(
            "signed_metadata_malformed",
            f"the JWS does not parse: {exc or type(exc).__name__}",
            kind=kind,
        ) from exc
    alg = header["alg"]
    if alg not in allowed:
        raise _fail(
            "signed_metadata_alg_not_allowed",
            f"the JWS 'alg' {alg!r} is not in the allowed algorithms {list(allowed)!r}",
            kind=kind,
        )
    kid = header.get("kid")
    candidates = _candidates(kid, keys, registry.get_alg(alg))
    if not candidates:
        which = f"kid {kid!r} and " if kid is not None else ""
        raise _fail(
            "signed_metadata_no_key",
            f"none of the given keys has {which}a key type, 'use', 'key_ops', 'alg' and size "
            f"(RFC 7518 §3) that fit {alg!r}",
            kind=kind,
        )
    for key in candidates:
        try:
            if validate_compact(obj, key, registry=registry):
                break
        except (JoseError, ValueError, TypeError):
            continue
    else:
        raise _fail(
            "signed_metadata_bad_signature",
            f"the {alg} signature does not verify with the given key"
            + ("s" if len(candidates) > 1 else ""),
            kind=kind,
        )
    payload: bytes = obj.payload
    return payload


# -- claims ------------------------------------------------------------------------------------


def _claims(payload: bytes, *, kind: str) -> dict[str, object]:
    try:
        # no size cap of its own: the payload is part of a document that was held to one
        size = max(len(payload), 1)
        loaded = load_document(payload, max_size=size, kind=kind, section="RFC 7519 §7.2")
    except MetadataError as exc:
        detail = "; ".join(v.message for v in exc.violations)
        raise _fail(
            "signed_metadata_malformed",
            f"the JWT claims set is not a JSON object: {detail}",
            kind=kind,
        ) from exc
    if loaded.problems:
        raise _fail("signed_metadata_malformed", loaded.problems[0].message, kind=kind)
    if loaded.duplicates:
        names = sorted({d.location for d in loaded.duplicates})
        raise _fail(
            "signed_metadata_malformed",
            f"the JWT claims set repeats member names at {names!r} (RFC 7519 §4: claim names "
            "MUST be unique)",
            kind=kind,
        )
    return loaded.members


def _numeric_date(
    claims: Mapping[str, object], name: str, out: list[Violation], kind: str
) -> float | None:
    value = claims.get(name)
    if value is None and name not in claims:
        return None
    try:  # a 400-digit int is JSON, but no float (OverflowError)
        number = float(value) if isinstance(value, (int, float)) else math.nan
    except OverflowError:
        number = math.nan
    if isinstance(value, bool) or not math.isfinite(number):
        out.append(
            _violation(
                "signed_metadata_bad_claim",
                f"the {name!r} claim is {value!r}, not a NumericDate (RFC 7519 §2)",
                kind=kind,
            )
        )
        return None
    return number


def _check_claims(
    claims: Mapping[str, object],
    *,
    kind: str,
    trusted: frozenset[str] | None,
    audience: str | None,
    now: datetime,
    leeway: timedelta,
) -> list[Violation]:
    out: list[Violation] = []
    iss = claims.get("iss")  # a string: the structural check read the same payload
    if trusted is not None and iss not in trusted:
        out.append(
            _violation(
                "signed_metadata_untrusted_iss",
                f"the signed metadata is attested by {iss!r}, which is not a trusted issuer",
                kind=kind,
            )
        )
    if "aud" in claims:
        aud = claims["aud"]
        auds = [aud] if isinstance(aud, str) else aud
        if not isinstance(auds, list) or not all(isinstance(a, str) for a in auds):
            out.append(
                _violation(
                    "signed_metadata_bad_claim",
                    f"the 'aud' claim is {aud!r}, not a string or an array of strings",
                    kind=kind,
                )
            )
        elif audience is None or audience not in auds:
            who = "no audience was given" if audience is None else f"{audience!r} is not in it"
            out.append(
                _violation(
                    "signed_metadata_wrong_audience",
                    f"the JWT is meant for {auds!r} and {who}",
                    kind=kind,
                )
            )
    stamp = now.timestamp()
    slack = leeway.total_seconds()
    exp = _numeric_date(claims, "exp", out, kind)
    if exp is not None and stamp >= exp + slack:
        out.append(
            _violation(
                "signed_metadata_expired",
                f"the signed metadata expired at {_when(exp)} (now {now.isoformat()})",
                kind=kind,
            )
        )
    nbf = _numeric_date(claims, "nbf", out, kind)
    if nbf is not None and stamp < nbf - slack:
        out.append(
            _violation(
                "signed_metadata_not_yet_valid",
                f"the signed metadata is not valid before {_when(nbf)} (now {now.isoformat()})",
                kind=kind,
            )
        )
    _numeric_date(claims, "iat", out, kind)
    return out


def _when(timestamp: float) -> str:
    try:
        return datetime.fromtimestamp(timestamp, UTC).isoformat()
    except (OverflowError, OSError, ValueError):
        return repr(timestamp)


def _apply(metadata: _M, claims: Mapping[str, object], *, strict: bool) -> _M:
    """The plain document with the signed claims laid over it, checked by the parse function."""
    kind = metadata._kind  # noqa: SLF001
    signed = {k: v for k, v in claims.items() if k not in _NOT_MERGED}
    # RFC 9728 §2.1: resource_name and resource_name#de are one item in two languages; a signed
    # item replaces every plain form of it, so an unsigned translation cannot stand beside it.
    items = {translated_member(k) or k for k in signed} & LOCALIZABLE
    merged = {
        k: v for k, v in metadata.to_dict().items() if (translated_member(k) or k) not in items
    }
    merged.update(signed)
    merged_kind = f"{kind} with its signed_metadata applied"
    try:
        if isinstance(metadata, AuthorizationServerMetadata):
            return parse_authorization_server_metadata(
                merged, expected_issuer=metadata.issuer, strict=strict
            )
        return parse_protected_resource_metadata(
            merged, expected_resource=metadata.resource, strict=strict
        )
    except MetadataError as exc:
        raise MetadataError(exc.violations, kind=merged_kind) from None


# -- the public function -----------------------------------------------------------------------


def verify_signed_metadata(
    metadata: _M,
    keys: Mapping[str, object],
    *,
    algorithms: Collection[str] | None = None,
    trusted_issuers: Collection[str] | None = None,
    audience: str | None = None,
    now: datetime | None = None,
    leeway: timedelta = _ZERO,
    required: bool = True,
    strict: bool = True,
) -> _M:
    """Verify a document's ``signed_metadata`` and apply it (RFC 8414 §2.1, RFC 9728 §2.2).

    Needs the ``jose`` extra (``pip install 'rfcauth[jose]'``). The signature is checked with
    `keys` by joserfc; ``iss`` against `trusted_issuers`; ``exp``, ``nbf`` and ``aud`` as
    RFC 7519 §4.1 asks. The signed claims then take precedence over the plain members (the JWT
    registered claims and a nested ``signed_metadata`` are not metadata and are not merged), and
    the merged document is checked by the strict parse function with the plain document's
    ``issuer`` / ``resource`` as the expected identifier.

    Args:
        metadata: the plain document, as parsed by `parse_authorization_server_metadata` or
            `parse_protected_resource_metadata`.
        keys: the keys trusted to attest this metadata: a JWK Set (``{"keys": [...]}``,
            RFC 7517 §5; members of a ``kty`` joserfc does not know are skipped) or one JWK.
            Where they come from is the caller's trust decision, not the document's.
        algorithms: the JWS algorithms to accept; default `DEFAULT_SIGNED_METADATA_ALGORITHMS`
            (asymmetric only). ``none`` is refused.
        trusted_issuers: if given, ``iss`` (the party attesting the claims) must be one of them.
        audience: this consumer's identifier; a JWT with an ``aud`` claim is refused unless it
            names `audience` (RFC 7519 §4.1.3).
        now: the current time (timezone-aware), for ``exp`` and ``nbf``; default: the clock.
        leeway: clock skew allowed on ``exp`` and ``nbf``.
        required: with ``False``, a document without ``signed_metadata`` is returned as it is;
            with ``True`` (the default) it fails with ``signed_metadata_missing``, so that a
            caller who relies on attested values never gets unattested ones silently.
        strict: passed to the parse function that checks the merged document.

    Returns:
        A new model of the same type: the plain members overridden by the signed ones.

    Raises:
        MetadataError: ``signed_metadata`` is missing (if `required`), malformed, unsigned, of
            a disallowed ``alg``, has no fitting key or a bad signature, fails a claim check,
            or the merged document breaks a metadata rule.
        UsageError: an argument is unusable (bad key material, ``none`` in `algorithms`, a naive
            `now`), or joserfc is not installed.

    >>> from joserfc import jws, jwk
    >>> from rfcauth import parse_protected_resource_metadata
    >>> key = jwk.ECKey.generate_key("P-256")  # the attesting party's key
    >>> signed = jws.serialize_compact(
    ...     {"alg": "ES256"}, b'{"iss": "https://mcp.example", "resource_name": "Signed"}', key)
    >>> prm = parse_protected_resource_metadata(
    ...     {"resource": "https://mcp.example", "resource_name": "Plain",
    ...      "signed_metadata": signed})
    >>> verify_signed_metadata(prm, key.as_dict(private=False)).resource_name
    'Signed'
    """
    if not isinstance(metadata, (AuthorizationServerMetadata, ProtectedResourceMetadata)):
        raise UsageError(
            "verify_signed_metadata takes an AuthorizationServerMetadata or "
            f"ProtectedResourceMetadata, not {type(metadata).__name__}"
        )
    _require_jose()
    allowed = _allowed_algorithms(algorithms)
    key_list = _import_keys(keys)
    trusted = _check_issuers(trusted_issuers)
    if audience is not None and not isinstance(audience, str):
        raise UsageError(f"audience must be a str or None, not {audience!r}")
    if not isinstance(leeway, timedelta) or leeway < _ZERO:
        raise UsageError(f"leeway must be a non-negative timedelta, not {leeway!r}")
    clock = _check_now(now)
    kind = metadata._kind  # noqa: SLF001

    value = metadata.signed_metadata
    if value is None:
        if required:
            raise _fail("signed_metadata_missing", "the document has no signed_metadata", kind=kind)
        return metadata
    if not isinstance(value, str):  # a model built without the parse functions
        raise _fail("signed_metadata_malformed", "signed_metadata is not a string", kind=kind)
    problem = jws_problem(value)
    if problem is not None:
        raise _fail(problem[0], problem[1], kind=kind)

    payload = _verified_payload(value, key_list, allowed, kind=kind)
    claims = _claims(payload, kind=kind)
    violations = _check_claims(
        claims, kind=kind, trusted=trusted, audience=audience, now=clock, leeway=leeway
    )
    if violations:
        raise MetadataError(violations, kind=kind)

    return _apply(metadata, claims, strict=strict)
