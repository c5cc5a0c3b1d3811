"""Token requests a client makes without a user: client authentication and the assertion grants.

Theory of operation. Every request to a token endpoint is a ``POST`` of form parameters (RFC 6749
§3.2) that authenticates the client one of four ways (`ClientAuthentication`): HTTP Basic with the
client secret (``client_secret_basic``, RFC 6749 §2.3.1), the secret in the form
(``client_secret_post``), a JWT the client signs with its private key (``private_key_jwt``,
RFC 7523 §2.2 and OpenID Connect Core §9), or just its ``client_id`` (``none``, a public client).
The grant is what the form asks for: ``client_credentials`` (RFC 6749 §4.4), a JWT assertion
(``urn:ietf:params:oauth:grant-type:jwt-bearer``, RFC 7523 §2.1), or a token exchange (RFC 8693
§2.1, in `rfcauth.http._token_exchange`).

Everything is sans-I/O: functions return a `TokenRequest` (URL, headers, form) a caller sends with
any HTTP client, and `parse_token_response` reads the answer. Secrets never appear in a ``repr``.
Signing is joserfc's.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Final
from urllib.parse import quote_plus, urlencode

from rfcauth._errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

__all__ = [
    "CLIENT_ASSERTION_TYPE_JWT",
    "GRANT_CLIENT_CREDENTIALS",
    "GRANT_JWT_BEARER",
    "ClientAuthentication",
    "TokenError",
    "TokenRequest",
    "TokenResponse",
    "choose_client_authentication",
    "client_credentials_request",
    "jwt_bearer_request",
    "parse_token_response",
]
# `_request` is shared with the token exchange module of this package.

GRANT_CLIENT_CREDENTIALS: Final = "client_credentials"
#: RFC 7523 §2.1: "The value of the "grant_type" is "urn:ietf:params:oauth:grant-type:jwt-bearer"."
GRANT_JWT_BEARER: Final = "urn:ietf:params:oauth:grant-type:jwt-bearer"
#: RFC 7523 §2.2: the ``client_assertion_type`` of a JWT client assertion.
CLIENT_ASSERTION_TYPE_JWT: Final = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
#: The four methods this module can authenticate with (RFC 7591 §2 names them).
METHODS: Final = ("client_secret_basic", "client_secret_post", "private_key_jwt", "none")
#: How long a client assertion is valid: RFC 7523 §3 item 4 asks for an ``exp``; a short life
#: limits replay.
ASSERTION_LIFETIME_S: Final = 300
#: Form members whose values are secrets: shown as ``***`` in a ``repr``.
_SECRET_FORM: Final = frozenset(
    {"client_secret", "client_assertion", "assertion", "subject_token", "actor_token", "code"}
)
_SECRET_HEADERS: Final = frozenset({"authorization", "dpop"})
#: The JWK key type of each asymmetric JWS algorithm family (RFC 7518 §3.1), by name prefix.
_KEY_TYPES: Final = {"ES": "EC", "RS": "RSA", "PS": "RSA"}


def _frozen(mapping: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenRequest:
    """A token endpoint request, ready to send: ``POST url`` with `headers` and the `form` body.

    Attributes:
        url: the token endpoint.
        headers: the request headers (``Content-Type``, and ``Authorization`` for Basic).
        form: the form parameters, in order; `body` encodes them (RFC 6749 Appendix B).
    """

    url: str
    headers: Mapping[str, str]
    form: Mapping[str, str]

    def __post_init__(self) -> None:
        """Freeze the mappings."""
        object.__setattr__(self, "headers", _frozen(self.headers))
        object.__setattr__(self, "form", _frozen(self.form))

    @property
    def body(self) -> bytes:
        """The ``application/x-www-form-urlencoded`` body."""
        return urlencode(dict(self.form)).encode("ascii")

    def __repr__(self) -> str:
        """The request with every secret (secret, assertion, token, code) masked."""
        form = {k: "***" if k in _SECRET_FORM else v for k, v in self.form.items()}
        headers = {k: "***" if k.lower() in _SECRET_HEADERS else v for k, v in self.headers.items()}
        return f"TokenRequest(url={self.url!r}, headers={headers!r}, form={form!r})"


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientAuthentication:
    """How a client authenticates at the token endpoint (RFC 6749 §2.3, RFC 7523 §2.2).

    Build one with a class method; ``repr`` never shows the secret or the key.

    Attributes:
        method: ``client_secret_basic``, ``client_secret_post``, ``private_key_jwt`` or ``none``.
        client_id: the client identifier.
    """

    method: str
    client_id: str
    _secret: str | None = field(default=None, repr=False)
    _key: object | None = field(default=None, repr=False)
    _algorithm: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        """Check the method has what it needs."""
        if self.method not in METHODS:
            raise UsageError(f"unknown client authentication method {self.method!r}")
        if not self.client_id:
            raise UsageError("a client_id is required")
        if self.method.startswith("client_secret") and not self._secret:
            raise UsageError(f"{self.method} needs a client secret")
        if self.method == "private_key_jwt" and (self._key is None or not self._algorithm):
            raise UsageError("private_key_jwt needs a private key and its algorithm")

    @classmethod
    def basic(cls, client_id: str, client_secret: str) -> ClientAuthentication:
        """``client_secret_basic``: HTTP Basic with the form-encoded id and secret (§2.3.1)."""
        return cls(method="client_secret_basic", client_id=client_id, _secret=client_secret)

    @classmethod
    def post(cls, client_id: str, client_secret: str) -> ClientAuthentication:
        """``client_secret_post``: the id and secret as form parameters (§2.3.1)."""
        return cls(method="client_secret_post", client_id=client_id, _secret=client_secret)

    @classmethod
    def none(cls, client_id: str) -> ClientAuthentication:
        """``none``: a public client sends only its ``client_id`` (RFC 6749 §3.2.1)."""
        return cls(method="none", client_id=client_id)

    @classmethod
    def private_key_jwt(
        cls, client_id: str, private_key_pem: str | bytes, *, algorithm: str = "ES256"
    ) -> ClientAuthentication:
        """``private_key_jwt``: a JWT signed with the client's key (RFC 7523 §2.2, §3).

        Args:
            client_id: the client identifier (the assertion's ``iss`` and ``sub``).
            private_key_pem: the private key, PEM (PKCS#8 or the key type's own form).
            algorithm: the JWS algorithm (the authorization server's
                ``token_endpoint_auth_signing_alg_values_supported`` lists those it accepts).
        """
        from joserfc.errors import JoseError  # noqa: PLC0415 -- the jose extra, lazily
        from joserfc.jwk import JWKRegistry  # noqa: PLC0415

        key_type = _KEY_TYPES.get(algorithm[:2], "OKP" if algorithm == "Ed25519" else None)
        if key_type is None:
            raise UsageError(
                f"private_key_jwt signs with an asymmetric algorithm, not {algorithm!r}"
            )
        try:
            key = JWKRegistry.import_key(private_key_pem, key_type)
        except (JoseError, ValueError, TypeError) as exc:
            raise UsageError(f"not a private key this client can sign with: {exc}") from exc
        if not key.is_private:
            raise UsageError("private_key_jwt needs the private key, not the public one")
        return cls(method="private_key_jwt", client_id=client_id, _key=key, _algorithm=algorithm)

    def client_assertion(self, audience: str, *, now: float | None = None) -> str:
        """A signed client assertion for ``audience`` (RFC 7523 §3).

        ``iss`` and ``sub`` are the client_id (§3 items 1-2), ``aud`` the authorization server's
        issuer identifier (§3 item 3: "a value that identifies the authorization server as an
        intended audience"), ``exp`` five minutes on, a unique ``jti`` (items 4, 7).
        """
        from joserfc import jwt  # noqa: PLC0415 -- the jose extra, lazily
        from joserfc.jwk import ECKey, OKPKey, RSAKey  # noqa: PLC0415

        if self.method != "private_key_jwt" or self._algorithm is None:
            raise UsageError("only private_key_jwt signs client assertions")
        if not isinstance(self._key, ECKey | OKPKey | RSAKey):  # pragma: no cover - checked above
            raise UsageError("private_key_jwt needs an asymmetric key")
        issued = int(time.time() if now is None else now)
        claims = {
            "iss": self.client_id,
            "sub": self.client_id,
            "aud": audience,
            "jti": secrets.token_urlsafe(24),
            "iat": issued,
            "exp": issued + ASSERTION_LIFETIME_S,
        }
        header = {"alg": self._algorithm, "typ": "JWT"}
        return str(jwt.encode(header, claims, self._key, algorithms=[self._algorithm]))

    def apply(self, form: dict[str, str], headers: dict[str, str], *, issuer: str) -> None:
        """Add this authentication to a token request's form and headers.

        Args:
            form: the form parameters, updated in place.
            headers: the headers, updated in place.
            issuer: the authorization server's issuer identifier (a client assertion's ``aud``).
        """
        if self.method == "client_secret_basic":
            # RFC 6749 §2.3.1: "The client identifier is encoded using the
            # "application/x-www-form-urlencoded" encoding algorithm ..., and the encoded value is
            # used as the username; the client password is encoded using the same algorithm and
            # used as the password."
            user = quote_plus(self.client_id)
            password = quote_plus(self._secret or "")
            token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
            headers["Authorization"] = f"Basic {token}"
        elif self.method == "client_secret_post":
            form["client_id"] = self.client_id
            form["client_secret"] = self._secret or ""
        elif self.method == "private_key_jwt":
            form["client_assertion_type"] = CLIENT_ASSERTION_TYPE_JWT
            form["client_assertion"] = self.client_assertion(issuer)
        else:
            form["client_id"] = self.client_id


def choose_client_authentication(
    supported: Iterable[str] | None,
    *,
    client_id: str,
    client_secret: str | None = None,
    private_key_pem: str | bytes | None = None,
    signing_algorithms: Iterable[str] | None = None,
    registered: str | None = None,
) -> ClientAuthentication:
    """The client authentication to use with an authorization server, from what both sides have.

    RFC 8414 §2: ``token_endpoint_auth_methods_supported`` "If omitted, the default is
    client_secret_basic". A method the client registered (RFC 7591 §2
    ``token_endpoint_auth_method``) wins when the server supports it. Otherwise the first usable
    method in this order: ``private_key_jwt`` (no shared secret), ``client_secret_basic``,
    ``client_secret_post``, ``none`` (the client_id alone, which any client can send).

    Raises:
        UsageError: nothing the client holds matches what the server supports.
    """
    offered = list(supported) if supported is not None else ["client_secret_basic"]
    algorithms = list(signing_algorithms or [])
    algorithm = next(
        (a for a in ("ES256", "RS256", "PS256", "ES384", "ES512") if a in algorithms), None
    )

    def build(method: str) -> ClientAuthentication | None:
        if method == "private_key_jwt" and private_key_pem is not None:
            return ClientAuthentication.private_key_jwt(
                client_id, private_key_pem, algorithm=algorithm or "ES256"
            )
        if method == "client_secret_basic" and client_secret:
            return ClientAuthentication.basic(client_id, client_secret)
        if method == "client_secret_post" and client_secret:
            return ClientAuthentication.post(client_id, client_secret)
        if method == "none":
            # A public client, or a confidential one at a server that takes only client_id.
            return ClientAuthentication.none(client_id)
        return None

    order = [registered] if registered in offered else []
    order += ["private_key_jwt", "client_secret_basic", "client_secret_post", "none"]
    for method in order:
        if method in offered and (chosen := build(method)) is not None:
            return chosen
    raise UsageError(
        "no token endpoint authentication in common: the server supports "
        f"{', '.join(offered) or 'none listed'}; the client has "
        + ("a private key" if private_key_pem is not None else "")
        + ("a client secret" if client_secret else "")
        + ("only a client_id" if not client_secret and private_key_pem is None else "")
    )


def _request(
    token_endpoint: str,
    auth: ClientAuthentication,
    form: dict[str, str],
    *,
    issuer: str,
    scope: str | None,
    resource: str | None,
) -> TokenRequest:
    if scope:
        form["scope"] = scope
    if resource:
        # RFC 8707 §2: "resource ... indicates the target service or resource".
        form["resource"] = resource
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/json",
    }
    auth.apply(form, headers, issuer=issuer)
    return TokenRequest(url=token_endpoint, headers=headers, form=form)


def client_credentials_request(
    token_endpoint: str,
    auth: ClientAuthentication,
    *,
    issuer: str,
    scope: str | None = None,
    resource: str | None = None,
) -> TokenRequest:
    """A client credentials grant request (RFC 6749 §4.4.2; ``resource`` per RFC 8707 §2.2).

    >>> auth = ClientAuthentication.basic("my client", "s3cret")
    >>> req = client_credentials_request("https://as.example/token", auth,
    ...                                  issuer="https://as.example", scope="mcp")
    >>> req.body, req.headers["Authorization"]
    (b'grant_type=client_credentials&scope=mcp', 'Basic bXkrY2xpZW50OnMzY3JldA==')
    """
    if auth.method == "none":
        raise UsageError("the client credentials grant is for confidential clients (§4.4)")
    form = {"grant_type": GRANT_CLIENT_CREDENTIALS}
    return _request(token_endpoint, auth, form, issuer=issuer, scope=scope, resource=resource)


def jwt_bearer_request(
    token_endpoint: str,
    auth: ClientAuthentication,
    assertion: str,
    *,
    issuer: str,
    scope: str | None = None,
    resource: str | None = None,
) -> TokenRequest:
    """A JWT authorization grant request (RFC 7523 §2.1): the ``assertion`` is the grant.

    >>> req = jwt_bearer_request("https://as.example/token", ClientAuthentication.none("w"),
    ...                          "eyJ.eyJ.sig", issuer="https://as.example")
    >>> dict(req.form)["grant_type"]
    'urn:ietf:params:oauth:grant-type:jwt-bearer'
    """
    if not assertion:
        raise UsageError("a JWT bearer grant needs the assertion")
    form = {"grant_type": GRANT_JWT_BEARER, "assertion": assertion}
    return _request(token_endpoint, auth, form, issuer=issuer, scope=scope, resource=resource)


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenResponse:
    """A successful token response (RFC 6749 §5.1); the token never appears in a ``repr``.

    Attributes:
        access_token: the access token.
        token_type: as issued (``Bearer``, ``DPoP``, ``N_A`` for RFC 8693 non-access tokens).
        expires_in: lifetime in seconds, when given.
        refresh_token: when issued.
        scope: the granted scope, when given.
        issued_token_type: RFC 8693 §2.2.1, when given.
        extra: every other member, as received.
    """

    access_token: str = field(repr=False)
    token_type: str
    expires_in: int | None = None
    refresh_token: str | None = field(default=None, repr=False)
    scope: str | None = None
    issued_token_type: str | None = None
    extra: Mapping[str, object] = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenError:
    """An error response from a token endpoint (RFC 6749 §5.2), or an unreadable answer.

    Attributes:
        status: the HTTP status.
        error: the ``error`` code (``invalid_grant``, ...); ``invalid_response`` when the body is
            not an RFC 6749 §5.2 error document.
        description: ``error_description``, when given.
    """

    status: int
    error: str
    description: str | None = None

    def __str__(self) -> str:
        """``error: description (HTTP status)``."""
        detail = f": {self.description}" if self.description else ""
        return f"{self.error}{detail} (HTTP {self.status})"


_OK: Final = 200


def parse_token_response(status: int, body: bytes) -> TokenResponse | TokenError:
    """Read a token endpoint's answer (RFC 6749 §5.1 success, §5.2 error). Never raises.

    >>> parse_token_response(200, b'{"access_token": "t", "token_type": "Bearer"}').token_type
    'Bearer'
    >>> str(parse_token_response(400, b'{"error": "invalid_grant"}'))
    'invalid_grant (HTTP 400)'
    """
    try:
        document = json.loads(body)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        return TokenError(status=status, error="invalid_response", description="not a JSON object")
    if status != _OK:
        error = document.get("error")
        description = document.get("error_description")
        return TokenError(
            status=status,
            error=error if isinstance(error, str) else "invalid_response",
            description=description if isinstance(description, str) else None,
        )
    token, token_type = document.get("access_token"), document.get("token_type")
    if not isinstance(token, str) or not token or not isinstance(token_type, str):
        return TokenError(
            status=status,
            error="invalid_response",
            description="access_token and token_type are REQUIRED strings (RFC 6749 §5.1)",
        )
    expires_in = document.get("expires_in")
    refresh, scope = document.get("refresh_token"), document.get("scope")
    issued = document.get("issued_token_type")
    known = {"access_token", "token_type", "expires_in", "refresh_token", "scope"}
    return TokenResponse(
        access_token=token,
        token_type=token_type,
        expires_in=expires_in if type(expires_in) is int else None,
        refresh_token=refresh if isinstance(refresh, str) else None,
        scope=scope if isinstance(scope, str) else None,
        issued_token_type=issued if isinstance(issued, str) else None,
        extra={k: v for k, v in document.items() if k not in known | {"issued_token_type"}},
    )
