"""Stages 4 and 5: the authorization servers a PRM document lists, and their metadata.

Authorization servers in PRM order; per issuer the MCP candidate order (RFC 8414 §3.1
insertion, OIDC insertion, OIDC append). An issuer with no metadata anywhere → the next one.
Endpoints are never invented for an authorization server a PRM document names. A document is
validated against RFC 8414 and its `issuer` identity (§3.3, the mix-up defence).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rfcauth._errors import MetadataError, UsageError
from rfcauth.discovery._actions import FetchServerMetadata
from rfcauth.discovery._authorization_request import authorize
from rfcauth.discovery._rules import (
    R_AS_IDENTITY,
    R_AS_LIST,
    R_AS_ORDER,
    R_AS_RESPONSE,
    R_LEGACY,
)
from rfcauth.discovery._state import Decided, WalkState, json_body
from rfcauth.metadata._parse import parse_authorization_server_metadata
from rfcauth.metadata._wellknown import authorization_server_metadata_urls

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rfcauth.challenge._bearer import BearerChallenge
    from rfcauth.discovery._inputs import Fetched
    from rfcauth.discovery._resource_metadata import Prm
    from rfcauth.metadata._asm import AuthorizationServerMetadata
    from rfcauth.metadata._wellknown import WellKnownUrl

__all__ = ["authorization_servers", "server_metadata"]


def authorization_servers(state: WalkState, prm: Prm, bearer: BearerChallenge | None) -> None:
    """Try each listed authorization server in PRM order; authorize at the first with metadata."""
    issuers = prm.document.authorization_servers or ()
    if not issuers:
        raise state.fail(
            "no_authorization_server",
            "resource_metadata_lists_no_authorization_server",
            "MCP 2025-11-25 Authorization Server Location; " + R_AS_LIST,
            f"The PRM document at {prm.url} lists no authorization_servers.",
            url=prm.url,
        )
    for issuer in issuers:
        try:
            candidates = authorization_server_metadata_urls(issuer)
        except UsageError:
            raise state.fail(
                "resource_metadata_invalid",
                "authorization_server_not_an_issuer",
                R_AS_LIST,
                f"authorization_servers entry {issuer!r} is not an issuer identifier URL.",
                url=prm.url,
            ) from None
        found = server_metadata(state, candidates, issuer, legacy=False)
        if found is not None:
            asm, url = found
            authorize(
                state, asm, server_metadata_url=url, protocol="2025-11-25", prm=prm, bearer=bearer
            )
        state.note(
            "authorization_server_without_metadata",
            f"{issuer} publishes no metadata at any candidate URL; trying the next "
            "authorization server.",
            R_AS_LIST,
        )
    raise state.fail(
        "no_authorization_server",
        "no_authorization_server_metadata",
        R_AS_ORDER,
        "None of the authorization servers the PRM document lists publishes metadata; "
        "endpoints are never guessed for them.",
        url=prm.url,
    )


def server_metadata(
    state: WalkState, candidates: Sequence[WellKnownUrl], issuer: str, *, legacy: bool
) -> tuple[AuthorizationServerMetadata, str] | None:
    """Walk one issuer's metadata candidates: the first document found, or None if absent."""
    for candidate in candidates:
        fetched = state.asm_fetches.get(candidate.url)
        if fetched is None:
            where = "the origin's metadata" if legacy else f"the metadata of {issuer}"
            raise Decided(
                FetchServerMetadata(
                    url=candidate.url,
                    issuer=issuer,
                    kind=candidate.kind,
                    legacy=legacy,
                    reason=("legacy_" if legacy else "") + f"server_metadata_{candidate.kind}",
                    rule=R_LEGACY if legacy else candidate.rule + "; " + R_AS_ORDER,
                    explanation=f"Fetch {where} ({candidate.kind}).",
                    notes=tuple(state.notes),
                )
            )
        if state.absent(fetched, "server_metadata", R_AS_RESPONSE):
            continue
        # legacy: the issuer is checked against the origin, not an expected identifier
        return _validate_asm(
            state, candidate.url, fetched, None if legacy else issuer
        ), candidate.url
    return None


def _validate_asm(
    state: WalkState, url: str, fetched: Fetched, issuer: str | None
) -> AuthorizationServerMetadata:
    body = json_body(fetched.body)
    try:
        asm = parse_authorization_server_metadata(
            body, expected_issuer=issuer, strict=not state.policy.metadata_tolerances
        )
    except MetadataError as exc:
        if "issuer_mismatch" in exc.codes:
            raise state.fail(
                "issuer_mismatch",
                "issuer_not_identical",
                R_AS_IDENTITY,
                f"The metadata at {url} names a different issuer than {issuer!r}, the one "
                "its URL was built from; it MUST NOT be used (mix-up defence).",
                url=url,
            ) from None
        raise state.invalid("server_metadata_invalid", R_AS_RESPONSE, url, exc) from None
    for warning in asm.warnings:
        state.note(warning.code, str(warning), warning.section, url=url, warn=True)
    return asm
