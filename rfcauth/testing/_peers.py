"""Adapters for real peers, so rfcauth's checkers can run against them.

Each adapter imports its peer when called (never at import time); the peers are in the
``dev`` extra, not dependencies of rfcauth. They are what ``docs/peer-report.md`` is built
from and what the peer tests in rfcauth's own suite run.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from rfcauth.testing._checkers import ClientOutcome

if TYPE_CHECKING:
    from collections.abc import Mapping

    from mcp.shared.auth import OAuthClientInformationFull, OAuthToken

__all__ = [
    "SdkMemoryStorage",
    "mcp_discovery_client",
    "mcp_extract_field",
    "mcp_validate_asm",
    "mcp_validate_prm",
    "werkzeug_parse",
]


class SdkMemoryStorage:
    """The MCP Python SDK's ``TokenStorage`` protocol, in memory (tokens and client info)."""

    def __init__(self) -> None:
        """Start empty."""
        self.tokens: OAuthToken | None = None
        self.client: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> OAuthToken | None:
        """The stored tokens."""
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        """Store `tokens`."""
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        """The stored client registration."""
        return self.client

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        """Store `client_info`."""
        self.client = client_info


def werkzeug_parse(value: str) -> list[dict[str, Any]]:
    """Werkzeug's ``WWWAuthenticate.from_header(value)`` as a list of challenges."""
    from werkzeug.datastructures import WWWAuthenticate  # noqa: PLC0415 -- a peer, lazily

    parsed = WWWAuthenticate.from_header(value)
    if parsed is None:
        return []
    # werkzeug spells "no token68" as "" or None; a token68 is never empty (RFC 9110 §11.2)
    token68 = parsed.token or None
    return [{"scheme": parsed.type, "token68": token68, "params": dict(parsed.parameters)}]


def mcp_extract_field(value: str, name: str) -> str | None:
    """The MCP Python SDK's ``extract_field_from_www_auth`` on a 401 carrying `value`."""
    import httpx2  # noqa: PLC0415 -- a peer, lazily
    from mcp.client.auth.utils import extract_field_from_www_auth  # noqa: PLC0415 -- as above

    # as a server sends it: octets, ISO-8859-1 (RFC 9110 §5.5), else whatever UTF-8 gives
    try:
        octets = value.encode("latin-1")
    except UnicodeEncodeError:
        octets = value.encode("utf-8", "surrogatepass")
    response = httpx2.Response(401, headers=[(b"WWW-Authenticate", octets)])
    return extract_field_from_www_auth(response, name)


def mcp_validate_asm(document: dict[str, Any]) -> object:
    """The MCP Python SDK's ``OAuthMetadata`` model, as it reads a fetched document."""
    from mcp.shared.auth import OAuthMetadata  # noqa: PLC0415 -- a peer, lazily

    return OAuthMetadata.model_validate_json(json.dumps(document))


def mcp_validate_prm(document: dict[str, Any]) -> object:
    """The MCP Python SDK's ``ProtectedResourceMetadata`` model, as it reads a document."""
    from mcp.shared.auth import ProtectedResourceMetadata  # noqa: PLC0415 -- a peer, lazily

    return ProtectedResourceMetadata.model_validate_json(json.dumps(document))


class _Authorized(Exception):  # noqa: N818 -- a signal that ends the flow where it is judged
    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


def mcp_discovery_client(
    resource: str, responses: Mapping[str, Mapping[str, Any]]
) -> ClientOutcome:
    """Run the MCP Python SDK's real OAuth client flow against canned servers.

    ``OAuthClientProvider`` is driven by an ``httpx2.AsyncClient`` over an
    ``httpx2.MockTransport`` answering from `responses` (unlisted GETs answer 404, dynamic
    registration is answered with a client id). The flow ends when the SDK redirects the
    user to an authorization endpoint (``authorize``) or raises (``fail``).
    """
    previous = logging.root.manager.disable
    logging.disable(logging.CRITICAL)  # the SDK logs every refusal with a traceback
    try:
        return asyncio.run(_mcp_flow(resource, responses))
    finally:
        logging.disable(previous)


async def _mcp_flow(resource: str, responses: Mapping[str, Mapping[str, Any]]) -> ClientOutcome:
    import httpx2  # noqa: PLC0415 -- a peer, lazily
    from mcp.client.auth import OAuthClientProvider  # noqa: PLC0415 -- as above
    from mcp.shared.auth import (  # noqa: PLC0415 -- as above
        AuthorizationCodeResult,
        OAuthClientMetadata,
    )

    probes: list[str] = []

    def answer(request: httpx2.Request) -> httpx2.Response:
        url = str(request.url)
        if request.method == "POST":
            body = {"client_id": "kit-client", "redirect_uris": ["http://localhost:3030/cb"]}
            return httpx2.Response(201, json=body)
        if url != resource:
            probes.append(url)
        canned = responses.get(url)
        if canned is None:
            return httpx2.Response(404)
        headers = dict(canned.get("headers") or {})
        body_value = canned.get("body")
        content = body_value if isinstance(body_value, str) else json.dumps(body_value)
        return httpx2.Response(
            int(canned.get("status", 200)),
            headers=headers,
            content=content.encode() if body_value is not None else b"",
        )

    async def redirect(url: str) -> None:
        raise _Authorized(url)

    async def callback() -> AuthorizationCodeResult:  # pragma: no cover -- redirect ends first
        raise _Authorized("")

    provider = OAuthClientProvider(
        server_url=resource,
        client_metadata=OAuthClientMetadata(redirect_uris=["http://localhost:3030/cb"]),
        storage=SdkMemoryStorage(),
        redirect_handler=redirect,
        callback_handler=callback,
    )
    transport = httpx2.MockTransport(answer)
    try:
        async with httpx2.AsyncClient(transport=transport, auth=provider) as client:
            await client.get(resource)
    except _Authorized as done:
        parts = urlsplit(done.url)
        endpoint = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        return ClientOutcome(
            outcome="authorize", authorization_endpoint=endpoint, probes=tuple(probes)
        )
    except Exception as exc:  # noqa: BLE001 -- the SDK giving up is the outcome under test
        return ClientOutcome(
            outcome="fail", probes=tuple(probes), detail=f"{type(exc).__name__}: {exc}"
        )
    return ClientOutcome(
        outcome="fail", probes=tuple(probes), detail="the request ended without authorization"
    )
