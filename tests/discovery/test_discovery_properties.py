"""Properties of `next_action` / `simulate` over generated "server worlds".

A world is a resource URL, the resource's 401/403 answer, and a canned answer for every URL a
client could probe (PRM candidates, a hint, the AS candidates of a pool of issuers, the origin's
legacy candidates). Each answer is drawn from a menu of realistic and broken behaviours.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from hypothesis import given
from hypothesis import strategies as st

from rfcauth import (
    Authorize,
    ClientOptions,
    DiscoveryContext,
    Fail,
    Fetched,
    FetchResourceMetadata,
    FetchServerMetadata,
    Policy,
    ResourceResponse,
    authorization_server_metadata_urls,
    next_action,
    protected_resource_metadata_urls,
    simulate,
)
from rfcauth.discovery._addresses import url_refusal
from rfcauth.metadata._url_identity import is_loopback_host, origin_of, origin_url

RESOURCES = [
    "https://mcp.example.com/mcp",
    "https://mcp.example.com/mcp/",
    "https://mcp.example.com",
    "https://mcp.example.com/v1/mcp?tenant=a",
    "http://127.0.0.1:8000/mcp",
]
ISSUERS = [
    "https://auth.example.com",
    "https://auth.example.com/",
    "https://kc.example.com/realms/mcp",
    "https://mcp.example.com",
    "https://mcp.example.com/oauth",
    "http://127.0.0.1:9000",
    "http://auth.example.com",
]
OTHER_HINTS = ["https://meta.example.net/prm.json", "https://mcp.example.com/prm.json"]

STATUS_ABSENT = st.sampled_from([404, 410, 401, 403, 301])
STATUS_DOWN = st.sampled_from([500, 502, 503])


def _absent() -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(lambda s: {"status": s}, STATUS_ABSENT)


def _down() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.builds(lambda s: {"status": s}, STATUS_DOWN),
        st.sampled_from([{"error": "timeout"}, {"error": "connect"}]),
    )


def _garbage() -> st.SearchStrategy[dict[str, Any]]:
    return st.sampled_from(
        [
            {"status": 200, "body": "<html>"},
            {"status": 200, "body": []},
            {"status": 200, "body": {"resource": 7}},
            {"status": 200, "body": None},
            {"status": 200, "body": '{"a": 1, "a": 2}'},
        ]
    )


@st.composite
def prm_answers(draw: st.DrawFn, resource: str) -> dict[str, Any]:
    kind = draw(st.sampled_from(["absent", "down", "garbage", "document"]))
    if kind == "absent":
        return draw(_absent())
    if kind == "down":
        return draw(_down())
    if kind == "garbage":
        return draw(_garbage())
    origin = origin_url(resource)
    named = draw(
        st.sampled_from(
            [resource, origin, origin + "/", resource.rstrip("/"), "https://evil.example/mcp"]
        )
    )
    document: dict[str, Any] = {"resource": named}
    servers = draw(st.lists(st.sampled_from(ISSUERS), max_size=3, unique=True))
    if servers:
        document["authorization_servers"] = servers
    if draw(st.booleans()):
        document["scopes_supported"] = draw(
            st.lists(st.sampled_from(["a", "b", "mcp:tools"]), min_size=1, max_size=3, unique=True)
        )
    return {"status": 200, "body": document}


@st.composite
def asm_answers(draw: st.DrawFn, issuer: str) -> dict[str, Any]:
    kind = draw(st.sampled_from(["absent", "absent", "down", "garbage", "document"]))
    if kind == "absent":
        return draw(_absent())
    if kind == "down":
        return draw(_down())
    if kind == "garbage":
        return draw(_garbage())
    base = issuer.rstrip("/")
    stated = draw(st.sampled_from([issuer, base, base + "/", "https://honest.example"]))
    endpoint_base = draw(
        st.sampled_from([base, "http://auth.example.com", "https://auth.example.com"])
    )
    document: dict[str, Any] = {
        "issuer": stated,
        "authorization_endpoint": endpoint_base + "/authorize",
        "token_endpoint": endpoint_base + "/token",
        "response_types_supported": draw(st.sampled_from([["code"], ["token"]])),
    }
    pkce = draw(st.sampled_from([None, ["S256"], ["plain"], ["plain", "S256"]]))
    if pkce is not None:
        document["code_challenge_methods_supported"] = pkce
    if draw(st.booleans()):
        document["registration_endpoint"] = endpoint_base + "/register"
    if draw(st.booleans()):
        document["client_id_metadata_document_supported"] = True
    return {"status": 200, "body": document}


@st.composite
def worlds(draw: st.DrawFn) -> dict[str, Any]:  # noqa: C901 - one draw per world dimension
    resource = draw(st.sampled_from(RESOURCES))
    origin = origin_url(resource)
    prm_urls = [u.url for u in protected_resource_metadata_urls(resource)]
    hint_choice = draw(st.sampled_from(["none", "well_known", "other", "relative", "duplicate"]))
    hint = {
        "none": None,
        "well_known": prm_urls[0],
        "other": draw(st.sampled_from(OTHER_HINTS)),
        "relative": "/prm.json",
        "duplicate": None,
    }[hint_choice]
    params = []
    if hint is not None:
        params.append(f'resource_metadata="{hint}"')
    if hint_choice == "duplicate":
        params.append(f'resource_metadata="{prm_urls[0]}", resource_metadata="{OTHER_HINTS[0]}"')
    status = draw(st.sampled_from([401, 401, 401, 403]))
    if status == 403 or draw(st.booleans()):
        params.append('error="insufficient_scope"' if status == 403 else 'error="invalid_token"')
    if draw(st.booleans()):
        params.append('scope="a b"')
    bearer = "Bearer " + ", ".join(params) if params else "Bearer"
    header = draw(
        st.sampled_from(
            [
                None,
                bearer,
                f'Basic realm="x", {bearer}',
                f"Negotiate abc==, {bearer}",
                'Basic realm="x"',
            ]
        )
    )
    responses: dict[str, Any] = {resource: {"status": status}}
    if header is not None:
        responses[resource]["headers"] = {"WWW-Authenticate": header}
    for url in [*prm_urls, *OTHER_HINTS]:
        if draw(st.booleans()):
            responses[url] = draw(prm_answers(resource))
    for issuer in [*ISSUERS, origin]:
        for candidate in authorization_server_metadata_urls(issuer):
            if draw(st.integers(0, 3)) == 0:
                responses[candidate.url] = draw(asm_answers(issuer))
    policy = draw(
        st.sampled_from([Policy(), Policy.strict(), Policy(assume_pkce_without_advertisement=True)])
    )
    client = draw(
        st.sampled_from(
            [
                ClientOptions(),
                ClientOptions(client_id="pre"),
                ClientOptions(client_metadata_url="https://client.example.org/cimd.json"),
                ClientOptions(previous_scope="a", step_up_attempts=draw(st.integers(0, 3))),
            ]
        )
    )
    return {
        "resource": resource,
        "responses": responses,
        "policy": policy,
        "client": client,
        # the hint a client can see: only a header that carries the Bearer challenge has one
        "hint": hint if header is not None and bearer in header else None,
    }


def _body(answer: dict[str, Any] | None) -> Any:
    if answer is None:
        return None
    body = answer.get("body")
    if isinstance(body, str):
        try:
            return json.loads(body)
        except ValueError:
            return None
    return body


@given(worlds())
def test_simulate_ends_quickly_and_every_probe_is_derived(world: dict[str, Any]) -> None:
    plan = simulate(
        world["resource"], world["responses"], policy=world["policy"], client=world["client"]
    )
    # Bounded: the hint, two PRM candidates, three candidates for each of at most three
    # authorization servers, or the two legacy candidates — and one terminal action.
    assert len(plan.steps) <= 1 + 3 + 3 * 3 + 1
    assert isinstance(plan.outcome, type(plan.steps[-1]))
    assert len(set(plan.probes)) == len(plan.probes), "a URL was probed twice"
    resource = world["resource"]
    allowed = {u.url for u in protected_resource_metadata_urls(resource)}
    if world["hint"] is not None:
        allowed.add(world["hint"])
    for action in plan.steps:
        if isinstance(action, FetchServerMetadata):
            listed = action.legacy and action.issuer == origin_url(resource)
            if not action.legacy:
                prm_bodies = [_body(world["responses"].get(u)) for u in plan.probes]
                listed = any(
                    isinstance(b, dict) and action.issuer in b.get("authorization_servers", [])
                    for b in prm_bodies
                )
            assert listed, f"{action.issuer} was neither listed nor the legacy origin"
            assert action.url in {u.url for u in authorization_server_metadata_urls(action.issuer)}
        elif isinstance(action, FetchResourceMetadata):
            assert action.url in allowed


@given(worlds())
def test_authorize_is_always_safe(world: dict[str, Any]) -> None:
    policy: Policy = world["policy"]
    plan = simulate(world["resource"], world["responses"], policy=policy, client=world["client"])
    outcome = plan.outcome
    if not isinstance(outcome, Authorize):
        return
    assert outcome.code_challenge_method == "S256"
    for url in (outcome.authorization_endpoint, outcome.token_endpoint):
        parts = urlsplit(url)
        assert parts.scheme == "https" or (
            policy.allow_loopback_http
            and parts.scheme == "http"
            and is_loopback_host(parts.hostname)
        ), url
    fetches = [a for a in plan.steps if isinstance(a, FetchServerMetadata)]
    if outcome.protocol == "2025-11-25":
        assert outcome.resource_metadata_url is not None
        assert fetches, "an authorization server must come from fetched metadata"
        last = fetches[-1]
        assert outcome.server_metadata_url == last.url
        prm = _body(world["responses"].get(outcome.resource_metadata_url))
        assert last.issuer in prm["authorization_servers"]
        if policy.metadata_tolerances:
            assert outcome.issuer in (last.issuer, last.issuer.rstrip("/"), last.issuer + "/")
        else:
            assert outcome.issuer == last.issuer
    else:
        assert policy.legacy_fallback
        assert origin_of(outcome.issuer) == origin_of(world["resource"])
        # never a downgrade after a PRM answer that was not plain absence
        for url in plan.probes:
            answer = world["responses"].get(url, {"status": 404})
            if any(isinstance(a, FetchResourceMetadata) and a.url == url for a in plan.steps):
                assert 400 <= answer.get("status", 0) < 500 or 300 <= answer.get("status", 0) < 400


@given(worlds())
def test_no_legacy_after_a_hint_or_a_failed_prm(world: dict[str, Any]) -> None:
    plan = simulate(
        world["resource"], world["responses"], policy=world["policy"], client=world["client"]
    )
    legacy = any(isinstance(a, FetchServerMetadata) and a.legacy for a in plan.steps)
    if isinstance(plan.outcome, Authorize) and plan.outcome.protocol == "2025-03-26":
        legacy = True
    if not legacy:
        return
    assert world["hint"] is None or world["hint"] == "/prm.json"
    for action in plan.steps:
        if isinstance(action, FetchResourceMetadata):
            answer = world["responses"].get(action.url, {"status": 404})
            assert "error" not in answer
            assert answer["status"] != 200
            assert answer["status"] < 500


@given(worlds())
def test_next_action_is_deterministic_and_total(world: dict[str, Any]) -> None:
    plan = simulate(
        world["resource"], world["responses"], policy=world["policy"], client=world["client"]
    )
    context = DiscoveryContext(
        resource=world["resource"], policy=world["policy"], client=world["client"]
    )
    answer = world["responses"][world["resource"]]
    header = answer.get("headers", {}).get("WWW-Authenticate")
    challenge = ResourceResponse(status=answer["status"], www_authenticate=header)
    prm: list[Fetched] = []
    asm: list[Fetched] = []
    for step in plan.steps:
        again = next_action(challenge, tuple(prm), tuple(asm), context=context)
        assert again == step
        if isinstance(step, (FetchResourceMetadata, FetchServerMetadata)):
            assert url_refusal(step.url, context) is None, step.url
            canned = world["responses"].get(step.url, {"status": 404})
            fetched = (
                Fetched(url=step.url, error=canned["error"])
                if "error" in canned
                else Fetched(url=step.url, status=canned["status"], body=canned.get("body"))
            )
            (prm if isinstance(step, FetchResourceMetadata) else asm).append(fetched)
    if isinstance(plan.outcome, Fail):
        assert plan.outcome.code in {
            "unsupported_auth_scheme",
            "resource_metadata_invalid",
            "resource_mismatch",
            "no_authorization_server",
            "server_metadata_invalid",
            "issuer_mismatch",
            "pkce_not_supported",
            "discovery_unavailable",
            "insecure_endpoint",
            "no_registration_method",
            "step_up_limit_reached",
            "access_denied",
            "unexpected_status",
            "url_refused",
            "discovery_limit_reached",
        }
        assert plan.outcome.reason
        assert plan.outcome.rule
