"""The discovery API's edges: caller misuse, explanations, URL identity helpers."""

from __future__ import annotations

import dataclasses
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rfcauth import (
    Authorize,
    ClientOptions,
    DiscoveryContext,
    Fail,
    Fetched,
    FetchResourceMetadata,
    NoAuthorizationNeeded,
    Policy,
    ResourceResponse,
    UsageError,
    next_action,
    simulate,
)
from rfcauth.discovery._scenarios import load_scenarios
from rfcauth.metadata._url_identity import (
    canonical_resource,
    is_loopback_host,
    is_secure_url,
    origin_of,
    path_is_segment_prefix,
)

RESOURCE = "https://mcp.example.com/mcp"
SEED = ResourceResponse(status=401, www_authenticate='Bearer error="invalid_token"')


def context(**kw) -> DiscoveryContext:
    return DiscoveryContext(resource=RESOURCE, **kw)


# -- caller misuse raises UsageError (and only that) ------------------------------------------


@pytest.mark.parametrize(
    "resource",
    [
        "mcp.example.com/mcp",
        "ftp://x.example/mcp",
        7,
        "https://[::1/mcp",
        "https://[zz]/mcp",
        "https://user:pw@x.example/mcp",
        "https://x.example:port/mcp",
        "https://x.example\\@evil.example/mcp",
        "https://x.example/m cp",
    ],
)
def test_context_rejects_a_resource_that_is_not_an_http_url(resource) -> None:
    with pytest.raises(UsageError):
        DiscoveryContext(resource=resource)


@pytest.mark.parametrize("status", [99, 600, "401", True])
def test_resource_response_rejects_a_non_status(status) -> None:
    with pytest.raises(UsageError):
        ResourceResponse(status=status)


def test_resource_response_takes_lines_as_str_bytes_or_sequence() -> None:
    one = ResourceResponse(status=401, www_authenticate="Bearer")
    raw = ResourceResponse(status=401, www_authenticate=b"Bearer")
    lines = ResourceResponse(status=401, www_authenticate=["Bearer", b"x=y"])
    assert one.www_authenticate == raw.www_authenticate == ("Bearer",)
    assert lines.www_authenticate == ("Bearer", "x=y")
    with pytest.raises(UsageError):
        ResourceResponse(status=401, www_authenticate=[1])
    with pytest.raises(UsageError):
        ResourceResponse(status=401, www_authenticate=1)  # type: ignore[arg-type]


def test_fetched_needs_exactly_one_of_status_and_error() -> None:
    with pytest.raises(UsageError):
        Fetched(url="https://x.example")
    with pytest.raises(UsageError):
        Fetched(url="https://x.example", status=200, error="timeout")


def test_next_action_rejects_wrong_argument_types() -> None:
    with pytest.raises(UsageError):
        next_action("401", context=context())  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        next_action(SEED, context=RESOURCE)  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        next_action(SEED, [{"url": RESOURCE}], context=context())  # type: ignore[list-item]


def test_options_reject_values_that_cannot_mean_anything() -> None:
    with pytest.raises(UsageError):
        Policy(resource_match="prefix")  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        Policy(max_step_up_attempts=-1)
    with pytest.raises(UsageError):
        ClientOptions(client_metadata_url="https://client.example.org/")
    with pytest.raises(UsageError):
        ClientOptions(client_metadata_url="http://client.example.org/cimd.json")
    with pytest.raises(UsageError):
        ClientOptions(client_secret="s")  # noqa: S106 - a dummy secret
    with pytest.raises(UsageError):
        ClientOptions(step_up_attempts=-1)


def test_simulate_rejects_malformed_canned_responses() -> None:
    with pytest.raises(UsageError):
        simulate(RESOURCE, [])  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        simulate(RESOURCE, {RESOURCE: {"status": "401"}})
    with pytest.raises(UsageError):
        simulate(RESOURCE, {RESOURCE: {"error": "dns"}})
    with pytest.raises(UsageError):
        simulate(RESOURCE, {RESOURCE: {"status": 401, "headers": {"WWW-Authenticate": 7}}})


# -- presets -----------------------------------------------------------------------------------


def test_presets_differ_exactly_in_the_documented_knobs() -> None:
    compatible, strict = Policy.compatible(), Policy.strict()
    assert compatible == Policy()
    differing = {
        f.name
        for f in dataclasses.fields(Policy)
        if getattr(compatible, f.name) != getattr(strict, f.name)
    }
    assert differing == {
        "resource_match",
        "legacy_fallback",
        "legacy_issuer_path",
        "metadata_tolerances",
        "header_tolerances",
        "allow_loopback_http",
    }


# -- decisions at the edges ---------------------------------------------------------------------


def test_a_2xx_needs_no_authorization_and_a_5xx_resource_is_unavailable() -> None:
    ok = next_action(ResourceResponse(status=200), context=context())
    assert isinstance(ok, NoAuthorizationNeeded)
    assert ok.status == 200
    down = next_action(ResourceResponse(status=503), context=context())
    assert isinstance(down, Fail)
    assert down.code == "discovery_unavailable"
    other = next_action(ResourceResponse(status=404), context=context())
    assert isinstance(other, Fail)
    assert other.code == "unexpected_status"


def test_an_oversized_header_is_read_as_absent_with_a_warning() -> None:
    huge = ResourceResponse(status=401, www_authenticate="Bearer " + "a" * 20_000)
    action = next_action(huge, context=context())
    assert isinstance(action, FetchResourceMetadata)
    assert [n.code for n in action.warnings] == ["www_authenticate_unreadable"]


def test_a_later_fetch_of_the_same_url_replaces_an_earlier_one() -> None:
    url = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"
    first = next_action(SEED, [Fetched(url=url, status=503)], context=context())
    assert isinstance(first, Fail)
    retried = next_action(
        SEED, [Fetched(url=url, status=503), Fetched(url=url, status=404)], context=context()
    )
    assert isinstance(retried, FetchResourceMetadata)
    assert retried.route == "well_known_root"


def test_a_hint_with_a_dangerous_scheme_is_never_fetched() -> None:
    for hint in ("file:///etc/passwd", "http://169.254.169.254/latest", "javascript:alert(1)"):
        challenge = ResourceResponse(
            status=401, www_authenticate=f'Bearer resource_metadata="{hint}"'
        )
        action = next_action(challenge, context=context())
        assert isinstance(action, FetchResourceMetadata)
        assert action.url != hint
        assert "resource_metadata_hint_unusable" in {n.code for n in action.warnings}


def test_every_action_is_explained() -> None:
    for scenario in load_scenarios():
        for action in scenario.run().steps:
            assert action.reason
            assert action.rule
            assert action.explanation
            assert all(n.code and n.message and n.rule for n in action.notes)


def test_explain_names_every_request_and_the_decision() -> None:
    seed = load_scenarios()[0]
    plan = seed.run()
    text = plan.explain()
    for url in plan.requests:
        assert url in text
    assert "AUTHORIZE with https://mcp.example.com (protocol 2025-03-26)" in text
    assert "legacy_fallback" in text
    failing = simulate(RESOURCE, {RESOURCE: {"status": 403}})
    assert "FAIL access_denied" in failing.explain()


def test_an_unreachable_resource_is_a_plan_too() -> None:
    plan = simulate(RESOURCE, {RESOURCE: {"error": "connect"}})
    assert isinstance(plan.outcome, Fail)
    assert plan.outcome.code == "discovery_unavailable"
    assert plan.requests == (RESOURCE,)


def test_dynamic_registration_can_be_switched_off() -> None:
    seed = load_scenarios()[0]
    plan = simulate(seed.resource, seed.responses, client=ClientOptions(dynamic_registration=False))
    assert isinstance(plan.outcome, Fail)
    assert plan.outcome.code == "no_registration_method"


def test_the_vectors_ship_inside_the_package() -> None:
    text = (
        resources.files("rfcauth.discovery").joinpath("vectors/discovery.json").read_text("utf-8")
    )
    assert '"seed-legacy-origin-metadata"' in text


def test_authorize_is_frozen() -> None:
    plan = load_scenarios()[0].run()
    assert isinstance(plan.outcome, Authorize)
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.outcome.scope = "admin"  # type: ignore[misc]


# -- URL identity helpers ----------------------------------------------------------------------


def test_origin_of_normalises_case_and_default_ports() -> None:
    assert origin_of("HTTPS://Example.COM/x") == origin_of("https://example.com:443/y")
    assert origin_of("http://example.com") != origin_of("https://example.com")
    assert origin_of("https://example.com:8443") == ("https", "example.com", 8443)
    assert origin_of("not a url") is None
    assert origin_of("https://example.com:notaport/") is None


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("LOCALHOST.", True),
        ("app.localhost", True),
        ("127.0.0.1", True),
        ("127.9.9.9", True),
        ("[::1]", True),
        ("::1", True),
        ("localhost.example.com", False),
        ("10.0.0.1", False),
        ("169.254.169.254", False),
        (None, False),
    ],
)
def test_loopback_hosts(host, loopback) -> None:
    assert is_loopback_host(host) is loopback


def test_secure_urls() -> None:
    assert is_secure_url("https://x.example/a", allow_loopback_http=False)
    assert is_secure_url("http://127.0.0.1:9/a", allow_loopback_http=True)
    assert not is_secure_url("http://127.0.0.1:9/a", allow_loopback_http=False)
    assert not is_secure_url("http://x.example/a", allow_loopback_http=True)
    assert not is_secure_url("/relative", allow_loopback_http=True)


SEGMENT = st.text(alphabet="abc", min_size=1, max_size=3)


@given(st.lists(SEGMENT, max_size=4), st.lists(SEGMENT, max_size=3))
def test_segment_prefix_is_whole_segments(base, extra) -> None:
    prefix = "/" + "/".join(base) if base else ""
    path = prefix + "".join("/" + e for e in extra)
    assert path_is_segment_prefix(prefix, path)
    assert path_is_segment_prefix(prefix, path + "/")
    if base:
        assert not path_is_segment_prefix(prefix, prefix + "x")


def test_canonical_resource_lowercases_scheme_and_host_only() -> None:
    assert canonical_resource("HTTPS://MCP.Example.com:8443/MCP?Q=1#f") == (
        "https://mcp.example.com:8443/MCP?Q=1"
    )
    assert canonical_resource("http://[::1]:8000/mcp") == "http://[::1]:8000/mcp"


def test_an_invalid_document_fail_carries_every_violation() -> None:
    rows = {s.id: s for s in load_scenarios()}
    outcome = rows["prm-missing-resource"].run().outcome
    assert isinstance(outcome, Fail)
    assert [(v.location, v.code) for v in outcome.violations] == [("/resource", "missing_member")]
    outcome = rows["as-missing-issuer"].run().outcome
    assert isinstance(outcome, Fail)
    assert "missing_member" in {v.code for v in outcome.violations}
    unavailable = rows["prm-5xx"].run().outcome
    assert isinstance(unavailable, Fail)
    assert unavailable.violations == ()


def test_a_dpop_only_challenge_is_an_oauth_challenge_with_its_hint() -> None:
    # RFC 9449 §7.1: the DPoP scheme carries Bearer's parameters, resource_metadata included.
    hint = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"
    answer = ResourceResponse(status=401, www_authenticate=f'DPoP resource_metadata="{hint}"')
    action = next_action(answer, context=context())
    assert isinstance(action, FetchResourceMetadata)
    assert action.url == hint
    assert any(n.code == "dpop_challenge" for n in action.notes)
    # A scheme that is not an OAuth token scheme still ends discovery.
    basic = ResourceResponse(status=401, www_authenticate="Basic realm=x")
    other = next_action(basic, context=context())
    assert isinstance(other, Fail)
