"""Token exchange (RFC 8693) and the enterprise-managed authorization it enables.

Theory of operation. An enterprise identity provider (IdP) already signed the user in and holds an
ID token for the client. In enterprise-managed authorization (the MCP extension also known as
cross-app access; the IETF draft "Identity Assertion JWT Authorization Grant") the client:

1. exchanges that ID token at the IdP's token endpoint for an *identity assertion JWT
   authorization grant* (ID-JAG): an RFC 8693 token exchange with
   ``requested_token_type=urn:ietf:params:oauth:token-type:id-jag``, ``audience`` the MCP server's
   authorization server (its issuer identifier) and ``resource`` the MCP server;
2. presents the ID-JAG to that authorization server as an RFC 7523 JWT bearer grant
   (`rfcauth.http.jwt_bearer_request`), authenticating as itself there.

This module builds step 1's request; step 2 is the JWT bearer grant. Sans-I/O like its siblings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from rfcauth._errors import UsageError
from rfcauth.http._client_credentials import TokenRequest, _request

if TYPE_CHECKING:
    from rfcauth.http._client_credentials import ClientAuthentication

__all__ = [
    "GRANT_TOKEN_EXCHANGE",
    "TOKEN_TYPE_ID_JAG",
    "TOKEN_TYPE_ID_TOKEN",
    "id_jag_request",
    "token_exchange_request",
]

#: RFC 8693 §2.1: "The value urn:ietf:params:oauth:grant-type:token-exchange indicates that a
#: token exchange is being performed."
GRANT_TOKEN_EXCHANGE: Final = "urn:ietf:params:oauth:grant-type:token-exchange"  # noqa: S105 -- a URI
#: RFC 8693 §3: "Indicates that the token is an ID Token as defined in Section 2 of
#: [OpenID.Core]."
TOKEN_TYPE_ID_TOKEN: Final = "urn:ietf:params:oauth:token-type:id_token"  # noqa: S105 -- a URI
#: The Identity Assertion JWT Authorization Grant's token type.
TOKEN_TYPE_ID_JAG: Final = "urn:ietf:params:oauth:token-type:id-jag"  # noqa: S105 -- a URI


def token_exchange_request(
    token_endpoint: str,
    auth: ClientAuthentication,
    *,
    issuer: str,
    subject_token: str,
    subject_token_type: str,
    requested_token_type: str | None = None,
    audience: str | None = None,
    resource: str | None = None,
    scope: str | None = None,
) -> TokenRequest:
    """An RFC 8693 §2.1 token exchange request.

    Args:
        token_endpoint: the exchanging server's token endpoint.
        auth: how the client authenticates there.
        issuer: that server's issuer identifier (a client assertion's audience).
        subject_token: the token exchanged (REQUIRED, §2.1).
        subject_token_type: its type URI (REQUIRED, §2.1).
        requested_token_type: the type wanted back (OPTIONAL).
        audience: "the logical name of the target service where the client intends to use the
            requested security token" (OPTIONAL).
        resource: the target's URI (OPTIONAL; RFC 8707 form).
        scope: the scope wanted (OPTIONAL).
    """
    if not subject_token or not subject_token_type:
        raise UsageError("a token exchange needs subject_token and subject_token_type (§2.1)")
    form = {
        "grant_type": GRANT_TOKEN_EXCHANGE,
        "subject_token": subject_token,
        "subject_token_type": subject_token_type,
    }
    if requested_token_type:
        form["requested_token_type"] = requested_token_type
    if audience:
        form["audience"] = audience
    return _request(token_endpoint, auth, form, issuer=issuer, scope=scope, resource=resource)


def id_jag_request(
    idp_token_endpoint: str,
    auth: ClientAuthentication,
    *,
    idp_issuer: str,
    id_token: str,
    authorization_server: str,
    resource: str,
    scope: str | None = None,
) -> TokenRequest:
    """Step 1 of enterprise-managed authorization: ID token → ID-JAG at the IdP.

    >>> from rfcauth.http import ClientAuthentication
    >>> req = id_jag_request("https://idp.example/token", ClientAuthentication.none("app"),
    ...                      idp_issuer="https://idp.example", id_token="eyJ.eyJ.sig",
    ...                      authorization_server="https://as.example",
    ...                      resource="https://mcp.example/mcp")
    >>> dict(req.form)["requested_token_type"], dict(req.form)["audience"]
    ('urn:ietf:params:oauth:token-type:id-jag', 'https://as.example')
    """
    return token_exchange_request(
        idp_token_endpoint,
        auth,
        issuer=idp_issuer,
        subject_token=id_token,
        subject_token_type=TOKEN_TYPE_ID_TOKEN,
        requested_token_type=TOKEN_TYPE_ID_JAG,
        audience=authorization_server,
        resource=resource,
        scope=scope,
    )
