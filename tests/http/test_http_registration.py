"""The dynamic registration request the driver sends (RFC 7591 §2, OIDC Registration §2)."""

from __future__ import annotations

import json

import pytest

from rfcauth.discovery import Authorize, ClientOptions, Policy
from rfcauth.discovery._actions import Registration
from rfcauth.http import MemoryStorage, MetadataCache
from rfcauth.http._login import Batch, Login, LoginSettings


def _registration_body(redirect_uri: str) -> dict[str, object]:
    settings = LoginSettings(
        resource="https://mcp.example.com/mcp",
        policy=Policy(),
        client=ClientOptions(),
        redirect_uri=redirect_uri,
        client_name="t",
        storage=MemoryStorage(),
        cache=MetadataCache(),
        clock=lambda: 0.0,
    )
    action = Authorize(
        reason="r",
        rule="r",
        explanation="e",
        issuer="https://as.example.com",
        authorization_endpoint="https://as.example.com/authorize",
        token_endpoint="https://as.example.com/token",  # noqa: S106 -- a URL, no secret
        registration=Registration(kind="dynamic", endpoint="https://as.example.com/register"),
        scope=None,
        resource="https://mcp.example.com/mcp",
        protocol="2025-11-25",
    )
    need = next(Login(settings)._register_dynamically(action, ("none",)))
    assert isinstance(need, Batch)
    return json.loads(need.calls[0].body)


@pytest.mark.parametrize(
    ("redirect_uri", "application_type"),
    [
        ("http://127.0.0.1:8765/callback", "native"),
        ("http://localhost/cb", "native"),
        ("https://app.example.com/cb", "web"),
    ],
)
def test_registration_names_the_application_type(redirect_uri: str, application_type: str) -> None:
    # MCP 2026-07-28 (SEP-837): clients MUST send an appropriate application_type.
    body = _registration_body(redirect_uri)
    assert body["application_type"] == application_type
    assert body["redirect_uris"] == [redirect_uri]
    assert body["token_endpoint_auth_method"] == "none"  # noqa: S105 -- a method name
