"""The HTTP layer: the OAuth driver, DPoP (RFC 9449), token requests without a user.

The driver is the whole OAuth login as an ``httpx2.Auth`` (`OAuthFlow`).

::

    _flow.py               OAuthFlow: the httpx2.Auth (sync and async) a client plugs in
    _login.py              Login: the sans-I/O login (discovery, registration, authorization,
                           token, refresh)
    _speculate.py          speculate: which discovery GETs may be needed next (fetched together)
    _fetch.py              Fetcher, Limits: the driver's own requests (no redirects, caps,
                           timeouts)
    _guard.py              the safety rules: http only on loopback, connect-time address check
    _cache.py              MetadataCache: RFC 9111 freshness and revalidation, per resource
    _storage.py            Storage, MemoryStorage, FileStorage (0600): tokens and registrations
    _redirect.py           RedirectHandler, LoopbackBrowser, FollowRedirects
    _values.py             Call, Reply, Tokens, ClientRegistration, Step
    _errors.py             LoginError
    _testserver.py         loopback OAuth worlds for tests, benchmarks and demos
    _httpx.py              HttpxOAuthFlow: the same flow for httpx clients (loaded on use)
    _dpop.py, _dpop_auth.py               DPoP proofs and keys (RFC 9449)
    _client_credentials.py, _token_exchange.py   token requests without a user

Needs the ``http`` extra (``pip install 'rfcauth[http]'``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rfcauth.http._cache import MetadataCache
from rfcauth.http._client_credentials import (
    CLIENT_ASSERTION_TYPE_JWT,
    GRANT_CLIENT_CREDENTIALS,
    GRANT_JWT_BEARER,
    ClientAuthentication,
    TokenError,
    TokenRequest,
    TokenResponse,
    choose_client_authentication,
    client_credentials_request,
    jwt_bearer_request,
    parse_token_response,
)
from rfcauth.http._dpop import (
    DPOP_ALGORITHMS,
    DPoPKey,
    access_token_hash,
    choose_dpop_algorithm,
    proof_htu,
    use_dpop_nonce,
)
from rfcauth.http._errors import LoginError
from rfcauth.http._fetch import Limits
from rfcauth.http._flow import OAuthFlow
from rfcauth.http._redirect import FollowRedirects, LoopbackBrowser, RedirectHandler
from rfcauth.http._speculate import speculate
from rfcauth.http._storage import FileStorage, MemoryStorage, Storage
from rfcauth.http._token_exchange import (
    GRANT_TOKEN_EXCHANGE,
    TOKEN_TYPE_ID_JAG,
    TOKEN_TYPE_ID_TOKEN,
    id_jag_request,
    token_exchange_request,
)
from rfcauth.http._values import Call, ClientRegistration, Reply, Step, Tokens

if TYPE_CHECKING:
    from rfcauth.http._httpx import HttpxOAuthFlow

__all__ = [
    "CLIENT_ASSERTION_TYPE_JWT",
    "DPOP_ALGORITHMS",
    "GRANT_CLIENT_CREDENTIALS",
    "GRANT_JWT_BEARER",
    "GRANT_TOKEN_EXCHANGE",
    "TOKEN_TYPE_ID_JAG",
    "TOKEN_TYPE_ID_TOKEN",
    "Call",
    "ClientAuthentication",
    "ClientRegistration",
    "DPoPKey",
    "FileStorage",
    "FollowRedirects",
    "HttpxOAuthFlow",
    "Limits",
    "LoginError",
    "LoopbackBrowser",
    "MemoryStorage",
    "MetadataCache",
    "OAuthFlow",
    "RedirectHandler",
    "Reply",
    "Step",
    "Storage",
    "TokenError",
    "TokenRequest",
    "TokenResponse",
    "Tokens",
    "access_token_hash",
    "choose_client_authentication",
    "choose_dpop_algorithm",
    "client_credentials_request",
    "id_jag_request",
    "jwt_bearer_request",
    "parse_token_response",
    "proof_htu",
    "speculate",
    "token_exchange_request",
    "use_dpop_nonce",
]


def __getattr__(name: str) -> object:
    """`HttpxOAuthFlow` imports ``httpx``: only when asked for (PEP 562)."""
    if name == "HttpxOAuthFlow":
        from rfcauth.http._httpx import HttpxOAuthFlow  # noqa: PLC0415 - httpx only on use

        return HttpxOAuthFlow
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
