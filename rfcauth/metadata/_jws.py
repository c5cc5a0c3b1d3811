"""Structural check of ``signed_metadata`` (RFC 8414 §2.1, RFC 9728 §2.2).

RFC 7515 §7.1: ``BASE64URL(UTF8(JWS Protected Header)) || '.' || BASE64URL(JWS Payload) || '.'
|| BASE64URL(JWS Signature)``. This module checks that shape, that the header and the claims are
JSON objects, that ``alg`` is not ``none`` and that the claims carry ``iss``. It verifies no
signature: that needs the issuer's keys and a JOSE library, and the RFCs let a consumer that does
not verify ignore ``signed_metadata`` altogether.
"""

from __future__ import annotations

import base64
import binascii
import json
import re

__all__ = ["jws_problem"]

# RFC 7515 §2: base64url without padding.
_SEGMENT = re.compile(r"[A-Za-z0-9_-]+")


def _decode_object(segment: str) -> dict[str, object] | None:
    if _SEGMENT.fullmatch(segment) is None or len(segment) % 4 == 1:
        return None
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
        value = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except (binascii.Error, UnicodeDecodeError, ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _no_constant(name: str) -> object:
    raise ValueError(name)


def jws_problem(value: str) -> tuple[str, str] | None:  # noqa: PLR0911 - one exit per finding
    """`(rule id, message)` for the first structural problem of a compact JWS, or `None`.

    >>> jws_problem("eyJhbGciOiJub25lIn0.eyJpc3MiOiJodHRwczovL2EifQ.")[0]
    'signed_metadata_alg_none'
    """
    parts = value.split(".")
    if len(parts) != 3:  # noqa: PLR2004 - header.payload.signature
        return (
            "signed_metadata_malformed",
            f"it is not a JWS compact serialization: {len(parts)} dot-separated parts, not 3",
        )
    header = _decode_object(parts[0])
    if header is None:
        return ("signed_metadata_malformed", "the JWS header is not base64url-encoded JSON object")
    alg = header.get("alg")
    if not isinstance(alg, str):
        return ("signed_metadata_malformed", "the JWS header has no string 'alg'")
    if alg.lower() == "none":  # RFC 7518 §3.6; other cases too, which some libraries accept
        return ("signed_metadata_alg_none", f"it is not signed: its 'alg' is {alg!r}")
    if not parts[2]:
        return (
            "signed_metadata_malformed",
            f"the JWS signature is empty although 'alg' is {alg!r}",
        )
    if _SEGMENT.fullmatch(parts[2]) is None:
        return ("signed_metadata_malformed", "the JWS signature is not base64url")
    claims = _decode_object(parts[1])
    if claims is None:
        return (
            "signed_metadata_malformed",
            "the JWS payload is not a base64url-encoded JSON object",
        )
    if not isinstance(claims.get("iss"), str):
        return ("signed_metadata_missing_iss", "the signed metadata has no string 'iss' claim")
    return None
