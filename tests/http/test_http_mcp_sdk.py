"""End to end against software no one here wrote: the official MCP Python SDK.

The server is the SDK's own `MCPServer` with its own authorization-server routes (`AuthSettings`
plus an in-memory `OAuthAuthorizationServerProvider` written here that approves at once) and
its own bearer-token verification, under uvicorn on loopback. The client is the SDK's own
streamable HTTP client and `ClientSession`; rfcauth only supplies the ``httpx2.Auth``.
"""

from __future__ import annotations

import secrets
import time
import warnings
from typing import Any

import anyio
import httpx2
import pytest
from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.server.auth.provider import (
    AccessToken,
    AuthorizationCode,
    AuthorizationParams,
    RefreshToken,
    construct_redirect_uri,
)
from mcp.server.auth.settings import AuthSettings, ClientRegistrationOptions
from mcp.server.mcpserver import MCPServer
from mcp.shared.auth import OAuthClientInformationFull, OAuthToken

from rfcauth.http import FollowRedirects, OAuthFlow, Step
from rfcauth.http._testserver import serve


class ApprovingProvider:
    """An in-memory authorization server that approves every authorization request at once."""

    def __init__(self) -> None:
        self.clients: dict[str, OAuthClientInformationFull] = {}
        self.codes: dict[str, AuthorizationCode] = {}
        self.tokens: dict[str, AccessToken] = {}
        self.refresh: dict[str, RefreshToken] = {}
        self.issued = 0

    async def get_client(self, client_id: str) -> OAuthClientInformationFull | None:
        return self.clients.get(client_id)

    async def register_client(self, client_info: OAuthClientInformationFull) -> None:
        assert client_info.client_id is not None
        self.clients[client_info.client_id] = client_info

    async def authorize(
        self,
        client: OAuthClientInformationFull,
        params: AuthorizationParams,
    ) -> str:
        code = secrets.token_urlsafe(32)
        assert client.client_id is not None
        self.codes[code] = AuthorizationCode(
            code=code,
            scopes=params.scopes or [],
            expires_at=time.time() + 300,
            client_id=client.client_id,
            code_challenge=params.code_challenge,
            redirect_uri=params.redirect_uri,
            redirect_uri_provided_explicitly=params.redirect_uri_provided_explicitly,
            resource=params.resource,
        )
        return construct_redirect_uri(str(params.redirect_uri), code=code, state=params.state)

    async def load_authorization_code(
        self,
        client: OAuthClientInformationFull,  # noqa: ARG002 - the provider protocol
        authorization_code: str,
    ) -> AuthorizationCode | None:
        return self.codes.get(authorization_code)

    async def exchange_authorization_code(
        self,
        client: OAuthClientInformationFull,  # noqa: ARG002 - the provider protocol
        authorization_code: AuthorizationCode,
    ) -> OAuthToken:
        self.codes.pop(authorization_code.code, None)
        return self._issue(
            authorization_code.client_id, authorization_code.scopes, authorization_code.resource
        )

    def _issue(self, client_id: str, scopes: list[str], resource: str | None) -> OAuthToken:
        self.issued += 1
        access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        self.tokens[access] = AccessToken(
            token=access, client_id=client_id, scopes=scopes,
            expires_at=int(time.time()) + 3600, resource=resource,
        )  # fmt: skip
        self.refresh[refresh] = RefreshToken(token=refresh, client_id=client_id, scopes=scopes)
        return OAuthToken(
            access_token=access, token_type="Bearer", expires_in=3600,  # noqa: S106 - type name
            refresh_token=refresh, scope=" ".join(scopes) or None,
        )  # fmt: skip

    async def load_refresh_token(
        self,
        client: OAuthClientInformationFull,  # noqa: ARG002 - the provider protocol
        refresh_token: str,
    ) -> RefreshToken | None:
        return self.refresh.get(refresh_token)

    async def exchange_refresh_token(
        self,
        client: OAuthClientInformationFull,  # noqa: ARG002 - the provider protocol
        refresh_token: RefreshToken,
        scopes: list[str],
    ) -> OAuthToken:
        self.refresh.pop(refresh_token.token, None)
        return self._issue(refresh_token.client_id, scopes or refresh_token.scopes, None)

    async def load_access_token(self, token: str) -> AccessToken | None:
        found = self.tokens.get(token)
        if found is None or (found.expires_at is not None and found.expires_at < time.time()):
            return None
        return found

    async def revoke_token(self, token: AccessToken | RefreshToken) -> None:
        self.tokens.pop(token.token, None)


def _server(base: str, provider: ApprovingProvider, *, modern: bool) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the SDK's deprecation notes about its own settings
        auth = AuthSettings(
            issuer_url=base,
            resource_server_url=f"{base}/mcp" if modern else None,
            client_registration_options=ClientRegistrationOptions(enabled=True),
            validate_token_resource=bool(modern),
        )
        server = MCPServer("rfcauth-e2e", auth_server_provider=provider, auth=auth)

    @server.tool()
    def add(a: int, b: int) -> int:
        """Add two numbers."""
        return a + b

    return server.streamable_http_app()


async def _session(url: str, flow: OAuthFlow) -> tuple[list[str], str]:
    async with (
        httpx2.AsyncClient(auth=flow) as http,
        streamable_http_client(url, http_client=http) as (read, write),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        tools = await session.list_tools()
        result = await session.call_tool("add", {"a": 2, "b": 40})
        text = "".join(getattr(block, "text", "") for block in result.content)
        return [tool.name for tool in tools.tools], text


@pytest.mark.parametrize("modern", [True, False], ids=["prm-hinted", "seed-no-prm"])
def test_sdk_client_and_server_through_rfcauth(modern: bool) -> None:  # noqa: FBT001 - parametrized
    provider = ApprovingProvider()
    with serve(lambda base: _server(base, provider, modern=modern)) as base:
        steps: list[Step] = []
        flow = OAuthFlow(f"{base}/mcp", redirect_handler=FollowRedirects(), on_step=steps.append)
        names, text = anyio.run(_session, f"{base}/mcp", flow)
    assert names == ["add"]
    assert text == "42"
    # rfcauth obtained the token from the SDK's authorization server: one login, no more.
    assert provider.issued == 1
    assert len(provider.clients) == 1
    assert flow.last_login is not None
    decisions = [s.action for s in steps if s.kind == "decision" and s.action is not None]
    outcome = decisions[-1]
    assert type(outcome).__name__ == "Authorize"
    assert outcome.protocol == ("2025-11-25" if modern else "2025-03-26")
    # The seed shape is discovered in one round trip, then registration: 2 to the authorization.
    assert flow.last_login.rounds_to_authorization == (2 if not modern else 3)


@pytest.mark.parametrize("modern", [True, False], ids=["prm-hinted", "seed-no-prm"])
def test_rfcauth_probe_and_login_against_the_sdk_server(
    modern: bool,  # noqa: FBT001 - parametrized
) -> None:
    import io  # noqa: PLC0415 - only this test drives the command line

    from rfcauth.cli import main  # noqa: PLC0415

    provider = ApprovingProvider()
    with serve(lambda base: _server(base, provider, modern=modern)) as base:
        url = f"{base}/mcp"
        probed, logged = io.StringIO(), io.StringIO()
        probe_code = main(["probe", url], probed)
        login_code = main(
            ["login", "--no-browser", "--call", "add", "--args", '{"a": 2, "b": 40}', url], logged
        )
    probe_text, login_text = probed.getvalue(), logged.getvalue()
    assert probe_code == 0, probe_text
    assert probe_text.splitlines()[2].startswith("rfcauth (compatible): authorizes with")
    strict = probe_text.splitlines()[1]
    # Without PRM only the 2025-03-26 fallback gets in: a strict client fails the seed shape.
    expected = "authorizes" if modern else "FAILS, no_authorization_server"
    assert strict.startswith(f"strict current-spec client: {expected}")
    assert login_code == 0, login_text
    assert "tools (1): add" in login_text
    assert "call add: ok" in login_text
    assert login_text.splitlines()[-1].strip() == "42"
    assert provider.issued == 1
