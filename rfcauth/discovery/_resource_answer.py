"""Stage 1: the resource's answer — the status, the Bearer challenge, its hint, and step-up.

401 starts discovery; 403 with ``error="insufficient_scope"`` starts a step-up (RFC 6750 §3.1,
MCP 2025-11-25 "Step-Up Authorization Flow"); any other 403 is `access_denied`. The Bearer
challenge is chosen wherever it stands in the header, parsed leniently so that a broken sibling
challenge does not lose it (RFC 9110 §11.6.1). A ``resource_metadata`` hint (RFC 9728 §5.1) is
taken from the Bearer challenge first, then from any other scheme that carries one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rfcauth._errors import ChallengeParseError
from rfcauth.challenge._bearer import BearerChallenge, BearerError
from rfcauth.challenge._parser import scan_www_authenticate
from rfcauth.discovery._actions import NoAuthorizationNeeded
from rfcauth.discovery._rules import (
    R_403_STEP_UP,
    R_CHALLENGE,
    R_HINT,
    R_UNAVAILABLE,
    R_URL_CHECK,
    cite,
)
from rfcauth.discovery._state import Decided, WalkState

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rfcauth.challenge._values import Challenge
    from rfcauth.discovery._inputs import ResourceResponse

__all__ = ["read_resource_answer"]


def read_resource_answer(
    state: WalkState, response: ResourceResponse
) -> tuple[BearerChallenge | None, str | None]:
    """Decide on the status; choose the Bearer challenge and its hint (or end the walk)."""
    status = response.status
    if status < 400:  # noqa: PLR2004
        raise Decided(
            NoAuthorizationNeeded(
                status=status,
                reason="not_challenged",
                rule="RFC 9110 §15.3",
                explanation=f"The resource answered {status}; it asked for no authorization.",
            )
        )
    if status >= 500:  # noqa: PLR2004
        raise state.fail(
            "discovery_unavailable",
            "resource_unavailable",
            R_UNAVAILABLE,
            f"The resource itself answered {status}; there is nothing to discover from.",
            url=state.context.resource,
        )
    if status not in (401, 403):
        raise state.fail(
            "unexpected_status",
            "not_an_authorization_challenge",
            "RFC 9110 §15.5",
            f"The resource answered {status}, which is neither 401 nor 403.",
            url=state.context.resource,
        )
    bearer, hint, bearer_seen = _read_challenge(state, response)
    if status == 403:  # noqa: PLR2004
        _step_up(state, bearer)
    elif not bearer_seen and response.www_authenticate and state.only_other_schemes:
        raise state.fail(
            "unsupported_auth_scheme",
            "no_bearer_challenge",
            R_CHALLENGE,
            "The 401 offers only non-Bearer authentication schemes "
            f"({', '.join(state.schemes)}); OAuth discovery does not apply.",
            url=state.context.resource,
        )
    return bearer, hint


def _read_challenge(
    state: WalkState, response: ResourceResponse
) -> tuple[BearerChallenge | None, str | None, bool]:
    """Choose the Bearer challenge and a usable ``resource_metadata`` hint."""
    if not response.www_authenticate:
        state.note(
            "no_www_authenticate",
            f"The {response.status} carried no WWW-Authenticate header.",
            R_CHALLENGE,
        )
        return None, None, False
    try:
        scan = scan_www_authenticate(response.www_authenticate)
    except ChallengeParseError as exc:
        state.note(
            "www_authenticate_unreadable",
            f"WWW-Authenticate could not be read ({exc.reason}); treated as absent.",
            exc.rule,
            warn=True,
        )
        return None, None, False
    challenges: tuple[Challenge, ...] = scan.challenges
    for skipped in scan.skipped:
        state.note(
            "challenge_skipped",
            f"A malformed {skipped.scheme or 'unreadable'} challenge at offset "
            f"{skipped.position} was skipped: {skipped.reason}.",
            "RFC 9110 §11",
            warn=True,
        )
    for tolerated in scan.tolerated:
        state.note(
            f"tolerated_{tolerated.name}",
            f"The {tolerated.scheme} challenge parses only with the {tolerated.name} "
            f"tolerance (parameter {tolerated.param}).",
            "RFC 9110 §11.2",
            warn=True,
        )
    broken_bearer = any(s.scheme is not None and s.scheme.lower() == "bearer" for s in scan.skipped)
    if not state.policy.header_tolerances and any(
        t.scheme.lower() == "bearer" for t in scan.tolerated
    ):
        # Strict: the tolerated Bearer challenge would not have parsed at all.
        challenges = tuple(c for c in challenges if not c.is_scheme("bearer"))
        broken_bearer = True
    state.schemes = [c.scheme for c in challenges]
    bearer = BearerChallenge.find(challenges)
    if bearer is None and not broken_bearer:
        bearer = _dpop_as_bearer(state, challenges)
    state.only_other_schemes = bearer is None and not broken_bearer and bool(challenges)
    if bearer is not None:
        for problem in bearer.problems:
            state.note("bearer_value_problem", str(problem), "RFC 6750 §3", warn=True)
    elif broken_bearer:
        state.note(
            "bearer_challenge_malformed",
            "The Bearer challenge is malformed, so none of its parameters is used "
            "(no resource_metadata hint).",
            R_CHALLENGE,
            warn=True,
        )
    hint = _usable_hint(state, bearer, challenges)
    return bearer, hint, bearer is not None or broken_bearer


def _dpop_as_bearer(state: WalkState, challenges: Sequence[Challenge]) -> BearerChallenge | None:
    """Read a DPoP challenge like a Bearer one: it is an OAuth token challenge too.

    RFC 9449 §7.1: the DPoP scheme's challenge uses "the same parameters as Bearer" (``error``,
    ``scope``, and RFC 9728 §5.1 ``resource_metadata``), plus ``algs``. A resource that offers
    only DPoP still asks for an OAuth access token, so discovery applies.
    """
    dpop = next((c for c in challenges if c.is_scheme("dpop")), None)
    if dpop is None:
        return None
    read = BearerChallenge.from_challenge(dpop)
    state.note(
        "dpop_challenge",
        "The resource offers the DPoP scheme (RFC 9449 §7.1): an OAuth access token "
        "challenge, read with Bearer's parameters.",
        "RFC 9449 §7.1",
    )
    return read.__replace__(problems=tuple(p for p in read.problems if p.code != "not_bearer"))


def _usable_hint(
    state: WalkState, bearer: BearerChallenge | None, challenges: Sequence[Challenge]
) -> str | None:
    candidates: list[str] = []
    if bearer is not None and bearer.resource_metadata is not None:
        candidates.append(bearer.resource_metadata)
    # RFC 9728 §5.1: the parameter MAY accompany other schemes (e.g. DPoP).
    candidates.extend(
        c.params["resource_metadata"]
        for c in challenges
        if not c.is_scheme("bearer") and "resource_metadata" in c.params
    )
    for hint in candidates:
        refusal = state.refusal(hint)
        if refusal is None:
            state.note(
                "resource_metadata_hint",
                "The challenge names its PRM document.",
                R_HINT,
                url=hint,
            )
            return hint
        state.note(
            "resource_metadata_hint_unusable",
            f"resource_metadata {hint!r} is not used: it {refusal}.",
            cite(R_HINT, R_URL_CHECK),
            url=hint,
            warn=True,
        )
    return None


def _step_up(state: WalkState, bearer: BearerChallenge | None) -> None:
    """403: re-authorize with more scope, or stop."""
    client = state.context.client
    if bearer is None or bearer.error != BearerError.INSUFFICIENT_SCOPE:
        error = bearer.error if bearer is not None else None
        raise state.fail(
            "access_denied",
            "forbidden_without_insufficient_scope",
            R_403_STEP_UP,
            "The resource answered 403 "
            + (f'with error="{error}"' if error else "without a Bearer insufficient_scope error")
            + "; more scope would not help, so there is no step-up.",
            url=state.context.resource,
        )
    if client.step_up_attempts >= state.policy.max_step_up_attempts:
        raise state.fail(
            "step_up_limit_reached",
            "too_many_step_up_attempts",
            R_403_STEP_UP,
            f"Already re-authorized {client.step_up_attempts} time(s) for this operation "
            f"(limit {state.policy.max_step_up_attempts}).",
            url=state.context.resource,
        )
    state.note(
        "step_up",
        f"403 insufficient_scope: step-up attempt {client.step_up_attempts + 1} of "
        f"{state.policy.max_step_up_attempts}.",
        R_403_STEP_UP,
    )
    state.is_step_up = True
