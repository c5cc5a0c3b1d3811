"""Fuzz `verify_signed_metadata` (RFC 8414 §2.1, RFC 9728 §2.2) with real signatures.

Input layout: one byte of flags (below), then ``header \\0 payload``. In *signed* mode the
harness signs ``header`` and ``payload`` (any bytes: the fuzzer shapes the JOSE header and
the claims set) with a fixed Ed25519 key, so the fuzzer gets past the signature and exercises
the claim checks and the merge; in *raw* mode ``header`` is the ``signed_metadata`` value
itself, to exercise the JWS structure checks.

Invariants:
- nothing but `MetadataError` escapes for any document (keys and options are valid);
- a verified result has the same type as the plain document and keeps its identifier (`issuer`
  / `resource`): signed claims never move a document to another issuer or resource;
- every signed claim that is not a JWT registered claim is what the result holds.

Run: ``python tests/fuzz/fuzz_signed.py [libFuzzer flags] [corpus dirs]``.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from fuzzkit import InvariantError, fuzz

from rfcauth import (
    MetadataError,
    parse_authorization_server_metadata,
    parse_protected_resource_metadata,
    verify_signed_metadata,
)

#: option flags (the first byte of the input)
ASM = 0x01
SIGN = 0x02
NOT_REQUIRED = 0x04
TOLERANT = 0x08
TRUSTED_ISSUERS = 0x10
AUDIENCE = 0x20
ALGORITHMS = 0x40

_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))  # fixed: seeds stay valid


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


KEYS = {
    "keys": [
        {
            "kty": "OKP",
            "crv": "Ed25519",
            "kid": "k1",
            "x": _b64(_KEY.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)),
        },
        {  # a second key of another type, so that key selection has a choice to make
            "kty": "EC",
            "crv": "P-256",
            "kid": "k2",
            "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
            "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
        },
    ]
}
ISSUER = "https://as.example.com"
RESOURCE = "https://mcp.example.com/mcp"
PLAIN_ASM = {
    "issuer": ISSUER,
    "authorization_endpoint": f"{ISSUER}/authorize",
    "token_endpoint": f"{ISSUER}/token",
    "response_types_supported": ["code"],
    "code_challenge_methods_supported": ["S256"],
}
PLAIN_PRM = {"resource": RESOURCE, "authorization_servers": [ISSUER], "resource_name": "Plain"}
NOW = datetime(2026, 1, 1, tzinfo=UTC)
#: JWT registered claims (RFC 7519 §4.1) and the nested member: not metadata, not merged
NOT_MERGED = frozenset({"iss", "sub", "aud", "exp", "nbf", "iat", "jti", "signed_metadata"})


def sign(header: bytes, payload: bytes) -> str:
    """A compact JWS over `header` and `payload` exactly as given (RFC 7515 §7.1)."""
    signing_input = f"{_b64(header)}.{_b64(payload)}"
    return f"{signing_input}.{_b64(_KEY.sign(signing_input.encode('ascii')))}"


def _claims(payload: bytes) -> dict[str, object] | None:
    try:
        value = json.loads(payload)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def check(data: bytes) -> None:
    """One input: see the module docstring for the invariants."""
    flags = data[0] if data else 0
    header, _, payload = data[1:].partition(b"\0")
    value = sign(header, payload) if flags & SIGN else header.decode("iso-8859-1")
    parse = (
        parse_authorization_server_metadata if flags & ASM else parse_protected_resource_metadata
    )
    plain = dict(PLAIN_ASM if flags & ASM else PLAIN_PRM, signed_metadata=value)
    try:
        document = parse(plain, strict=not flags & TOLERANT)
    except MetadataError:
        return  # the structural signed_metadata rules refused it: the parser's own harness
    try:
        result = verify_signed_metadata(
            document,
            KEYS,
            algorithms=("Ed25519", "ES256") if flags & ALGORITHMS else None,
            trusted_issuers=("https://signer.example",) if flags & TRUSTED_ISSUERS else None,
            audience="https://client.example" if flags & AUDIENCE else None,
            now=NOW,
            required=not flags & NOT_REQUIRED,
            strict=not flags & TOLERANT,
        )
    except MetadataError:
        return
    if type(result) is not type(document):
        raise InvariantError("verify_signed_metadata changed the document's type")
    identifier = "issuer" if flags & ASM else "resource"
    if getattr(result, identifier) != getattr(document, identifier):
        raise InvariantError(f"the signed claims moved {identifier}")
    claims = _claims(payload) if flags & SIGN else None
    if claims is not None:
        merged = result.to_dict()
        for name, claim in claims.items():
            if name not in NOT_MERGED and merged.get(name) != claim:
                raise InvariantError(f"signed claim {name!r} is not what the result holds")


if __name__ == "__main__":
    fuzz(check)
