"""Stages 4 and 5: the authorization servers a PRM document lists, and their metadata.

Authorization servers in PRM order; per issuer the MCP candidate order (RFC 8414 §3.1
insertion, OIDC insertion, OIDC append). An issuer with no metadata anywhere → the next one.
Endpoints are never invented for an authorization server a PRM document names. A document is
validated against RFC 8414 and its `issuer` identity (§3.3, the mix-up defence).
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rfcauth._errors import MetadataError, UsageError
from rfcauth.discovery._actions import FetchServerMetadata, Note
from rfcauth.discovery._authorization_request import authorize
from rfcauth.discovery._memo import remember
from rfcauth.discovery._rules import (
    R_AS_IDENTITY,
    R_AS_LIST,
    R_AS_ORDER,
    R_AS_RESPONSE,
    R_LEGACY,
    R_LIMITS,
    R_URL_CHECK,
    cite,
)
from rfcauth.metadata._parse import parse_authorization_server_metadata
from rfcauth.metadata._wellknown import authorization_server_metadata_urls

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rfcauth.challenge._bearer import BearerChallenge
    from rfcauth.discovery._inputs import Fetched
    from rfcauth.discovery._resource_metadata import Prm
    from rfcauth.discovery._state import WalkState
    from rfcauth.metadata._asm import AuthorizationServerMetadata
    from rfcauth.metadata._wellknown import WellKnownUrl

__all__ = ["authorization_servers", "server_metadata"]


def authorization_servers(state: WalkState, prm: Prm, bearer: BearerChallenge | None) -> None:
    """Try each listed authorization server in PRM order; authorize at the first with metadata.

    At most `Policy.max_authorization_servers` are tried. A server whose metadata URLs fail
    the URL check (`url_refusal`) is skipped with a warning, like one without metadata.
    """
    issuers = prm.document.authorization_servers or ()
    if not issuers:
        raise state.fail(
            "no_authorization_server",
            "resource_metadata_lists_no_authorization_server",
            "MCP 2025-11-25 Authorization Server Location; " + R_AS_LIST,
            f"The PRM document at {prm.url} lists no authorization_servers.",
            url=prm.url,
        )
    limit = state.policy.max_authorization_servers
    if len(issuers) > limit:
        state.note(
            "authorization_servers_capped",
            f"The PRM document lists {len(issuers)} authorization servers; only the first "
            f"{limit} are tried (Policy.max_authorization_servers).",
            R_LIMITS,
            url=prm.url,
            warn=True,
        )
    progress = _resume(state, prm)
    try:
        _try_in_order(state, prm, bearer, issuers[:limit], progress)
    finally:
        _remember(progress)
    refused = progress.refused
    if refused is not None:
        raise state.fail(
            "url_refused",
            "authorization_server_refused",
            R_URL_CHECK,
            f"No listed authorization server could be used, and {refused!r} was refused by "
            "the URL check (see the notes); endpoints are never guessed for them.",
            url=refused,
        )
    if len(issuers) > limit:
        raise state.fail(
            "discovery_limit_reached",
            "too_many_authorization_servers",
            R_LIMITS,
            f"None of the first {limit} of {len(issuers)} authorization servers publishes "
            "metadata; the rest are not tried (Policy.max_authorization_servers).",
            url=prm.url,
        )
    raise state.fail(
        "no_authorization_server",
        "no_authorization_server_metadata",
        R_AS_ORDER,
        "None of the authorization servers the PRM document lists publishes metadata; "
        "endpoints are never guessed for them.",
        url=prm.url,
    )


@dataclass(slots=True, kw_only=True)
class _Progress:
    """How far the server loop got in an earlier call.

    The first `done` servers were passed over after consuming `answers` (at `urls`) and
    writing `notes`.

    `next_action` replays the walk on every call; resuming the loop where the last call left
    it (after checking that the same answers are still there, by identity) keeps a whole
    discovery linear in the number of fetches instead of quadratic.
    """

    document: object
    context: object
    done: int = 0
    refused: str | None = None
    urls: list[str] = field(default_factory=list)
    answers: list[Fetched | None] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


_PROGRESS: dict[tuple[int, int], _Progress] = {}
_PROGRESS_SIZE = 16  # one per discovery in progress; each entry holds its answers


def _resume(state: WalkState, prm: Prm) -> _Progress:
    """A copy of the last call's progress if it still holds for these answers, else a start."""
    last = _PROGRESS.get((id(prm.document), id(state.context)))
    if (
        last is None
        or last.document is not prm.document
        or last.context is not state.context
        or not all(map(operator.is_, map(state.asm_fetches.get, last.urls), last.answers))
    ):
        return _Progress(document=prm.document, context=state.context)
    state.notes.extend(last.notes)
    state.consumed.update(last.urls)
    return _Progress(
        document=last.document,
        context=last.context,
        done=last.done,
        refused=last.refused,
        urls=list(last.urls),
        answers=list(last.answers),
        notes=list(last.notes),
    )


def _remember(progress: _Progress) -> None:
    key = (id(progress.document), id(progress.context))
    remember(_PROGRESS, key, progress, size=_PROGRESS_SIZE)


def _try_in_order(
    state: WalkState,
    prm: Prm,
    bearer: BearerChallenge | None,
    issuers: Sequence[str],
    progress: _Progress,
) -> None:
    """Authorize at the first server with metadata (raises), or pass over every one."""
    for issuer in issuers[progress.done :]:
        mark = len(state.notes)
        candidates = _metadata_urls(issuer)
        if candidates is None:
            raise state.fail(
                "resource_metadata_invalid",
                "authorization_server_not_an_issuer",
                R_AS_LIST,
                f"authorization_servers entry {issuer!r} is not an issuer identifier URL.",
                url=prm.url,
            )
        refusal = next(
            (r for r in (state.refusal(c.url) for c in candidates) if r is not None), None
        )
        urls: list[str] = []
        if refusal is not None:
            progress.refused = progress.refused or issuer
            state.note(
                "authorization_server_refused",
                f"{issuer} is not contacted: its metadata URL {refusal}; trying the next "
                "authorization server.",
                R_URL_CHECK,
                url=issuer,
                warn=True,
            )
        else:
            found = server_metadata(state, candidates, issuer, legacy=False)
            if found is not None:
                asm, url = found
                authorize(
                    state,
                    asm,
                    server_metadata_url=url,
                    protocol="2025-11-25",
                    prm=prm,
                    bearer=bearer,
                )
            state.note(
                "authorization_server_without_metadata",
                f"{issuer} publishes no metadata at any candidate URL; trying the next "
                "authorization server.",
                R_AS_LIST,
            )
            urls = [c.url for c in candidates]
        progress.urls.extend(urls)
        progress.answers.extend(state.asm_fetches.get(url) for url in urls)
        progress.notes.extend(state.notes[mark:])
        progress.done += 1


@functools.lru_cache(maxsize=4096)
def _metadata_urls(issuer: str) -> tuple[WellKnownUrl, ...] | None:
    """The issuer's metadata URLs in MCP order, or None when it is not an issuer identifier."""
    try:
        return tuple(authorization_server_metadata_urls(issuer))
    except UsageError:
        return None


def server_metadata(
    state: WalkState, candidates: Sequence[WellKnownUrl], issuer: str, *, legacy: bool
) -> tuple[AuthorizationServerMetadata, str] | None:
    """Walk one issuer's metadata candidates: the first document found, or None if absent."""
    for candidate in candidates:
        fetched = state.lookup(state.asm_fetches, candidate.url)
        if fetched is None:
            where = "the origin's metadata" if legacy else f"the metadata of {issuer}"
            raise state.request(
                FetchServerMetadata(
                    url=candidate.url,
                    issuer=issuer,
                    kind=candidate.kind,
                    legacy=legacy,
                    reason=("legacy_" if legacy else "") + f"server_metadata_{candidate.kind}",
                    rule=R_LEGACY if legacy else cite(candidate.rule, R_AS_ORDER),
                    explanation=f"Fetch {where} ({candidate.kind}).",
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
    try:
        asm = state.parsed(
            fetched,
            parse_authorization_server_metadata,
            expected_issuer=issuer,
            strict=not state.policy.metadata_tolerances,
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
