"""Stage 6: the MCP 2025-03-26 legacy fallback (the motivating case).

Only when the 401 carried no usable hint and every PRM candidate was absent (and
`Policy.legacy_fallback` allows it). The resource's origin is the authorization server; with no
metadata at all, the 2025-03-26 default endpoints ``/authorize``, ``/token``, ``/register``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rfcauth.discovery._authorization_request import authorize, finish
from rfcauth.discovery._rules import (
    R_AS_IDENTITY,
    R_LEGACY,
    R_LEGACY_DEFAULTS,
    R_MCP_PRM_ORDER,
    cite,
)
from rfcauth.discovery._server_metadata import server_metadata
from rfcauth.metadata._url_identity import origin_of, origin_url
from rfcauth.metadata._wellknown import authorization_server_metadata_urls

if TYPE_CHECKING:
    from rfcauth.challenge._bearer import BearerChallenge
    from rfcauth.discovery._state import WalkState

__all__ = ["legacy"]


def legacy(state: WalkState, bearer: BearerChallenge | None) -> None:
    """The resource's origin as the authorization server: its metadata, or the default endpoints."""
    if not state.policy.legacy_fallback:
        raise state.fail(
            "no_authorization_server",
            "resource_metadata_not_found",
            R_MCP_PRM_ORDER,
            "No Protected Resource Metadata at any well-known location, and the policy "
            "does not allow the MCP 2025-03-26 fallback.",
        )
    origin = origin_url(state.context.resource)
    state.note(
        "legacy_fallback",
        "No usable resource_metadata hint and no PRM document anywhere: the server is "
        "treated as an MCP 2025-03-26 server whose origin is the authorization server.",
        R_LEGACY,
        warn=True,
    )
    found = server_metadata(state, authorization_server_metadata_urls(origin), origin, legacy=True)
    if found is not None:
        asm, url = found
        _check_legacy_issuer(state, asm.issuer, url)
        authorize(
            state, asm, server_metadata_url=url, protocol="2025-03-26", prm=None, bearer=bearer
        )
    state.note(
        "legacy_default_endpoints",
        "The origin publishes no metadata: using the 2025-03-26 default endpoints "
        "/authorize, /token and /register (that revision required PKCE of every server).",
        R_LEGACY_DEFAULTS,
        warn=True,
    )
    finish(
        state,
        issuer=origin,
        authorization_endpoint=origin + "/authorize",
        token_endpoint=origin + "/token",
        registration_endpoint=origin + "/register",
        cimd_supported=False,
        server_metadata_url=None,
        protocol="2025-03-26",
        prm=None,
        bearer=bearer,
    )


def _check_legacy_issuer(state: WalkState, issuer: str, url: str) -> None:
    origin = origin_url(state.context.resource)
    if issuer in (origin, origin + "/"):
        return
    on_origin = origin_of(issuer) == origin_of(origin) and issuer.startswith(origin + "/")
    if on_origin and state.policy.legacy_issuer_path:
        state.note(
            "legacy_issuer_with_path",
            f"The origin's metadata names issuer {issuer!r}, mounted below the origin; "
            "accepted on the legacy path (MCP conformance back-compat scenario).",
            R_LEGACY,
            url=url,
            warn=True,
        )
        return
    raise state.fail(
        "issuer_mismatch",
        "legacy_issuer_not_on_origin",
        cite(R_AS_IDENTITY, R_LEGACY),
        f"The origin's metadata at {url} names issuer {issuer!r}, which is not the "
        f"resource's origin {origin!r}; it MUST NOT be used.",
        url=url,
    )
