"""Stages 2 and 3: Protected Resource Metadata (RFC 9728) and its `resource` identity.

Candidates in order: the challenge's ``resource_metadata`` hint (§5.1), the path-inserted
well-known URL, the root one (§3.1). A 4xx answer is *absent*: try the next. A 5xx or network
failure is `discovery_unavailable` — never a skip, never a downgrade. A failing hint continues
to the well-known candidates. The document's ``resource`` must match per `Policy.resource_match`
(§3.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rfcauth._errors import MetadataError
from rfcauth.discovery._actions import Fail, FetchResourceMetadata
from rfcauth.discovery._rules import (
    R_HINT,
    R_MCP_PRM_ORDER,
    R_PRM_IDENTITY,
    R_PRM_RESPONSE,
    R_PRM_URL,
)
from rfcauth.discovery._state import Decided, WalkState
from rfcauth.metadata._parse import parse_protected_resource_metadata
from rfcauth.metadata._url_identity import origin_of, path_is_segment_prefix
from rfcauth.metadata._wellknown import protected_resource_metadata_urls

if TYPE_CHECKING:
    from rfcauth.discovery._inputs import Fetched
    from rfcauth.metadata._prm import ProtectedResourceMetadata

__all__ = ["Prm", "find_resource_metadata"]


@dataclass(frozen=True, slots=True)
class Prm:
    """A usable PRM document and the URL it came from."""

    document: ProtectedResourceMetadata
    url: str


def _prm_candidates(state: WalkState, hint: str | None) -> list[FetchResourceMetadata]:
    resource = state.context.resource
    out: list[FetchResourceMetadata] = []
    if hint is not None:
        out.append(
            FetchResourceMetadata(
                url=hint,
                route="hint",
                expected_resource=resource,
                reason="resource_metadata_hint",
                rule=R_HINT,
                explanation="Fetch the Protected Resource Metadata the challenge names.",
            )
        )
    for candidate in protected_resource_metadata_urls(resource):
        root = candidate.kind.endswith("root")
        out.append(
            FetchResourceMetadata(
                url=candidate.url,
                route="well_known_root" if root else "well_known_path",
                expected_resource=candidate.built_from,
                reason="well_known_root" if root else "well_known_path",
                rule=R_PRM_URL,
                explanation=(
                    "Fetch the root well-known Protected Resource Metadata."
                    if root
                    else "Fetch the path-inserted well-known Protected Resource Metadata."
                ),
            )
        )
    seen: set[str] = set()
    unique = []
    for action in out:
        if action.url not in seen:
            seen.add(action.url)
            unique.append(action)
    return unique


def find_resource_metadata(state: WalkState, hint: str | None) -> Prm | None:
    """Walk the PRM candidates; None when every one was absent and legacy may apply."""
    hint_failure: Fail | None = None
    for candidate in _prm_candidates(state, hint):
        fetched = state.lookup(state.prm_fetches, candidate.url)
        if fetched is None:
            raise state.request(candidate)
        if state.absent(fetched, "resource_metadata", R_PRM_RESPONSE):
            continue
        try:
            document = _validate_prm(state, candidate, fetched)
        except Decided as decided:
            if candidate.route != "hint" or not isinstance(decided.action, Fail):
                raise
            hint_failure = decided.action
            state.note(
                decided.action.code,
                f"The hinted PRM document is unusable ({decided.action.reason}); "
                "continuing with the well-known locations.",
                R_MCP_PRM_ORDER,
                url=candidate.url,
                warn=True,
            )
            continue
        return Prm(document=document, url=candidate.url)
    if hint_failure is not None:
        raise state.fail(
            hint_failure.code,
            hint_failure.reason,
            hint_failure.rule,
            hint_failure.explanation + " No well-known PRM document exists either.",
            url=hint_failure.url,
        )
    if hint is not None:
        raise state.fail(
            "no_authorization_server",
            "resource_metadata_not_found",
            R_MCP_PRM_ORDER,
            "The server sent a resource_metadata hint (it claims RFC 9728), but neither "
            "the hint nor the well-known locations serve a PRM document; the 2025-03-26 "
            "fallback does not apply to such a server.",
        )
    return None


def _validate_prm(
    state: WalkState, candidate: FetchResourceMetadata, fetched: Fetched
) -> ProtectedResourceMetadata:
    try:
        document = state.parsed(
            fetched,
            parse_protected_resource_metadata,
            strict=not state.policy.metadata_tolerances,
        )
    except MetadataError as exc:
        raise state.invalid(
            "resource_metadata_invalid", R_PRM_RESPONSE, candidate.url, exc
        ) from None
    for warning in document.warnings:
        state.note(warning.code, str(warning), warning.section, url=candidate.url, warn=True)
    _check_resource(state, candidate, document.resource)
    return document


def _check_resource(state: WalkState, candidate: FetchResourceMetadata, resource: str) -> None:
    """RFC 9728 §3.3 identity, per the policy."""
    requested = state.context.resource
    expected = candidate.expected_resource
    exact = {expected}
    if candidate.route == "well_known_root":
        # The root URL is built from the origin with "any terminating slash following the
        # host component" removed (RFC 9728 §3.1): both spellings name that identifier.
        exact.add(expected.rstrip("/") + "/")
    if resource in exact:
        return
    if state.policy.resource_match == "same_origin_prefix":
        same_origin = origin_of(resource) == origin_of(requested)
        from urllib.parse import urlsplit  # noqa: PLC0415 - local, cheap

        if (
            same_origin
            and origin_of(resource) is not None
            and not urlsplit(resource).query
            and path_is_segment_prefix(urlsplit(resource).path, urlsplit(requested).path)
        ):
            if resource != requested:
                state.note(
                    "resource_prefix_match",
                    f"PRM resource {resource!r} is not identical to {expected!r} but is on "
                    f"the same origin as {requested!r} and a segment prefix of its path "
                    "(compatible policy).",
                    R_PRM_IDENTITY,
                    url=candidate.url,
                    warn=True,
                )
            return
    raise state.fail(
        "resource_mismatch",
        "resource_not_identical"
        if state.policy.resource_match == "identical"
        else "resource_not_same_origin_prefix",
        R_PRM_IDENTITY,
        f"The PRM document at {candidate.url} describes {resource!r}, but the client asked "
        f"for {requested!r} (expected {expected!r}); the metadata MUST NOT be used.",
        url=candidate.url,
    )
