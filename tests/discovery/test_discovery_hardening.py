"""Discovery against hostile servers and careless callers.

SSRF targets are refused (`host_refusal`, `ip_refusal`, `url_refusal`), every URL rfcauth names
passes one check, discovery is bounded and linear, "try later" is never "absent", and misuse
raises only `UsageError`.
"""

from __future__ import annotations

import gc
import ipaddress
import time
import weakref
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rfcauth import (
    Authorize,
    BearerChallenge,
    Challenge,
    ClientOptions,
    DiscoveryContext,
    Fail,
    Fetched,
    FetchResourceMetadata,
    FetchServerMetadata,
    Policy,
    ResourceResponse,
    UsageError,
    format_www_authenticate,
    next_action,
    parse_authorization_server_metadata,
    parse_protected_resource_metadata,
    simulate,
)
from rfcauth.discovery._addresses import host_refusal, ip_refusal, url_refusal

RESOURCE = "https://mcp.example.com/mcp"
PRM_PATH = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"
PRM_ROOT = "https://mcp.example.com/.well-known/oauth-protected-resource"
AS = "https://auth.example.com"
AS_URL = AS + "/.well-known/oauth-authorization-server"


def asm(issuer: str = AS, **members: object) -> dict[str, object]:
    document: dict[str, object] = {
        "issuer": issuer,
        "authorization_endpoint": issuer + "/authorize",
        "token_endpoint": issuer + "/token",
        "registration_endpoint": issuer + "/register",
        "response_types_supported": ["code"],
        "code_challenge_methods_supported": ["S256"],
    }
    document.update(members)
    return document


def hinted(hint: str, scheme: str = "Bearer") -> dict[str, Any]:
    quoted = hint.replace('"', '\\"')  # a quoted-string escapes '"' (RFC 9110 §5.6.4)
    header = f'{scheme} resource_metadata="{quoted}"'
    if scheme != "Bearer":  # a Bearer challenge without a hint, so that discovery applies
        header += ', Bearer error="invalid_token"'
    return {"status": 401, "headers": {"WWW-Authenticate": header}}


def world(**responses: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {RESOURCE: {"status": 401}, **responses}


def prm(*servers: str, resource: str = RESOURCE) -> dict[str, Any]:
    return {"body": {"resource": resource, "authorization_servers": list(servers)}}


# -- which hosts are refused -------------------------------------------------------------------

REFUSED_HOSTS = [
    "127.0.0.1",
    "127.8.9.10",
    "10.0.0.5",
    "172.16.3.4",
    "192.168.1.1",
    "169.254.169.254",
    "0.0.0.0",  # noqa: S104 - a refused host, not a bind address
    "100.64.0.1",
    "224.0.0.1",
    "240.0.0.1",
    "[::1]",
    "[::]",
    "[fe80::1]",
    "[fd00::1]",
    "[fc00::1]",
    "[::ffff:127.0.0.1]",
    "[::ffff:a9fe:a9fe]",
    "[64:ff9b::a9fe:a9fe]",
    "[2002:7f00:1::]",
    "[ff02::1]",
    "2130706433",
    "0x7f.1",
    "0177.0.0.1",
    "127.1",
    "localhost",
    "LOCALHOST.",
    "api.localhost",
    "metadata.google.internal",
    "printer.local",
    "router.home.arpa",
    "metadata",
    "intranet",
    "metadata.google%2einternal",
    "%31%32%37.0.0.1",
    "[fe80::1%25eth0]",
]
ALLOWED_HOSTS = [
    "auth.example.com",
    "93.184.215.14",
    "[2606:4700::1111]",
    "login.microsoftonline.com",
]


@pytest.mark.parametrize("host", REFUSED_HOSTS)
def test_local_private_and_special_hosts_are_refused(host: str) -> None:
    assert host_refusal(host) is not None


@pytest.mark.parametrize("host", ALLOWED_HOSTS)
def test_public_hosts_are_not_refused(host: str) -> None:
    assert host_refusal(host) is None


@given(st.ip_addresses(v=4))
def test_a_dotted_quad_is_judged_like_its_address(ip: ipaddress.IPv4Address) -> None:
    assert (host_refusal(str(ip)) is None) == (ip_refusal(ip) is None)
    mapped = ipaddress.IPv6Address(f"::ffff:{ip}")
    assert (ip_refusal(mapped) is None) == (ip_refusal(ip) is None)


@given(st.ip_addresses(v=6))
def test_an_ipv6_literal_is_judged_like_its_address(ip: ipaddress.IPv6Address) -> None:
    assert (host_refusal(f"[{ip}]") is None) == (ip_refusal(ip) is None)
    if ip_refusal(ip) is None:
        assert ip.is_global


# -- the one URL check, through next_action ---------------------------------------------------

BAD_HINTS = [
    "http://127.0.0.1:2375/containers/json",
    "https://169.254.169.254/latest/meta-data/",
    "https://10.0.0.5/prm",
    "https://[::ffff:127.0.0.1]/prm",
    "https://metadata.google.internal/computeMetadata/v1/",
    "https://2130706433/prm",
    "https://user:pass@evil.example/prm",
    "https://good.example\\\\@evil.example/prm",
    "https://evil.example/p rm",
    "https://evil.example/p\trm",
    'https://evil.example/"prm',
    "https://evil.example/pr\u00e9m",
    "https://evil.example/prm%zz",
    "https://evil.example/prm#frag",
    "http://evil.example/prm",
]


@pytest.mark.parametrize("scheme", ["Bearer", "DPoP"])
@pytest.mark.parametrize("hint", BAD_HINTS)
def test_a_refused_hint_is_never_fetched_whatever_the_scheme(hint: str, scheme: str) -> None:
    plan = simulate(RESOURCE, world(**{RESOURCE: hinted(hint, scheme)}))
    assert plan.probes[0] == PRM_PATH
    assert all("evil" not in url and "127.0.0.1" not in url for url in plan.probes)
    # The one URL check says why; a Bearer value that is not even a URI is already dropped
    # by the Bearer view (RFC 6750 §3), which says so in its own note.
    codes = {n.code for n in plan.outcome.warnings}
    assert codes & {"resource_metadata_hint_unusable", "bearer_value_problem"}


def test_a_developers_loopback_server_keeps_working() -> None:
    resource = "http://127.0.0.1:3000/mcp"
    hint = "http://127.0.0.1:3000/prm"
    issuer = "http://localhost:9000"
    plan = simulate(
        resource,
        {
            resource: hinted(hint),
            hint: prm(issuer, resource=resource),
            issuer + "/.well-known/oauth-authorization-server": {"body": asm(issuer)},
        },
    )
    assert isinstance(plan.outcome, Authorize), plan.explain()
    assert plan.probes[0] == hint


def test_a_private_authorization_server_needs_the_named_tolerance() -> None:
    issuer = "https://10.0.0.6"
    responses = world(
        **{
            PRM_PATH: prm(issuer),
            issuer + "/.well-known/oauth-authorization-server": {"body": asm(issuer)},
        }
    )
    refused = simulate(RESOURCE, responses)
    assert isinstance(refused.outcome, Fail)
    assert refused.outcome.code == "url_refused"
    assert refused.outcome.url == issuer
    assert all("10.0.0.6" not in url for url in refused.probes)
    allowed = simulate(RESOURCE, responses, policy=Policy(allow_private_network=True))
    assert isinstance(allowed.outcome, Authorize), allowed.explain()


def test_a_refused_authorization_server_is_skipped_for_the_next_one() -> None:
    plan = simulate(
        RESOURCE,
        world(**{PRM_PATH: prm("https://169.254.169.254", AS), AS_URL: {"body": asm()}}),
    )
    assert isinstance(plan.outcome, Authorize)
    assert plan.outcome.issuer == AS
    assert "authorization_server_refused" in {n.code for n in plan.outcome.warnings}
    assert all("169.254" not in url for url in plan.probes)


@pytest.mark.parametrize(
    "member", ["authorization_endpoint", "token_endpoint", "registration_endpoint"]
)
def test_an_endpoint_on_a_private_address_is_refused(member: str) -> None:
    target = "https://192.168.0.10/" + member
    plan = simulate(
        RESOURCE, world(**{PRM_PATH: prm(AS), AS_URL: {"body": asm(**{member: target})}})
    )
    assert isinstance(plan.outcome, Fail)
    assert plan.outcome.code == "url_refused"
    assert plan.outcome.url == target


def test_legacy_metadata_endpoints_pass_the_same_check() -> None:
    local = "https://localhost/token"
    origin_asm = asm("https://mcp.example.com", token_endpoint=local)
    plan = simulate(
        RESOURCE,
        world(
            **{
                "https://mcp.example.com/.well-known/oauth-authorization-server": {
                    "body": origin_asm
                }
            }
        ),
    )
    assert isinstance(plan.outcome, Fail)
    assert (plan.outcome.code, plan.outcome.url) == ("url_refused", local)


def test_url_refusal_names_the_check_that_failed() -> None:
    ctx = DiscoveryContext(resource=RESOURCE)
    assert "userinfo" in (url_refusal("https://u:p@auth.example.com/x", ctx) or "")
    assert "link-local" in (url_refusal("https://169.254.169.254/x", ctx) or "")
    assert "https" in (url_refusal("http://auth.example.com/x", ctx) or "")
    assert url_refusal("https://auth.example.com/x", ctx) is None


# -- bounded and linear -----------------------------------------------------------------------


def _servers(n: int) -> list[str]:
    return [f"https://as{i}.example.com" for i in range(n)]


def test_thirty_two_servers_without_metadata_end_in_a_fail_not_an_exception() -> None:
    plan = simulate(RESOURCE, world(**{PRM_PATH: prm(*_servers(32))}))
    assert isinstance(plan.outcome, Fail)
    assert plan.outcome.code == "discovery_limit_reached"
    assert len(plan.probes) <= Policy().max_discovery_requests
    assert "authorization_servers_capped" in {n.code for n in plan.outcome.notes}


def test_the_request_budget_is_a_fail_with_its_own_code() -> None:
    policy = Policy(max_discovery_requests=3)
    plan = simulate(RESOURCE, world(**{PRM_PATH: prm(*_servers(4))}), policy=policy)
    assert isinstance(plan.outcome, Fail)
    assert plan.outcome.code == "discovery_limit_reached"
    assert len(plan.probes) == 3


def test_a_whole_walk_over_many_absent_servers_is_linear() -> None:
    n = 800
    doc = prm(*_servers(n))["body"]
    policy = Policy(max_authorization_servers=n, max_discovery_requests=10 * n)
    ctx = DiscoveryContext(resource=RESOURCE, policy=policy)
    challenge = ResourceResponse(status=401)
    prm_answers: list[Fetched] = []
    asm_answers: list[Fetched] = []
    start = time.process_time()
    while True:
        action = next_action(challenge, prm_answers, asm_answers, context=ctx)
        if isinstance(action, FetchResourceMetadata):
            prm_answers.append(Fetched(url=action.url, status=200, body=doc))
        elif isinstance(action, FetchServerMetadata):
            asm_answers.append(Fetched(url=action.url, status=404))
        else:
            break
    elapsed = time.process_time() - start
    assert isinstance(action, Fail)
    assert action.code == "no_authorization_server"
    assert len(asm_answers) == 2 * n  # RFC 8414 and OIDC for each path-less issuer
    # Quadratic replay took ~30 s here; linear takes well under one.
    assert elapsed < 3.0, elapsed


# -- "try later" is not "absent" --------------------------------------------------------------


@pytest.mark.parametrize("status", [408, 429, 503])
def test_try_later_stops_discovery_with_retry_after(status: int) -> None:
    answer = {"status": status, "headers": {"Retry-After": "120"}}
    plan = simulate(RESOURCE, world(**{PRM_PATH: answer}))
    assert isinstance(plan.outcome, Fail)
    assert plan.outcome.code == "discovery_unavailable"
    assert plan.outcome.retry_after == "120"
    assert plan.probes == (PRM_PATH,)  # no root probe, no legacy downgrade


@pytest.mark.parametrize("status", [408, 429])
def test_try_later_on_server_metadata_is_not_a_skip(status: int) -> None:
    plan = simulate(
        RESOURCE,
        world(**{PRM_PATH: prm(AS, "https://other.example.com"), AS_URL: {"status": status}}),
    )
    assert isinstance(plan.outcome, Fail)
    assert plan.outcome.code == "discovery_unavailable"
    assert plan.outcome.retry_after is None


# -- the configured resource is canonicalised -------------------------------------------------


def test_the_resource_url_is_canonicalised_with_a_note() -> None:
    ctx = DiscoveryContext(resource="HTTPS://MCP.Example.COM:443/mcp#section")
    assert ctx.resource == RESOURCE
    assert ctx.resource_as_given == "HTTPS://MCP.Example.COM:443/mcp#section"
    first = next_action(ResourceResponse(status=401), context=ctx)
    assert isinstance(first, FetchResourceMetadata)
    assert first.url == PRM_PATH
    (note,) = [n for n in first.notes if n.code == "resource_canonicalised"]
    assert "fragment" in note.message


def test_a_canonical_resource_has_no_note() -> None:
    first = next_action(ResourceResponse(status=401), context=DiscoveryContext(resource=RESOURCE))
    assert "resource_canonicalised" not in {n.code for n in first.notes}


def test_a_non_default_port_and_the_path_case_are_kept() -> None:
    assert DiscoveryContext(resource="https://X.example:8443/MCP?q=A").resource == (
        "https://x.example:8443/MCP?q=A"
    )


@pytest.mark.parametrize(
    ("resource", "why"),
    [
        ("https://[::1/mcp", "closing"),
        ("https://[zz]/mcp", "IP literal"),
        ("https://u:p@x.example/mcp", "userinfo"),
        ("ftp://x.example/mcp", "http(s)"),
        ("https://x.example:99999999999999999999/", "port"),
    ],
)
def test_what_cannot_be_canonicalised_says_why(resource: str, why: str) -> None:
    with pytest.raises(UsageError, match="cannot be canonicalised") as raised:
        DiscoveryContext(resource=resource)
    assert why in str(raised.value)


# -- only rfcauth errors ----------------------------------------------------------------------


def _deep(depth: int) -> list[object]:
    value: list[object] = []
    for _ in range(depth):
        value = [value]
    return value


def _cyclic() -> list[object]:
    value: list[object] = []
    value.append(value)
    return value


@pytest.mark.parametrize(
    "body",
    [_deep(100_000), {"resource": RESOURCE, "x": _deep(100_000)}, 10**5000, _cyclic()],
    ids=["deep-list", "deep-member", "huge-int", "cyclic-list"],
)
def test_hostile_decoded_bodies_are_invalid_documents(body: object) -> None:
    ctx = DiscoveryContext(resource=RESOURCE)
    action = next_action(
        ResourceResponse(status=401),
        [Fetched(url=PRM_PATH, status=200, body=body)],
        context=ctx,
    )
    assert isinstance(action, Fail)
    assert action.code == "resource_metadata_invalid"


@pytest.mark.parametrize("kind", [bytearray, memoryview])
def test_byte_buffers_are_bodies_like_bytes(kind: type) -> None:
    body = kind(b'{"resource": "https://mcp.example.com/mcp"}')
    action = next_action(
        ResourceResponse(status=401),
        [Fetched(url=PRM_PATH, status=200, body=body)],
        context=DiscoveryContext(resource=RESOURCE),
    )
    assert isinstance(action, Fail)
    assert action.reason == "resource_metadata_lists_no_authorization_server"


MISUSE = {
    "set body": lambda: Fetched(url=PRM_PATH, status=200, body={1, 2}),
    "object body": lambda: Fetched(url=PRM_PATH, status=200, body=object()),
    "str status": lambda: Fetched(url=PRM_PATH, status="200"),
    "bool status": lambda: Fetched(url=PRM_PATH, status=True),
    "unknown error": lambda: Fetched(url=PRM_PATH, error="dns"),
    "int url": lambda: Fetched(url=5, status=404),
    "int retry_after": lambda: Fetched(url=PRM_PATH, status=429, retry_after=120),
    "prm None": lambda: next_action(
        ResourceResponse(status=401), None, context=DiscoveryContext(resource=RESOURCE)
    ),
    "prm str": lambda: next_action(
        ResourceResponse(status=401), "x", context=DiscoveryContext(resource=RESOURCE)
    ),
    "format None": lambda: format_www_authenticate(None),
    "format int": lambda: format_www_authenticate(5),
    "find int": lambda: BearerChallenge.find(5),
    "params int": lambda: Challenge(scheme="B", params=5),
    "legacy_fallback str": lambda: Policy(legacy_fallback="no"),
    "allow_private_network int": lambda: Policy(allow_private_network=1),
    "max_step_up_attempts bool": lambda: Policy(max_step_up_attempts=True),
    "max_authorization_servers 0": lambda: Policy(max_authorization_servers=0),
    "max_discovery_requests float": lambda: Policy(max_discovery_requests=2.0),
    "client_metadata_url int": lambda: ClientOptions(client_metadata_url=5),
    "client_id int": lambda: ClientOptions(client_id=5),
    "dynamic_registration str": lambda: ClientOptions(dynamic_registration="yes"),
    "step_up_attempts bool": lambda: ClientOptions(step_up_attempts=False),
    "asm strict str": lambda: parse_authorization_server_metadata(b"{}", strict="x"),
    "prm strict int": lambda: parse_protected_resource_metadata(b"{}", strict=1),
    "resource bracket": lambda: DiscoveryContext(resource="https://[::1/mcp"),
}


@pytest.mark.parametrize("call", MISUSE.values(), ids=MISUSE.keys())
def test_misuse_raises_usage_error(call: Any) -> None:
    with pytest.raises(UsageError):
        call()


def test_the_walks_memo_tables_do_not_keep_answers_alive() -> None:
    ctx = DiscoveryContext(resource=RESOURCE)
    body = b'{"resource": "https://mcp.example.com/mcp", "authorization_servers": ["' + AS.encode()

    def discover() -> weakref.ref[Fetched]:
        answer = Fetched(url=PRM_PATH, status=200, body=body + b'"]}')
        next_action(ResourceResponse(status=401), [answer], context=ctx)
        return weakref.ref(answer)

    first = discover()
    for _ in range(20):  # more discoveries than any table keeps histories for
        discover()
    gc.collect()
    assert first() is None
