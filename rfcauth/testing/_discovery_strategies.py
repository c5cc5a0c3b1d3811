"""`discovery_worlds`: canned servers, with the outcome and requests `simulate` reaches.

Theory of operation
-------------------
A world is a resource URL and the responses its servers give (the input of
``rfcauth.simulate``): the resource's 401 and its ``WWW-Authenticate`` (RFC 9110 §11.6.1),
protected resource metadata where RFC 9728 §3.1 / §5.1 put it or nowhere, and authorization
server metadata where RFC 8414 §3.1 (or OpenID Connect Discovery) puts it, or at the
resource's origin for the MCP 2025-03-26 back-compat path. Each choice lists its simplest
option first, so a world shrinks to the seed case: a 401 ``Bearer error="invalid_token"``
with no hint, no protected resource metadata anywhere, RFC 8414 metadata at the origin.
The expected behaviour is what ``simulate`` does with the compatible policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from rfcauth.discovery import Plan, simulate

__all__ = ["DiscoveryWorld", "discovery_worlds"]

_PRM = "/.well-known/oauth-protected-resource"
_ASM = "/.well-known/oauth-authorization-server"
_OIDC = "/.well-known/openid-configuration"


@dataclass(frozen=True, slots=True, kw_only=True)
class DiscoveryWorld:
    """Canned servers for one resource, and what rfcauth's discovery does against them.

    Attributes:
        resource: the URL the client requests first.
        responses: absolute URL → ``{"status", "headers", "body"}`` (unlisted URLs answer
            404), the shape ``rfcauth.simulate`` and ``rfcauth vectors discovery`` use.
        plan: ``simulate(resource, responses)``: its ``outcome`` (``Authorize`` / ``Fail``
            with the rule and reason) and ``probes`` (the metadata GETs in order).
        features: the choices the world was built from, for reading a counterexample.
    """

    resource: str
    responses: dict[str, dict[str, Any]]
    plan: Plan
    features: dict[str, str]


def _asm_document(issuer: str, *, pkce: bool) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "issuer": issuer,
        "authorization_endpoint": issuer.rstrip("/") + "/authorize",
        "token_endpoint": issuer.rstrip("/") + "/token",
        "registration_endpoint": issuer.rstrip("/") + "/register",
        "response_types_supported": ["code"],
    }
    if pkce:
        doc["code_challenge_methods_supported"] = ["S256"]
    return doc


def _json(body: dict[str, Any]) -> dict[str, Any]:
    return {"status": 200, "headers": {"Content-Type": "application/json"}, "body": body}


def _asm_urls(issuer: str, where: str) -> str:
    origin, _, path = issuer.partition("://")[2].partition("/")
    base = "https://" + origin
    path = "/" + path.rstrip("/") if path.rstrip("/") else ""
    return {
        "rfc8414": base + _ASM + path,
        "oidc_inserted": base + _OIDC + path,
        "oidc_appended": base + path + _OIDC,
    }[where]


@st.composite
def _worlds(draw: st.DrawFn, *, legacy_only: bool) -> DiscoveryWorld:
    host = draw(st.sampled_from(["mcp.example.com", "api.example.net"]))
    path = draw(st.sampled_from(["/mcp", "/", "/v1/mcp", "/mcp/"]))
    resource = f"https://{host}{path}"
    origin = f"https://{host}"
    if legacy_only:
        challenge = draw(st.sampled_from(["no_hint", "none"]))
        prm_at = "nowhere"
    else:
        challenge = draw(st.sampled_from(["no_hint", "hint", "none", "basic_then_bearer"]))
        prm_at = draw(st.sampled_from(["nowhere", "hint", "path", "root"]))
    as_kind = draw(st.sampled_from(["origin", "other_host", "origin_path"]))
    asm_at = draw(st.sampled_from(["rfc8414", "oidc_inserted", "oidc_appended", "nowhere"]))
    issuer_form = draw(st.sampled_from(["exact", "trailing_slash", "other"]))
    pkce = draw(st.booleans().map(lambda b: not b))  # True first: the simplest world works
    miss_status = draw(st.sampled_from([404, 404, 400, 500]))

    hint_url = origin + "/prm-document"
    prm_urls = {
        "hint": hint_url,
        "path": origin + _PRM + path.rstrip("/") if path.rstrip("/") else origin + _PRM,
        "root": origin + _PRM,
    }
    headers: dict[str, Any] = {}
    if challenge == "no_hint":
        headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    elif challenge == "hint":
        headers["WWW-Authenticate"] = f'Bearer resource_metadata="{hint_url}"'
    elif challenge == "basic_then_bearer":
        headers["WWW-Authenticate"] = f'Basic realm="x", Bearer resource_metadata="{hint_url}"'
    responses: dict[str, dict[str, Any]] = {resource: {"status": 401, "headers": headers}}

    issuer = {
        "origin": origin,
        "other_host": "https://auth.example.org",
        "origin_path": origin + "/oauth",
    }[as_kind]
    if prm_at != "nowhere":
        prm_resource = resource if prm_at != "root" else origin
        if prm_at == "root" and path.rstrip("/"):
            prm_resource = resource
        prm = {"resource": prm_resource, "authorization_servers": [issuer]}
        responses[prm_urls[prm_at]] = _json(prm)
    named = {
        "exact": issuer,
        "trailing_slash": issuer + "/",
        "other": "https://elsewhere.example.org",
    }[issuer_form]
    if asm_at != "nowhere":
        # The legacy path looks at the origin; a PRM-named server is looked up by its issuer.
        lookup = origin if prm_at == "nowhere" and challenge != "hint" else issuer
        url = _asm_urls(lookup, asm_at)
        responses[url] = _json(_asm_document(named, pkce=pkce))
    for url in prm_urls.values():
        if url not in responses and miss_status != 404:  # noqa: PLR2004 -- 404 is the default answer
            responses[url] = {"status": miss_status}
    plan = simulate(resource, responses)
    features = {
        "challenge": challenge,
        "prm_at": prm_at,
        "authorization_server": as_kind,
        "asm_at": asm_at,
        "issuer": issuer_form,
        "pkce": str(pkce).lower(),
        "missing_status": str(miss_status),
    }
    return DiscoveryWorld(resource=resource, responses=responses, plan=plan, features=features)


def discovery_worlds(*, legacy_only: bool = False) -> st.SearchStrategy[DiscoveryWorld]:
    """Canned discovery set-ups with what rfcauth's discovery does in them.

    Covers: a challenge with or without a ``resource_metadata`` hint (RFC 9728 §5.1), or
    none; protected resource metadata at the hint, at the path-inserted or root well-known
    URL (RFC 9728 §3.1), or nowhere; an authorization server at the resource's origin, on
    another host, or under a path; its metadata at the RFC 8414 §3.1 URL, either OpenID
    Connect URL, or nowhere; an ``issuer`` that is identical, differs by a trailing slash, or
    names another server (RFC 8414 §3.3); PKCE advertised or not; misses answering 404, 400
    or 500. Shrinks to the seed case (no hint, no protected resource metadata, RFC 8414
    metadata at the origin).

    Args:
        legacy_only: only worlds with no hint and no protected resource metadata, where
            discovery falls back to the MCP 2025-03-26 path (the resource's origin).

    >>> from hypothesis import find
    >>> seed = find(discovery_worlds(), lambda world: True)
    >>> seed.features["challenge"], seed.features["prm_at"], seed.plan.outcome.protocol
    ('no_hint', 'nowhere', '2025-03-26')
    """
    return _worlds(legacy_only=legacy_only)
