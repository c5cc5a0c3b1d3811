"""`simulate`: drive `next_action` over canned HTTP responses, without a network.

This is how a server operator tests a deployment's discovery set-up before any client meets it,
how the CLI explains a server, and how the scenario vectors are run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from rfcauth._errors import UsageError
from rfcauth.discovery._actions import (
    Action,
    Authorize,
    Fail,
    FetchResourceMetadata,
    FetchServerMetadata,
    NoAuthorizationNeeded,
)
from rfcauth.discovery._inputs import DiscoveryContext, Fetched, ResourceResponse
from rfcauth.discovery._policy import ClientOptions, Policy
from rfcauth.discovery._walk import next_action

__all__ = ["Exchange", "Plan", "simulate"]

#: Steps beyond `Policy.max_discovery_requests` (the first request and the terminal action);
#: reaching the bound would be a bug in `next_action`.
_STEP_SLACK = 2
_NETWORK_ERRORS = ("timeout", "connect", "tls", "too_large")

Outcome = Authorize | Fail | NoAuthorizationNeeded


@dataclass(frozen=True, slots=True, kw_only=True)
class Exchange:
    """One simulated request and what the canned server answered.

    Attributes:
        url: the requested URL.
        status: the status answered, or None on a simulated network failure.
        error: ``"timeout"`` / ``"connect"`` / … when no response arrived.
        listed: False when the URL was not in `responses` (it answered 404).
    """

    url: str
    status: int | None
    error: str | None = None
    listed: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """What a client following `next_action` does against the canned server.

    Attributes:
        resource: the resource URL.
        steps: every action in order, the terminal one last.
        outcome: the terminal action.
        exchanges: every request in order (the resource first) with its answer.
    """

    resource: str
    steps: tuple[Action, ...]
    outcome: Outcome
    exchanges: tuple[Exchange, ...] = field(default=())

    @property
    def requests(self) -> tuple[str, ...]:
        """Every URL requested, in order; the resource first."""
        return tuple(e.url for e in self.exchanges)

    @property
    def probes(self) -> tuple[str, ...]:
        """The discovery GETs, in order (every request after the resource's)."""
        return self.requests[1:]

    def as_dict(self) -> dict[str, Any]:
        """The plan as JSON-ready data: each action as ``{"action": <type name>, ...fields}``."""

        def action(step: Action) -> dict[str, Any]:
            return {"action": type(step).__name__, **asdict(step)}

        return {
            "resource": self.resource,
            "exchanges": [asdict(e) for e in self.exchanges],
            "steps": [action(step) for step in self.steps],
            "outcome": action(self.outcome),
        }

    def explain(self) -> str:
        """A human-readable account: each request, its answer, and the decision with reasons."""
        lines = [f"resource: {self.resource}"]
        for number, exchange in enumerate(self.exchanges, start=1):
            answer = (
                f"HTTP {exchange.status}" if exchange.status is not None else str(exchange.error)
            )
            unlisted = " (not served)" if not exchange.listed else ""
            lines.append(f"{number:>2}. GET {exchange.url} -> {answer}{unlisted}")
        outcome = self.outcome
        lines.append("")
        lines.extend(f"   {note}" for note in outcome.notes)
        lines.append("")
        if isinstance(outcome, Fail):
            lines.append(f"FAIL {outcome.code} ({outcome.reason}; {outcome.rule})")
        elif isinstance(outcome, Authorize):
            lines.append(f"AUTHORIZE with {outcome.issuer} (protocol {outcome.protocol})")
            lines.append(f"   authorization_endpoint: {outcome.authorization_endpoint}")
            lines.append(f"   token_endpoint:         {outcome.token_endpoint}")
            registration = outcome.registration
            target = registration.endpoint or registration.client_id
            lines.append(f"   registration:           {registration.kind} ({target})")
            lines.append(f"   scope:                  {outcome.scope}")
            lines.append(f"   resource:               {outcome.resource}")
            lines.append(f"   code_challenge_method:  {outcome.code_challenge_method}")
        else:
            lines.append(f"NO AUTHORIZATION NEEDED (HTTP {outcome.status})")
        lines.append(f"   {outcome.explanation}")
        return "\n".join(lines)


def _answer(
    url: str, responses: Mapping[str, Mapping[str, object]]
) -> tuple[Exchange, Mapping[str, object]]:
    canned = responses.get(url)
    if canned is None:
        return Exchange(url=url, status=404, listed=False), {"status": 404}
    if not isinstance(canned, Mapping):
        raise UsageError(f"responses[{url!r}] must be a mapping")
    error = canned.get("error")
    if error is not None:
        if error not in _NETWORK_ERRORS:
            raise UsageError(f"responses[{url!r}]['error'] must be one of {_NETWORK_ERRORS}")
        return Exchange(url=url, status=None, error=str(error)), canned
    status = canned.get("status", 200)
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:  # noqa: PLR2004
        raise UsageError(f"responses[{url!r}]['status'] must be an HTTP status code")
    return Exchange(url=url, status=status), canned


def _header(canned: Mapping[str, object], wanted: str) -> object:
    headers = canned.get("headers") or {}
    if not isinstance(headers, Mapping):
        raise UsageError("'headers' must be a mapping")
    for name, value in headers.items():
        if isinstance(name, str) and name.lower() == wanted:
            return value
    return None


def _www_authenticate(canned: Mapping[str, object]) -> str | list[str] | None:
    value = _header(canned, "www-authenticate")
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise UsageError("a WWW-Authenticate header must be a str or a list of str")


def _fetched(url: str, exchange: Exchange, canned: Mapping[str, object]) -> Fetched:
    if exchange.error is not None:
        return Fetched(url=url, error=exchange.error)  # type: ignore[arg-type]
    retry_after = _header(canned, "retry-after")
    return Fetched(
        url=url,
        status=exchange.status,
        body=canned.get("body"),
        retry_after=retry_after if isinstance(retry_after, str) else None,
    )


def simulate(
    resource: str,
    responses: Mapping[str, Mapping[str, object]],
    *,
    policy: Policy | None = None,
    client: ClientOptions | None = None,
) -> Plan:
    """Run discovery for `resource` against canned responses and return the whole plan.

    Args:
        resource: the URL the client requests first.
        responses: absolute URL → ``{"status": int, "headers": {...}, "body": object | str}``,
            or ``{"error": "timeout" | "connect"}`` for a network failure. A URL that is not
            listed answers 404.
        policy: the discovery policy (default: the compatible preset, `Policy()`).
        client: the client's registration options and step-up state.

    Returns:
        A `Plan` whose `steps` list every action and whose `outcome` is the terminal one.

    Raises:
        UsageError: `resource` or `responses` are not of the documented shape.

    >>> plan = simulate("https://mcp.example.com/mcp", {
    ...     "https://mcp.example.com/mcp": {
    ...         "status": 401, "headers": {"WWW-Authenticate": 'Bearer error="invalid_token"'}},
    ...     "https://mcp.example.com/.well-known/oauth-authorization-server": {"body": {
    ...         "issuer": "https://mcp.example.com",
    ...         "authorization_endpoint": "https://mcp.example.com/authorize",
    ...         "token_endpoint": "https://mcp.example.com/token",
    ...         "registration_endpoint": "https://mcp.example.com/register",
    ...         "response_types_supported": ["code"],
    ...         "code_challenge_methods_supported": ["S256"]}},
    ... })
    >>> plan.outcome.protocol, plan.outcome.registration.kind
    ('2025-03-26', 'dynamic')
    """
    if not isinstance(responses, Mapping):
        raise UsageError("responses must be a mapping of URL to canned response")
    context = DiscoveryContext(
        resource=resource,
        policy=policy if policy is not None else Policy(),
        client=client if client is not None else ClientOptions(),
    )
    first, canned = _answer(resource, responses)
    exchanges = [first]
    if first.error is not None:
        outcome: Outcome = Fail(
            code="discovery_unavailable",
            reason="resource_unreachable",
            rule="rfcauth: the first request must reach the resource",
            explanation=f"The request to {resource} failed ({first.error}).",
            url=resource,
        )
        return Plan(resource=resource, steps=(outcome,), outcome=outcome, exchanges=(first,))
    assert first.status is not None  # noqa: S101 - narrowed: no error means a status
    challenge = ResourceResponse(status=first.status, www_authenticate=_www_authenticate(canned))
    prm: list[Fetched] = []
    asm: list[Fetched] = []
    steps: list[Action] = []
    bound = context.policy.max_discovery_requests + _STEP_SLACK
    for _ in range(bound):
        action = next_action(challenge, prm, asm, context=context)
        steps.append(action)
        if isinstance(action, (FetchResourceMetadata, FetchServerMetadata)):
            exchange, canned = _answer(action.url, responses)
            exchanges.append(exchange)
            target = prm if isinstance(action, FetchResourceMetadata) else asm
            target.append(_fetched(action.url, exchange, canned))
            continue
        return Plan(
            resource=resource, steps=tuple(steps), outcome=action, exchanges=tuple(exchanges)
        )
    msg = f"discovery did not end within {bound} steps; this is a bug in rfcauth"
    raise RuntimeError(msg)  # pragma: no cover
