"""Which discovery GETs may be needed next: the pending one and those after it if it is absent.

Theory of operation
-------------------
`next_action` is a pure function of (the resource's answer, the fetches so far). A driver that
asks it "and if this pending fetch answered 404, what next?" learns, without any I/O, every
candidate URL the walk could still need *before* the next decisive answer. Fetching those
concurrently and then feeding the real answers to `next_action` one at a time, in the order it
asks for them, reaches the very same action sequence as a strictly sequential walk: the answers
are the same (each URL is fetched once), and the decision reads them in the same order. The
walk only ever *uses* answers it asked for; an answer fetched speculatively but never asked for
is dropped.

A hypothetical 404 is the one answer that continues the walk to the next candidate: a 2xx may
end it, and a 5xx or network failure always ends it (``discovery_unavailable``). So the
speculative list is exactly the walk's remaining candidates up to the first one whose answer
could decide.

One exception: a ``resource_metadata`` hint is the server's own word, and the well-known URLs
are only its fallback (MCP 2025-11-25: use the hint "when present; otherwise" construct the
well-known URIs). So nothing is guessed past a hinted fetch: the well-known probes wait for the
hint's answer. (The MCP conformance suite's ``auth/metadata-default`` fails a client that asks
for the root PRM of a server whose hint answers; and when the hint answers, as it nearly always
does, the early guesses would have saved no round trip.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rfcauth.discovery import (
    Action,
    DiscoveryContext,
    Fetched,
    FetchResourceMetadata,
    FetchServerMetadata,
    ResourceResponse,
    next_action,
)

__all__ = ["FetchAction", "speculate"]

FetchAction = FetchResourceMetadata | FetchServerMetadata

#: More candidates than any walk has (hint + 2 PRM, 3 per issuer, a few issuers).
_DEFAULT_LIMIT = 16


def speculate(
    challenge: ResourceResponse,
    prm: Mapping[str, Fetched] | Sequence[Fetched],
    asm: Mapping[str, Fetched] | Sequence[Fetched],
    *,
    context: DiscoveryContext,
    limit: int = _DEFAULT_LIMIT,
) -> tuple[Action, tuple[FetchAction, ...]]:
    """The next action, and the fetches that may follow it if each pending one were absent.

    Args:
        challenge: the resource's answer.
        prm: the PRM fetches so far.
        asm: the AS metadata fetches so far.
        context: as for `next_action`.
        limit: at most this many fetches are named.

    Returns:
        ``(action, fetches)``: `action` is exactly ``next_action(challenge, prm, asm)``;
        `fetches` starts with it when it is a fetch, followed by the candidates the walk would
        ask for if every earlier one answered 404 (empty when `action` is terminal).

    >>> ctx = DiscoveryContext(resource="https://mcp.example.com/mcp")
    >>> seed = ResourceResponse(status=401, www_authenticate='Bearer error="invalid_token"')
    >>> _, fetches = speculate(seed, {}, {}, context=ctx)
    >>> for fetch in fetches:
    ...     print(fetch.url.removeprefix("https://mcp.example.com"))
    /.well-known/oauth-protected-resource/mcp
    /.well-known/oauth-protected-resource
    /.well-known/oauth-authorization-server
    /.well-known/openid-configuration
    """
    prm_seen = _index(prm)
    asm_seen = _index(asm)
    first = next_action(challenge, prm_seen, asm_seen, context=context)
    fetches: list[FetchAction] = []
    action = first
    while isinstance(action, (FetchResourceMetadata, FetchServerMetadata)) and len(fetches) < limit:
        fetches.append(action)
        if isinstance(action, FetchResourceMetadata) and action.route == "hint":
            break
        absent = Fetched(url=action.url, status=404)
        if isinstance(action, FetchResourceMetadata):
            prm_seen[action.url] = absent
        else:
            asm_seen[action.url] = absent
        action = next_action(challenge, prm_seen, asm_seen, context=context)
    return first, tuple(fetches)


def _index(fetches: Mapping[str, Fetched] | Sequence[Fetched]) -> dict[str, Fetched]:
    if isinstance(fetches, Mapping):
        return dict(fetches)
    return {f.url: f for f in fetches}
