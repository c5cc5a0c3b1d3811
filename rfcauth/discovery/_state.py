"""The walk's state: what every stage reads (the context, the fetches) and writes (notes).

A stage ends the walk by raising `Decided` with the next or terminal action; `next_action`
catches it. `Decided` never escapes `next_action`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rfcauth.discovery._actions import Action, Fail, Note
from rfcauth.discovery._rules import R_UNAVAILABLE

if TYPE_CHECKING:
    from rfcauth._errors import MetadataError
    from rfcauth.discovery._inputs import DiscoveryContext, Fetched
    from rfcauth.discovery._policy import Policy

__all__ = ["Decided", "WalkState", "json_body"]


class Decided(Exception):  # noqa: N818 - control flow, never escapes next_action
    """Carries the terminal or next action out of the walk."""

    def __init__(self, action: Action) -> None:
        """Wrap the action that ends this call of `next_action`."""
        super().__init__(action.reason)
        self.action = action


@dataclass(slots=True)
class WalkState:
    """One call's view: the context, the fetches by URL, and the notes gathered so far.

    Attributes:
        context: the resource URL, the policy and the client options.
        prm_fetches: Protected Resource Metadata answers by URL.
        asm_fetches: authorization server metadata answers by URL.
        notes: findings in walk order; every action carries them.
        schemes: the challenge schemes the resource offered.
        only_other_schemes: the 401 offers challenges, none of them Bearer.
        is_step_up: the resource answered 403 ``insufficient_scope``.
    """

    context: DiscoveryContext
    prm_fetches: dict[str, Fetched]
    asm_fetches: dict[str, Fetched]
    notes: list[Note] = field(default_factory=list)
    schemes: list[str] = field(default_factory=list)
    only_other_schemes: bool = False
    is_step_up: bool = False

    @property
    def policy(self) -> Policy:
        """The context's policy."""
        return self.context.policy

    def note(
        self, code: str, message: str, rule: str, *, url: str | None = None, warn: bool = False
    ) -> None:
        """Record a finding (``warn``: a tolerance beyond the specification)."""
        self.notes.append(
            Note(
                code=code, message=message, rule=rule, url=url, level="warning" if warn else "info"
            )
        )

    def fail(
        self, code: str, reason: str, rule: str, explanation: str, *, url: str | None = None
    ) -> Decided:
        """A terminal `Fail` carrying the notes so far, ready to raise."""
        return Decided(
            Fail(
                code=code,
                reason=reason,
                rule=rule,
                explanation=explanation,
                url=url,
                notes=tuple(self.notes),
            )
        )

    def invalid(self, code: str, rule: str, url: str, error: MetadataError) -> Decided:
        """A metadata document that breaks its RFC: `Fail` carries every violation."""
        return Decided(
            Fail(
                code=code,
                reason=code,
                rule=rule,
                explanation=f"The {error.kind} at {url} is invalid: "
                + "; ".join(str(v) for v in error.violations),
                url=url,
                violations=error.violations,
                notes=tuple(self.notes),
            )
        )

    def unavailable(self, fetched: Fetched, what: str) -> Decided:
        """5xx or a network error: discovery stops (never a skip, never a downgrade)."""
        answer = f"HTTP {fetched.status}" if fetched.status is not None else fetched.error
        return self.fail(
            "discovery_unavailable",
            f"{what}_unavailable",
            R_UNAVAILABLE,
            f"The {what.replace('_', ' ')} request to {fetched.url} failed ({answer}); "
            "discovery stops rather than skipping or downgrading.",
            url=fetched.url,
        )

    def absent(self, fetched: Fetched, what: str, rule: str) -> bool:
        """Classify a non-200 answer: raise for 5xx / network errors, True for absence."""
        if fetched.error is not None or (fetched.status or 0) >= 500:  # noqa: PLR2004
            raise self.unavailable(fetched, what)
        if fetched.status == 200:  # noqa: PLR2004
            return False
        self.note(
            f"{what}_absent",
            f"Nothing here (HTTP {fetched.status}).",
            rule,
            url=fetched.url,
        )
        return True


def json_body(body: object) -> bytes | str | Mapping[str, object]:
    """Hand the body to the metadata parsers; other JSON values become text they reject."""
    if isinstance(body, (bytes, str)):
        return body
    if isinstance(body, Mapping):
        return body
    return json.dumps(body)
