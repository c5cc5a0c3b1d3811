"""DPoP (RFC 9449): proofs of possession for token and resource requests, and server nonces.

Theory of operation. A client that wants sender-constrained tokens holds one asymmetric key pair
for the session (`DPoPKey`). Every request to the token endpoint and every request that presents a
DPoP-bound access token carries a fresh proof: a JWT of type ``dpop+jwt`` signed with that key,
whose header holds the public key and whose claims name the request (``htm``, ``htu``), a unique
``jti``, ``iat``, and, with an access token, ``ath``, the token's hash (RFC 9449 §4.2). A server may
demand that proofs carry a nonce it chose: the authorization server answers ``400
error=use_dpop_nonce`` (§8), the resource server ``401`` with a ``DPoP error="use_dpop_nonce"``
challenge (§9), both with a ``DPoP-Nonce`` header; the client retries once with that nonce and keeps
using the newest nonce each server sent. `DPoPKey` remembers nonces per origin.

Everything here is sans-I/O: it builds header values and reads responses a caller has already
received. Signing is joserfc's; nothing cryptographic is written here.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import threading
import time
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit, urlunsplit

from rfcauth._errors import ChallengeParseError, UsageError
from rfcauth.challenge import parse_www_authenticate
from rfcauth.grammar._abnf import SCOPE_TOKEN

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from joserfc.jwk import ECKey, OKPKey, RSAKey

__all__ = [
    "DPOP_ALGORITHMS",
    "DPoPKey",
    "access_token_hash",
    "choose_dpop_algorithm",
    "proof_htu",
    "use_dpop_nonce",
]

#: The asymmetric JWS algorithms this module signs proofs with, most preferred first. RFC 9449 §4.2:
#: "MUST NOT be none or an identifier for a symmetric algorithm (Message Authentication Code)".
#: Ed25519 is the fully specified name RFC 9864 gives what ``EdDSA`` meant for that curve (joserfc
#: refuses the deprecated polymorphic ``EdDSA``).
DPOP_ALGORITHMS: Final = ("ES256", "Ed25519", "PS256", "RS256", "ES384", "ES512")
_EC_CURVES: Final = {"ES256": "P-256", "ES384": "P-384", "ES512": "P-521"}
_RSA_BITS: Final = 2048
#: RFC 9449 §8.1 (and §9): ``DPoP-Nonce = 1*NQCHAR``, the same production as RFC 6749's
#: ``scope-token = 1*NQCHAR``, so the generated rule is reused rather than spelled again.
_NONCE: Final = re.compile(SCOPE_TOKEN)
_USE_DPOP_NONCE: Final = "use_dpop_nonce"
_BAD_REQUEST: Final = 400
_UNAUTHORIZED: Final = 401


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def access_token_hash(access_token: str) -> str:
    """The ``ath`` claim for an access token (RFC 9449 §4.2).

    "The value MUST be the result of a base64url encoding (as defined in Section 2 of [RFC7515])
    the SHA-256 [SHS] hash of the ASCII encoding of the associated access token's value."

    >>> access_token_hash("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU")
    'fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo'
    """
    try:
        encoded = access_token.encode("ascii")
    except UnicodeEncodeError as exc:
        raise UsageError("an access token is ASCII (RFC 6749 Appendix A.12)") from exc
    return _b64url(hashlib.sha256(encoded).digest())


def proof_htu(url: str) -> str:
    """The ``htu`` claim for a request URL: the URL "without query and fragment parts" (§4.2).

    >>> proof_htu("https://server.example.com/token?x=1#frag")
    'https://server.example.com/token'
    """
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise UsageError(f"a DPoP proof is for an http(s) request URL, not {url!r}")
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def choose_dpop_algorithm(supported: Iterable[str] | None) -> str | None:
    """The algorithm to sign proofs with, given ``dpop_signing_alg_values_supported``.

    RFC 9449 §5.1: the authorization server metadata member lists "the JWS alg values supported by
    the authorization server for DPoP proof JWTs". Returns this module's most preferred algorithm
    that the server lists, or None when the server lists none it can use (or does not advertise
    DPoP at all: None in, None out). ``none`` and symmetric algorithms are never chosen.

    >>> choose_dpop_algorithm(["RS256", "ES256"]), choose_dpop_algorithm(["none", "HS256"])
    ('ES256', None)
    """
    if supported is None:
        return None
    offered = {value for value in supported if isinstance(value, str)}
    return next((alg for alg in DPOP_ALGORITHMS if alg in offered), None)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def _header(headers: Mapping[str, str], name: str) -> str | None:
    """A header's value from a mapping whose key case may be anything (httpx's is insensitive)."""
    value = headers.get(name)
    if value is not None:
        return value
    lowered = name.lower()
    return next((v for k, v in headers.items() if k.lower() == lowered), None)


def use_dpop_nonce(status: int, headers: Mapping[str, str], body: bytes = b"") -> str | None:
    """The nonce a server demands, when a response is a ``use_dpop_nonce`` challenge; else None.

    RFC 9449 §8 (authorization server): ``400`` with the JSON error ``use_dpop_nonce`` and a
    ``DPoP-Nonce`` header. §9 (resource server): ``401`` with a ``WWW-Authenticate: DPoP
    error="use_dpop_nonce"`` challenge and a ``DPoP-Nonce`` header. A nonce that is not
    ``1*NQCHAR`` (§8.1) is not a nonce: None.

    >>> use_dpop_nonce(400, {"DPoP-Nonce": "eyJ7S_zG.eyJH0-Z.HX4w-7v"},
    ...                b'{"error": "use_dpop_nonce"}')
    'eyJ7S_zG.eyJH0-Z.HX4w-7v'
    """
    nonce = _header(headers, "DPoP-Nonce")
    if nonce is None or _NONCE.fullmatch(nonce) is None:
        return None
    if status == _BAD_REQUEST and _json_error(body) == _USE_DPOP_NONCE:
        return nonce
    if status == _UNAUTHORIZED and _challenges_use_dpop_nonce(_header(headers, "WWW-Authenticate")):
        return nonce
    return None


def _json_error(body: bytes) -> object:
    """The ``error`` member of an RFC 6749 §5.2 error response, or None."""
    try:
        document = json.loads(body)
    except ValueError:
        return None
    return document.get("error") if isinstance(document, dict) else None


def _challenges_use_dpop_nonce(field: str | None) -> bool:
    """Whether a ``WWW-Authenticate`` value holds ``DPoP error="use_dpop_nonce"`` (§9)."""
    if field is None:
        return False
    try:
        challenges = parse_www_authenticate(field)
    except ChallengeParseError:
        return False
    return any(c.is_scheme("DPoP") and c.params.get("error") == _USE_DPOP_NONCE for c in challenges)


class DPoPKey:
    """One DPoP key pair for a session, and the nonces the servers it talks to handed out.

    The private key never leaves this object: `repr` shows the algorithm and the public key's
    thumbprint only. Thread-safe: nonces are kept under a lock.

    >>> key = DPoPKey.generate("ES256")
    >>> proof = key.proof("POST", "https://as.example/token")
    >>> proof.count("."), key.algorithm
    (2, 'ES256')
    """

    __slots__ = ("_algorithm", "_key", "_lock", "_nonces", "_public_jwk")

    def __init__(self, key: ECKey | OKPKey | RSAKey, *, algorithm: str) -> None:
        """Wrap a private joserfc key for ``algorithm`` (one of `DPOP_ALGORITHMS`)."""
        if algorithm not in DPOP_ALGORITHMS:
            raise UsageError(
                f"DPoP proofs use an asymmetric algorithm ({', '.join(DPOP_ALGORITHMS)}), "
                f"not {algorithm!r} (RFC 9449 §4.2)"
            )
        if not key.is_private:
            raise UsageError("a DPoP key needs its private part to sign proofs")
        self._key = key
        self._algorithm = algorithm
        self._public_jwk: dict[str, object] = dict(key.as_dict(private=False))
        for member in ("kid", "use", "key_ops", "alg"):
            self._public_jwk.pop(member, None)
        self._nonces: dict[str, str] = {}
        self._lock = threading.Lock()

    @classmethod
    def generate(cls, algorithm: str = "ES256") -> DPoPKey:
        """A fresh key pair for ``algorithm``."""
        from joserfc.jwk import ECKey, OKPKey, RSAKey  # noqa: PLC0415 -- the jose extra, lazily

        key: ECKey | OKPKey | RSAKey
        if algorithm in _EC_CURVES:
            key = ECKey.generate_key(_EC_CURVES[algorithm])
        elif algorithm == "Ed25519":
            key = OKPKey.generate_key("Ed25519")
        elif algorithm in {"PS256", "RS256"}:
            key = RSAKey.generate_key(_RSA_BITS)
        else:
            raise UsageError(f"no DPoP key type for {algorithm!r}; use one of {DPOP_ALGORITHMS}")
        return cls(key, algorithm=algorithm)

    @property
    def algorithm(self) -> str:
        """The JWS algorithm of every proof (the ``alg`` header)."""
        return self._algorithm

    @property
    def public_jwk(self) -> dict[str, object]:
        """The public key as a JWK (the proof's ``jwk`` header); never the private part."""
        return dict(self._public_jwk)

    @property
    def thumbprint(self) -> str:
        """The JWK SHA-256 thumbprint (RFC 7638), the ``jkt`` a bound token names (§6.1)."""
        return str(self._key.thumbprint())

    def __repr__(self) -> str:
        """The algorithm and thumbprint only: a key's private part is never shown."""
        return f"DPoPKey(algorithm={self._algorithm!r}, jkt={self.thumbprint!r})"

    def remember_nonce(self, url: str, nonce: str) -> None:
        """Keep ``nonce`` for later proofs to ``url``'s origin, until it sends a newer one (§8).

        A value that is not ``1*NQCHAR`` is ignored.
        """
        if _NONCE.fullmatch(nonce) is None:
            return
        with self._lock:
            self._nonces[_origin(url)] = nonce

    def observe(self, url: str, headers: Mapping[str, str]) -> None:
        """Keep the ``DPoP-Nonce`` of any response from ``url``, if it carries one (§8, §9)."""
        nonce = _header(headers, "DPoP-Nonce")
        if nonce is not None:
            self.remember_nonce(url, nonce)

    def nonce_for(self, url: str) -> str | None:
        """The newest nonce ``url``'s origin handed out, if any."""
        with self._lock:
            return self._nonces.get(_origin(url))

    def proof(
        self,
        method: str,
        url: str,
        *,
        access_token: str | None = None,
        nonce: str | None = None,
        now: float | None = None,
    ) -> str:
        """A fresh DPoP proof JWT for one request (RFC 9449 §4.2), the ``DPoP`` header's value.

        Args:
            method: the request's HTTP method (``htm``).
            url: the request's URL; ``htu`` is it without query and fragment.
            access_token: the access token the request presents, if any (adds ``ath``).
            nonce: the server's nonce; when None, the newest one remembered for the origin.
            now: the ``iat`` time in seconds since the epoch (tests pin it); defaults to now.

        Returns:
            The compact JWS.
        """
        from joserfc import jwt  # noqa: PLC0415 -- the jose extra, lazily

        if not method or not method.isascii() or not method.isalpha():
            raise UsageError(f"not an HTTP method: {method!r}")
        claims: dict[str, object] = {
            "jti": secrets.token_urlsafe(24),
            "htm": method,
            "htu": proof_htu(url),
            "iat": int(time.time() if now is None else now),
        }
        if access_token is not None:
            claims["ath"] = access_token_hash(access_token)
        chosen = nonce if nonce is not None else self.nonce_for(url)
        if chosen is not None:
            claims["nonce"] = chosen
        header = {"typ": "dpop+jwt", "alg": self._algorithm, "jwk": self.public_jwk}
        return str(jwt.encode(header, claims, self._key, algorithms=[self._algorithm]))
