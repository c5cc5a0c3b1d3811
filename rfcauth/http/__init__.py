"""The HTTP layer: DPoP proofs (RFC 9449) and token requests a client makes without a user."""

from __future__ import annotations

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
from rfcauth.http._token_exchange import (
    GRANT_TOKEN_EXCHANGE,
    TOKEN_TYPE_ID_JAG,
    TOKEN_TYPE_ID_TOKEN,
    id_jag_request,
    token_exchange_request,
)

__all__ = [
    "CLIENT_ASSERTION_TYPE_JWT",
    "DPOP_ALGORITHMS",
    "GRANT_CLIENT_CREDENTIALS",
    "GRANT_JWT_BEARER",
    "GRANT_TOKEN_EXCHANGE",
    "TOKEN_TYPE_ID_JAG",
    "TOKEN_TYPE_ID_TOKEN",
    "ClientAuthentication",
    "DPoPKey",
    "TokenError",
    "TokenRequest",
    "TokenResponse",
    "access_token_hash",
    "choose_client_authentication",
    "choose_dpop_algorithm",
    "client_credentials_request",
    "id_jag_request",
    "jwt_bearer_request",
    "parse_token_response",
    "proof_htu",
    "token_exchange_request",
    "use_dpop_nonce",
]
