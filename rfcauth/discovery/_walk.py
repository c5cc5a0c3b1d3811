"""The discovery decision: (resource's answer, PRM fetches, AS metadata fetches) → next action.

Theory of operation
-------------------
`next_action` is a pure, total function. It replays discovery from the start on every call:
the candidate URLs are a deterministic function of the resource URL, the challenge's hint and
the documents already fetched, so the *first candidate not yet fetched* is the next request, and
the first decisive answer (a usable document, an unavailable server, a mismatch) ends the walk.
Because every `Fetch…` action names a URL that has not been fetched yet and every candidate
list is finite, a driver that reports each answer back reaches a terminal action (`Authorize`,
`Fail`, `NoAuthorizationNeeded`) in a bounded number of steps.

The walk, in the order the MCP 2025-11-25 authorization spec gives it:

1. The resource's answer. 401 starts discovery; 403 with ``error="insufficient_scope"`` starts a
   step-up (RFC 6750 §3.1, MCP 2025-11-25 "Step-Up Authorization Flow"); any other 403 is
   `access_denied`. The Bearer challenge is chosen wherever it stands in the header, parsed
   leniently so that a broken sibling challenge does not lose it (RFC 9110 §11.6.1).
2. Protected Resource Metadata (RFC 9728): the challenge's ``resource_metadata`` hint
   (§5.1), then the path-inserted well-known URL, then the root one (§3.1). A 4xx answer is
   *absent*: try the next. A 5xx or network failure is `discovery_unavailable` — never a skip,
   never a downgrade. A failing hint continues to the well-known candidates.
3. The `resource` identity check (RFC 9728 §3.3), per `Policy.resource_match`.
4. Authorization servers in PRM order; per issuer the MCP candidate order (RFC 8414 §3.1
   insertion, OIDC insertion, OIDC append). An issuer with no metadata anywhere → the next one.
   Endpoints are never invented for an authorization server a PRM document names.
5. AS metadata validation: RFC 8414 plus `issuer` identity (§3.3), S256 PKCE (MCP 2025-11-25
   MUST), https endpoints.
6. The legacy MCP 2025-03-26 fallback (the motivating case): only when the 401 carried no
   usable hint and every PRM candidate was absent. The resource's origin is the authorization
   server; with no metadata at all, the 2025-03-26 default endpoints.
7. Registration (pre-registered > Client ID Metadata Document > dynamic), scope (challenge >
   PRM ``scopes_supported`` > omit; step-up: union with the previous request) and ``resource``.

Where each stage lives (each reads and writes one `WalkState`, and ends the call by raising
`Decided` with the next or terminal action)::

    _resource_answer.py          1. status, Bearer challenge, hint, step-up
    _resource_metadata.py        2.-3. PRM candidates, validation, resource identity
    _server_metadata.py          4.-5. authorization servers in order, AS metadata validation
    _legacy.py                   6. the 2025-03-26 fallback
    _authorization_request.py    7. PKCE, endpoints, registration, scope, resource
    _state.py                    WalkState (notes, fetches, fail/absent helpers), Decided
    _rules.py                    the rule citations, one spelling each
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rfcauth._errors import UsageError
from rfcauth.discovery._inputs import DiscoveryContext, Fetched, ResourceResponse, latest_by_url
from rfcauth.discovery._legacy import legacy
from rfcauth.discovery._resource_answer import read_resource_answer
from rfcauth.discovery._resource_metadata import find_resource_metadata
from rfcauth.discovery._server_metadata import authorization_servers
from rfcauth.discovery._state import Decided, WalkState

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from rfcauth.discovery._actions import Action

__all__ = ["next_action"]


def _walk(state: WalkState, response: ResourceResponse) -> None:
    """The stages in order; each one either hands on or raises `Decided`."""
    context = state.context
    if context.resource_as_given != context.resource:
        dropped = " (the fragment is dropped: HTTP never sends it)"
        state.note(
            "resource_canonicalised",
            f"The resource URL {context.resource_as_given!r} is used in canonical form "
            f"{context.resource!r}" + (dropped if "#" in context.resource_as_given else "") + ".",
            "MCP 2025-11-25 Canonical Server URI; RFC 8707 §2",
        )
    bearer, hint = read_resource_answer(state, response)
    prm = find_resource_metadata(state, hint)
    if prm is None:
        legacy(state, bearer)
    else:
        authorization_servers(state, prm, bearer)


def next_action(
    challenge: ResourceResponse,
    prm: Sequence[Fetched] | Mapping[str, Fetched] = (),
    asm: Sequence[Fetched] | Mapping[str, Fetched] = (),
    *,
    context: DiscoveryContext,
) -> Action:
    """Decide the next discovery step (MCP 2025-11-25 authorization, RFC 9728, RFC 8414).

    Pure and total: no I/O, no clock, no randomness; malformed server data leads to a reasoned
    `Fail`, never an exception. Only caller misuse (wrong argument types) raises `UsageError`.

    Args:
        challenge: the resource's 401/403 answer (status and ``WWW-Authenticate`` lines).
        prm: every Protected Resource Metadata GET so far (empty: none yet).
        asm: every authorization server metadata GET so far (empty: none yet).
        context: the resource URL, the `Policy` and the `ClientOptions`.

    Returns:
        A `FetchResourceMetadata` / `FetchServerMetadata` to perform next, or a terminal
        `Authorize`, `Fail` or `NoAuthorizationNeeded`.

    Raises:
        UsageError: an argument is not of the documented type.

    >>> ctx = DiscoveryContext(resource="https://mcp.example.com/mcp")
    >>> seed = ResourceResponse(status=401, www_authenticate='Bearer error="invalid_token"')
    >>> first = next_action(seed, context=ctx)
    >>> first.url, first.route
    ('https://mcp.example.com/.well-known/oauth-protected-resource/mcp', 'well_known_path')
    """
    if not isinstance(challenge, ResourceResponse):
        raise UsageError("challenge must be a rfcauth.ResourceResponse")
    if not isinstance(context, DiscoveryContext):
        raise UsageError("context must be a rfcauth.DiscoveryContext")
    state = WalkState(
        context=context, prm_fetches=latest_by_url(prm), asm_fetches=latest_by_url(asm)
    )
    try:
        _walk(state, challenge)
    except Decided as decided:
        return decided.action
    raise AssertionError("unreachable: the walk always decides")  # pragma: no cover
