"""The walk's state: what every stage reads (the context, the fetches) and writes (notes).

A stage ends the walk by raising `Decided` with the next or terminal action; `next_action`
catches it. `Decided` never escapes `next_action`.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, TypeVar, cast

from rfcauth._errors import MetadataError
from rfcauth.discovery._actions import (
    Action,
    Fail,
    FetchResourceMetadata,
    FetchServerMetadata,
    Note,
)
from rfcauth.discovery._addresses import cached_url_refusal, special_hosts_allowed
from rfcauth.discovery._memo import remember
from rfcauth.discovery._rules import R_LIMITS, R_UNAVAILABLE, R_URL_CHECK
from rfcauth.metadata._url_identity import origin_of

if TYPE_CHECKING:
    from rfcauth.discovery._inputs import DiscoveryContext, Fetched
    from rfcauth.discovery._policy import Policy

_Parsed = TypeVar("_Parsed")
# 408 Request Timeout and 429 Too Many Requests: "try later", like a 5xx.
_TRY_LATER = frozenset({408, 429})

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
    consumed: set[str] = field(default_factory=set)
    special_hosts_ok: bool = False
    resource_origin: tuple[str, str, int | None] | None = None

    def __post_init__(self) -> None:
        """Decide once whether local and private hosts may be named (the resource is on one)."""
        self.special_hosts_ok = special_hosts_allowed(self.context)
        self.resource_origin = origin_of(self.context.resource)

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
        later = (
            f" The server asks to retry after {fetched.retry_after!r}."
            if fetched.retry_after
            else ""
        )
        return Decided(
            Fail(
                code="discovery_unavailable",
                reason=f"{what}_unavailable",
                rule=R_UNAVAILABLE,
                explanation=f"The {what.replace('_', ' ')} request to {fetched.url} failed "
                f"({answer}); discovery stops rather than skipping or downgrading.{later}",
                url=fetched.url,
                retry_after=fetched.retry_after if fetched.status is not None else None,
                notes=tuple(self.notes),
            )
        )

    def lookup(self, fetches: dict[str, Fetched], url: str) -> Fetched | None:
        """The answer already fetched for `url` (counted against the request budget), or None."""
        fetched = fetches.get(url)
        if fetched is not None:
            self.consumed.add(url)
        return fetched

    def refusal(self, url: str) -> str | None:
        """Why `url` must not be fetched in this discovery (`url_refusal`), or None."""
        return cached_url_refusal(
            url,
            special_hosts_ok=self.special_hosts_ok,
            allow_loopback_http=self.policy.allow_loopback_http,
            resource_origin=self.resource_origin,
        )

    def request(self, action: FetchResourceMetadata | FetchServerMetadata) -> Decided:
        """The next GET, once its URL passes the one URL check and the request budget allows."""
        refusal = self.refusal(action.url)
        if refusal is not None:
            return self.refused(action.url, refusal)
        limit = self.policy.max_discovery_requests
        if len(self.consumed) >= limit:
            return self.fail(
                "discovery_limit_reached",
                "too_many_discovery_requests",
                R_LIMITS,
                f"Discovery already made {len(self.consumed)} requests "
                f"(Policy.max_discovery_requests = {limit}); the next one, {action.url}, "
                "is not made.",
                url=action.url,
            )
        return Decided(replace(action, notes=tuple(self.notes)))

    def refused(self, url: str, refusal: str) -> Decided:
        """`Fail` with code ``url_refused``: rfcauth will not name `url` for a request."""
        return self.fail(
            "url_refused",
            "url_refused",
            R_URL_CHECK,
            f"{url!r} is refused: it {refusal}.",
            url=url,
        )

    def parsed(self, fetched: Fetched, parse: Callable[..., _Parsed], **options: object) -> _Parsed:
        """`parse` the body of `fetched`, once per (answer, options): replays reuse the result.

        `next_action` replays the walk over every answer on each call; caching each answer's
        classification keeps a whole discovery linear in the number of fetches. The cache is
        keyed by the identity of the `Fetched` value and the parse options, and holds the
        answer only weakly: an entry goes when the caller drops the answer, so no response
        body outlives the discovery that fetched it. It is invisible to callers (the result is
        the same either way).
        """
        key = (id(fetched), parse, tuple(sorted(options.items())))
        hit = _PARSED.get(key)
        if hit is not None and hit[0]() is fetched:
            result = hit[1]
        else:
            try:
                result = parse(json_body(fetched.body), **options)
            except MetadataError as exc:
                result = exc
            answer = weakref.ref(fetched, lambda ref: _forget(key, ref))
            remember(_PARSED, key, (answer, result), size=_CACHE_SIZE)
        if isinstance(result, MetadataError):
            raise result
        return cast("_Parsed", result)

    def absent(self, fetched: Fetched, what: str, rule: str) -> bool:
        """Classify a non-200 answer: raise for "try later" answers, True for absence.

        A network error, 5xx, 408 (RFC 9110 §15.5.9) or 429 (RFC 6585 §4) says nothing about
        whether the document exists: discovery stops with `discovery_unavailable` (and the
        ``Retry-After`` value) rather than treating it as absent and moving on or downgrading.
        """
        status = fetched.status or 0
        if fetched.error is not None or status >= 500 or status in _TRY_LATER:  # noqa: PLR2004
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


# A decoded JSON value that is not an object, as short JSON text the parsers reject with
# "not an object" (never serialised: a cyclic, deeply nested or huge value costs nothing).
_NOT_AN_OBJECT = {list: "[]", tuple: "[]", bool: "false", int: "0", float: "0.0"}


def json_body(body: object) -> bytes | str | Mapping[str, object]:
    """Hand the body to the metadata parsers; other JSON values become text they reject."""
    if isinstance(body, (bytes, str)):
        return body
    if isinstance(body, (bytearray, memoryview)):
        return bytes(body)
    if isinstance(body, Mapping):
        return body
    for kind, text in _NOT_AN_OBJECT.items():
        if isinstance(body, kind):
            return text
    return "null"


_CACHE_SIZE = 1024
_PARSED: dict[tuple[object, ...], tuple[weakref.ref[Fetched], object]] = {}


def _forget(key: tuple[object, ...], answer: weakref.ref[Fetched]) -> None:
    """The answer behind `key` was collected: drop its entry (unless a newer one took the key)."""
    entry = _PARSED.get(key)
    if entry is not None and entry[0] is answer:
        _PARSED.pop(key, None)
