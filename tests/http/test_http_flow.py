"""OAuthFlow against loopback worlds: each registration mode, token auth method, refresh, step-up.

Every test starts its own `World` (starlette under uvicorn on 127.0.0.1) and counts the
requests it receives.
"""

from __future__ import annotations

import re
from typing import Any

import anyio
import httpx
import httpx2
import pytest

from rfcauth import ClientOptions, Policy
from rfcauth.http import (
    FollowRedirects,
    HttpxOAuthFlow,
    LoginError,
    MemoryStorage,
    MetadataCache,
    OAuthFlow,
    Step,
    Tokens,
)
from rfcauth.http._testserver import World


def _flow(world: World, **options: Any) -> OAuthFlow:
    options.setdefault("redirect_handler", FollowRedirects())
    return OAuthFlow(world.resource_url, **options)


def _get(flow: OAuthFlow, url: str) -> httpx2.Response:
    with httpx2.Client(auth=flow) as client:
        return client.get(url)


def _discovery_requests(world: World) -> list[str]:
    return [r.path for r in world.requests if "/.well-known/" in r.path]


def test_seed_world_logs_in_sync_and_async() -> None:
    with World.seed() as world:
        flow = _flow(world)
        response = _get(flow, world.resource_url)
        assert response.status_code == 200
        assert response.json()["ok"] is True
        assert flow.last_login is not None
        assert flow.last_login.rounds_to_authorization == 2

        async def run() -> httpx2.Response:
            async with httpx2.AsyncClient(auth=_flow(world)) as client:
                return await client.get(world.resource_url)

        assert anyio.run(run).status_code == 200


def test_modern_world_with_foreign_issuer_path_takes_three_round_trips() -> None:
    with World.modern() as world:
        flow = _flow(world)
        assert _get(flow, world.resource_url).status_code == 200
        assert flow.last_login is not None
        assert flow.last_login.rounds_to_authorization == 3
        tokens = flow.storage.get_tokens(world.resource_url)
        assert tokens is not None
        assert tokens.issuer == world.issuer
        assert tokens.resource == world.resource_url
        assert tokens.scope == "read"


def test_second_connection_with_fresh_metadata_makes_no_discovery_request() -> None:
    with World.modern(cache_control="max-age=300") as world:
        cache, storage = MetadataCache(), MemoryStorage()
        assert _get(_flow(world, cache=cache, storage=storage), world.resource_url).is_success
        storage.set_tokens(world.resource_url, None)  # a new login, not a stored token
        world.reset_counts()
        second = _flow(world, cache=cache, storage=storage)
        assert _get(second, world.resource_url).is_success
        assert _discovery_requests(world) == []
        assert not any(r.path.endswith("/register") for r in world.requests)
        assert second.last_login is not None
        assert second.last_login.rounds_to_authorization == 0


def test_stale_metadata_is_revalidated_with_one_conditional_request_each() -> None:
    now = [1000.0]
    with World.modern(cache_control="max-age=60", etag=True) as world:
        cache, storage = MetadataCache(clock=lambda: now[0]), MemoryStorage()
        assert _get(_flow(world, cache=cache, storage=storage), world.resource_url).is_success
        storage.set_tokens(world.resource_url, None)
        now[0] += 120
        world.reset_counts()
        assert _get(_flow(world, cache=cache, storage=storage), world.resource_url).is_success
        # PRM (hint) and the AS metadata: one conditional GET each (answered 304); the
        # absent candidates fetched alongside were never stored (a 404 without freshness).
        documents = [
            "/.well-known/oauth-protected-resource/mcp",
            "/.well-known/oauth-authorization-server/tenant",
        ]
        conditional = sorted(r.path for r in world.requests if r.conditional)
        assert conditional == sorted(documents)
        for path in documents:
            assert _discovery_requests(world).count(path) == 1


def test_no_store_metadata_is_fetched_again() -> None:
    with World.modern(cache_control="no-store") as world:
        cache, storage = MetadataCache(), MemoryStorage()
        assert _get(_flow(world, cache=cache, storage=storage), world.resource_url).is_success
        storage.set_tokens(world.resource_url, None)
        world.reset_counts()
        assert _get(_flow(world, cache=cache, storage=storage), world.resource_url).is_success
        assert "/.well-known/oauth-protected-resource/mcp" in _discovery_requests(world)
        assert len(cache) == 0


def test_cache_never_crosses_resources() -> None:
    with World.modern(cache_control="max-age=300") as world:
        cache = MetadataCache()
        assert _get(_flow(world, cache=cache), world.resource_url).is_success
        world.reset_counts()
        other = OAuthFlow(
            world.resource_url + "/admin", cache=cache, redirect_handler=FollowRedirects()
        )
        with httpx2.Client(auth=other) as client:
            client.get(world.resource_url + "/admin")
        assert _discovery_requests(world)  # fetched again for the other resource


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post", "none"])
def test_each_token_endpoint_auth_method(method: str) -> None:
    with World.modern(token_auth_methods=(method,)) as world:
        flow = _flow(world)
        assert _get(flow, world.resource_url).is_success
        (client,) = world.clients.values()
        assert client["token_endpoint_auth_method"] == method


def test_preregistered_client_is_used_without_registration() -> None:
    with World.modern(preregistered={"known-client": "s3cret"}, dynamic_registration=False) as w:
        client = ClientOptions(client_id="known-client", client_secret="s3cret")  # noqa: S106 - a test credential
        flow = _flow(w, client=client)
        assert _get(flow, w.resource_url).json()["client_id"] == "known-client"
        assert not any(r.path.endswith("/register") for r in w.requests)


def test_client_id_metadata_document_is_preferred_to_dynamic_registration() -> None:
    with World.modern(cimd=True) as world:
        url = "https://client.example.com/rfcauth.json"
        flow = _flow(world, client=ClientOptions(client_metadata_url=url))
        assert _get(flow, world.resource_url).json()["client_id"] == url
        assert world.clients == {}


def test_stored_registration_is_reused() -> None:
    with World.modern() as world:
        storage = MemoryStorage()
        assert _get(_flow(world, storage=storage), world.resource_url).is_success
        storage.set_tokens(world.resource_url, None)
        assert _get(_flow(world, storage=storage), world.resource_url).is_success
        assert len(world.clients) == 1


def test_refresh_before_expiry() -> None:
    now = [1_000_000.0]
    with World.modern() as world:
        storage = MemoryStorage()
        flow = _flow(world, storage=storage, clock=lambda: now[0])
        assert _get(flow, world.resource_url).is_success
        first = storage.get_tokens(world.resource_url)
        assert first is not None
        now[0] += 3600  # within the refresh margin of expiry
        world.reset_counts()
        assert _get(flow, world.resource_url).is_success
        paths = [r.path for r in world.requests]
        assert paths == ["/tenant/token", "/mcp"]  # refreshed first: no 401 at all
        second = storage.get_tokens(world.resource_url)
        assert second is not None
        assert second.access_token != first.access_token


def test_refresh_on_401() -> None:
    with World.modern() as world:
        flow = _flow(world)
        assert _get(flow, world.resource_url).is_success
        world.tokens.clear()  # the server forgets the access token: the next request gets 401
        world.reset_counts()
        assert _get(flow, world.resource_url).is_success
        assert [r.path for r in world.requests] == ["/mcp", "/tenant/token", "/mcp"]


def test_failed_refresh_falls_back_to_a_new_login() -> None:
    with World.modern() as world:
        flow = _flow(world)
        assert _get(flow, world.resource_url).is_success
        world.tokens.clear()
        world.refresh_tokens.clear()
        world.reset_counts()
        assert _get(flow, world.resource_url).is_success
        assert "/tenant/authorize" in [r.path for r in world.requests]


def test_step_up_on_insufficient_scope() -> None:
    with World.modern() as world:
        flow = _flow(world)
        response = _get(flow, world.resource_url + "/admin")
        assert response.status_code == 200
        assert set(response.json()["scope"].split()) == {"read", "admin"}


def test_step_up_stops_at_the_policy_limit() -> None:
    with World.modern() as world:
        flow = _flow(world, policy=Policy(max_step_up_attempts=0))
        with pytest.raises(LoginError) as caught:
            _get(flow, world.resource_url + "/admin")
        assert caught.value.code == "step_up_limit_reached"


def test_failure_carries_reason_rule_and_what_was_found() -> None:
    with World.seed(dynamic_registration=False) as world:
        world.prm = None
        flow = _flow(world)
        with pytest.raises(LoginError) as caught:
            _get(flow, world.resource_url)
    error = caught.value
    assert error.code == "no_registration_method"
    assert "MCP 2025-11-25 Client Registration Approaches" in str(error)
    assert "HTTP 404" in str(error)
    assert "/.well-known/oauth-protected-resource" in str(error)


def test_no_authorization_server_names_every_probe() -> None:
    with World(prm=None, hint=False) as world:
        world.as_base = "http://127.0.0.1:9"  # no metadata anywhere on the origin
        flow = _flow(world, policy=Policy(legacy_fallback=False))
        with pytest.raises(LoginError) as caught:
            _get(flow, world.resource_url)
    message = str(caught.value)
    assert caught.value.code == "no_authorization_server"
    assert message.count("HTTP 404") == 2


def test_steps_are_observable_and_hold_no_secret() -> None:
    steps: list[Step] = []
    with World.modern(preregistered={"c": "top-secret-value"}, dynamic_registration=False) as w:
        secret = "top-secret-value"  # noqa: S105 - a test credential
        client = ClientOptions(client_id="c", client_secret=secret)
        flow = _flow(w, client=client, on_step=steps.append)
        assert _get(flow, w.resource_url).is_success
        tokens = flow.storage.get_tokens(w.resource_url)
    assert tokens is not None
    kinds = {s.kind for s in steps}
    assert {"request", "reply", "decision", "redirect"} <= kinds
    text = "\n".join(str(s) + repr(s) for s in steps)
    for secret in ("top-secret-value", tokens.access_token, tokens.refresh_token or "x" * 40):
        assert secret not in text
    assert tokens.access_token not in repr(tokens)
    assert not re.search(r"code=[A-Za-z0-9_-]{20,}", text)


def test_tokens_for_the_resource_are_never_sent_elsewhere() -> None:
    with World.modern() as world, World.seed() as other:
        flow = _flow(world)
        with httpx2.Client(auth=flow) as client:
            assert client.get(world.resource_url).is_success
            response = client.get(other.resource_url)
        assert response.status_code == 401  # passed through untouched: no token, no login
        assert [r.path for r in other.requests] == ["/mcp"]


def test_storage_tokens_repr_is_safe() -> None:
    tokens = Tokens(access_token="a" * 30, refresh_token="r" * 30)
    assert "a" * 30 not in repr(tokens)
    assert "r" * 30 not in repr(tokens)


def test_httpx_adapter_runs_the_same_flow() -> None:
    with World.seed() as world:
        auth = HttpxOAuthFlow(world.resource_url, redirect_handler=FollowRedirects())
        with httpx.Client(auth=auth) as client:
            assert client.get(world.resource_url).json()["ok"] is True

        async def run() -> int:
            fresh = HttpxOAuthFlow(world.resource_url, redirect_handler=FollowRedirects())
            async with httpx.AsyncClient(auth=fresh) as client:
                return (await client.get(world.resource_url)).status_code

        assert anyio.run(run) == 200
        assert auth.flow.last_login is not None
        assert auth.flow.last_login.rounds_to_authorization == 2


def test_keycloak_style_issuer_still_takes_three_round_trips() -> None:
    with World.modern(metadata_at="oidc_appended") as world:
        flow = _flow(world)
        assert _get(flow, world.resource_url).is_success
        assert flow.last_login is not None
        assert flow.last_login.rounds_to_authorization == 3
