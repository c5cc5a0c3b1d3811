"""Speculative concurrent discovery reaches exactly what a sequential walk reaches.

The oracle is `simulate` (one GET at a time, in `next_action`'s order). The driver's `Login`
fetches speculatively in batches; over generated worlds, its decisions (every action, in
order), its outcome and the answers it *reads* must equal the oracle's, and it never needs
more sequential round trips than the oracle makes requests.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from rfcauth import (
    Authorize,
    ClientOptions,
    Policy,
    ResourceResponse,
    authorization_server_metadata_urls,
    protected_resource_metadata_urls,
    simulate,
)
from rfcauth.http import LoginError, MemoryStorage, MetadataCache, Reply
from rfcauth.http._login import Batch, Login, LoginSettings

RESOURCE = "https://mcp.example.com/mcp"
HINTS = (
    "https://mcp.example.com/.well-known/oauth-protected-resource/mcp",
    "https://meta.example.com/prm/mcp",
)
ISSUERS = ("https://mcp.example.com", "https://auth.example.net/tenant", "https://id.example.org")


def _prm(servers: list[str], resource: str) -> dict[str, Any]:
    return {"resource": resource, "authorization_servers": servers, "scopes_supported": ["read"]}


def _asm(issuer: str, *, pkce: bool, named: str) -> dict[str, Any]:
    document: dict[str, Any] = {
        "issuer": named,
        "authorization_endpoint": issuer + "/authorize",
        "token_endpoint": issuer + "/token",
        "registration_endpoint": issuer + "/register",
        "response_types_supported": ["code"],
    }
    if pkce:
        document["code_challenge_methods_supported"] = ["S256"]
    return document


def _answer(document: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.just({"status": 404}),
        st.sampled_from([{"status": 500}, {"status": 503}, {"status": 301}, {"status": 401}]),
        st.sampled_from([{"error": "timeout"}, {"error": "connect"}, {"error": "tls"}]),
        st.just({"status": 200, "body": "{not json"}),
        document.map(lambda d: {"status": 200, "body": json.dumps(d)}),
    )


@st.composite
def worlds(draw: st.DrawFn) -> dict[str, Any]:
    responses: dict[str, dict[str, Any]] = {}
    hint = draw(st.none() | st.sampled_from(HINTS))
    status = draw(st.sampled_from([401, 401, 401, 403]))
    header = (
        'Bearer error="invalid_token"' if status == 401 else 'Bearer error="insufficient_scope"'
    )
    if hint is not None:
        header += f', resource_metadata="{hint}"'
    responses[RESOURCE] = {"status": status, "headers": {"WWW-Authenticate": header}}
    servers = st.lists(st.sampled_from(ISSUERS), min_size=0, max_size=3, unique=True)
    prm_document = st.builds(
        _prm, servers, st.sampled_from([RESOURCE, RESOURCE, "https://other.example.com/mcp"])
    )
    prm_urls = [c.url for c in protected_resource_metadata_urls(RESOURCE)]
    for url in ([hint] if hint else []) + prm_urls:
        if draw(st.booleans()):
            responses[url] = draw(_answer(prm_document))
    for issuer in ISSUERS:
        asm_document = st.builds(
            _asm,
            st.just(issuer),
            pkce=st.sampled_from([True, True, False]),
            named=st.sampled_from([issuer, issuer, "https://evil.example.com"]),
        )
        for candidate in authorization_server_metadata_urls(issuer):
            if draw(st.integers(0, 2)) > 0:
                responses[candidate.url] = draw(_answer(asm_document))
    return responses


def _reply(url: str, responses: dict[str, dict[str, Any]]) -> Reply:
    canned = responses.get(url, {"status": 404})
    if "error" in canned:
        return Reply(url=url, error=canned["error"], detail="simulated")
    return Reply(url=url, status=canned["status"], body=canned.get("body", "").encode())


def _drive(responses: dict[str, dict[str, Any]], *, policy: Policy) -> tuple[Any, Login, int]:
    settings = LoginSettings(
        resource=RESOURCE,
        policy=policy,
        client=ClientOptions(),
        redirect_uri="http://127.0.0.1/cb",
        client_name="t",
        storage=MemoryStorage(),
        cache=MetadataCache(),
        clock=lambda: 0.0,
    )
    login = Login(settings)
    first = responses[RESOURCE]
    challenge = ResourceResponse(
        status=first["status"], www_authenticate=first["headers"]["WWW-Authenticate"]
    )
    program = login.discover(challenge, settings.client)
    requested = 0
    try:
        need = next(program)
        while True:
            assert isinstance(need, Batch)
            requested += len(need.calls)
            need = program.send(tuple(_reply(c.url, responses) for c in need.calls))
    except StopIteration as stop:
        outcome = stop.value[0]
    except LoginError as error:
        outcome = error.fail  # a discovery Fail: compared with the oracle's outcome below
    return outcome, login, requested


@given(worlds(), st.sampled_from([Policy(), Policy.strict()]))
def test_speculative_discovery_equals_the_sequential_walk(
    responses: dict[str, dict[str, Any]], policy: Policy
) -> None:
    plan = simulate(RESOURCE, responses, policy=policy)
    outcome, login, requested = _drive(responses, policy=policy)
    decisions = tuple(s.action for s in login.steps if s.kind == "decision")
    assert decisions == plan.steps
    assert outcome == plan.outcome
    # The answers the walk read are the oracle's requests, in the same order.
    read = [s.url for s in login.steps if s.kind == "decision" and s.url is not None]
    assert read == list(plan.probes)
    # Fewer (or as many) sequential round trips as the oracle's one-at-a-time requests.
    assert login.round <= len(plan.probes)
    assert requested >= len(plan.probes)
    if isinstance(outcome, Authorize):
        assert login.round >= 1


def test_seed_world_needs_one_round_trip_for_discovery() -> None:
    responses: dict[str, dict[str, Any]] = {
        RESOURCE: {"status": 401, "headers": {"WWW-Authenticate": 'Bearer error="invalid_token"'}},
        "https://mcp.example.com/.well-known/oauth-authorization-server": {
            "status": 200,
            "body": json.dumps(
                _asm("https://mcp.example.com", pkce=True, named="https://mcp.example.com")
            ),
        },
    }
    outcome, login, requested = _drive(responses, policy=Policy())
    assert isinstance(outcome, Authorize)
    assert outcome.protocol == "2025-03-26"
    assert login.round == 1
    assert requested == 4  # both PRM URLs and both origin metadata URLs, concurrently
    assert len(simulate(RESOURCE, responses).probes) == 3


def test_a_hint_is_awaited_before_any_well_known_guess() -> None:
    # MCP 2025-11-25: the well-known URLs are the fallback when there is no hint; the
    # conformance suite's auth/metadata-default fails a client that asks for the root PRM.
    hint = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"
    issuer = "https://auth.example.net/tenant"
    responses: dict[str, dict[str, Any]] = {
        RESOURCE: {
            "status": 401,
            "headers": {"WWW-Authenticate": f'Bearer resource_metadata="{hint}"'},
        },
        hint: {
            "status": 200,
            "body": json.dumps({"resource": RESOURCE, "authorization_servers": [issuer]}),
        },
        "https://auth.example.net/.well-known/oauth-authorization-server/tenant": {
            "status": 200,
            "body": json.dumps(_asm(issuer, pkce=True, named=issuer)),
        },
    }
    outcome, login, _ = _drive(responses, policy=Policy())
    assert isinstance(outcome, Authorize)
    requested = [s.url for s in login.steps if s.kind == "request"]
    assert "https://mcp.example.com/.well-known/oauth-protected-resource" not in requested
    assert requested[0] == hint
    assert login.round == 2  # the hint, then the authorization server's metadata
