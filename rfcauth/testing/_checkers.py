"""Checkers: run rfcauth's properties against someone else's parser, validator or client.

Each checker draws inputs from ``rfcauth.strategies``, hands them to the implementation
under test through an adapter (which turns its answers into plain data), compares with what
rfcauth says, and returns a `Report` with the minimal counterexample of every property that
fails, the rule behind rfcauth's answer and its RFC section.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from rfcauth.challenge import Challenge, format_www_authenticate, scan_www_authenticate
from rfcauth.discovery import Authorize
from rfcauth.metadata import RULES
from rfcauth.testing._challenge_strategies import (
    QUOTED_CHARS,
    MalformedValue,
    challenges,
    malformed_www_authenticate_values,
    www_authenticate_values,
)
from rfcauth.testing._discovery_strategies import DiscoveryWorld, discovery_worlds
from rfcauth.testing._metadata_strategies import (
    ASM_BREAKS,
    PRM_BREAKS,
    InvalidDocument,
    authorization_server_metadata,
    invalid_authorization_server_metadata,
    invalid_protected_resource_metadata,
    protected_resource_metadata,
)
from rfcauth.testing._report import Counterexample, PropertyResult, Report, run_property

__all__ = [
    "REJECTED",
    "ChallengeAdapter",
    "ClientOutcome",
    "check_challenge_parser",
    "check_discovery",
    "check_metadata_validator",
    "parameter_extractor",
    "parser",
]

#: What an adapter reports when the implementation rejects its input.
REJECTED = "rejected"

Observation = Any  # JSON-ready data: what an implementation made of one input


def _name(implementation: object) -> str:
    return str(getattr(implementation, "__qualname__", repr(implementation)))


def challenge_view(challenges: Sequence[Challenge]) -> list[dict[str, Any]]:
    """Challenges as the vectors spell them: scheme lower-cased, names lower-cased."""
    return [
        {"scheme": c.scheme.lower(), "token68": c.token68, "params": dict(c.params)}
        for c in challenges
    ]


@dataclass(frozen=True, slots=True, kw_only=True)
class ChallengeAdapter:
    """How to ask an implementation about a field value, and what rfcauth expects of it.

    Attributes:
        name: what kind of implementation this adapts (shown in reports).
        observe: ``observe(fn, value)``: what `fn` made of `value`, as plain data.
        expect: ``expect(challenges)``: the same view of a correct parse.
        expect_malformed: ``expect_malformed(value)``: the same view for a malformed value
            (a parser rejects it; an extractor takes nothing from the broken challenge).
    """

    name: str
    observe: Callable[[Callable[..., Any], str], Observation]
    expect: Callable[[Sequence[Challenge]], Observation]
    expect_malformed: Callable[[str], Observation]


def _default_convert(result: Any) -> list[dict[str, Any]]:  # noqa: ANN401 -- any parser's result
    out = []
    for item in result:
        get = item.get if isinstance(item, Mapping) else lambda k, i=item: getattr(i, k, None)
        out.append(
            {
                "scheme": str(get("scheme")).lower(),
                "token68": get("token68"),
                "params": dict(get("params") or {}),
            }
        )
    return out


def parser(
    convert: Callable[[Any], list[dict[str, Any]]] | None = None,
) -> ChallengeAdapter:
    """An adapter for a full parser: ``fn(value)`` returns every challenge, or raises.

    Args:
        convert: turns `fn`'s result into ``[{"scheme", "token68", "params"}]`` (default:
            read those attributes or keys of each item). Scheme case is ignored (RFC 9110
            §11.1); parameter names must come back lower-cased or be compared as such.
    """
    to_view = convert or _default_convert

    def observe(fn: Callable[..., Any], value: str) -> Observation:
        try:
            result = fn(value)
        except Exception:  # noqa: BLE001 -- any exception is the implementation rejecting
            return REJECTED
        try:
            return to_view(result)
        except Exception as exc:  # noqa: BLE001 -- an unreadable result is reported as such
            return f"unreadable result {result!r} ({exc})"

    return ChallengeAdapter(
        name="parser",
        observe=observe,
        expect=challenge_view,
        expect_malformed=lambda _value: REJECTED,
    )


def parameter_extractor(names: Sequence[str]) -> ChallengeAdapter:
    """An adapter for a parameter extractor: ``fn(value, name)`` returns one value or None.

    rfcauth's answer for a name is its value in the first challenge that has it (RFC 9110
    §11.2: names are case-insensitive, quoted-strings unescaped); a malformed challenge
    (RFC 9110 §11.3) contributes nothing.
    """
    wanted = tuple(names)

    def expect(challenges: Sequence[Challenge]) -> Observation:
        found: dict[str, str | None] = dict.fromkeys(wanted)
        for name in wanted:
            for challenge in challenges:
                if name in challenge.params:
                    found[name] = challenge.params[name]
                    break
        return found

    def observe(fn: Callable[..., Any], value: str) -> Observation:
        out: dict[str, Any] = {}
        for name in wanted:
            try:
                out[name] = fn(value, name)
            except Exception as exc:  # noqa: BLE001 -- reported as the implementation's answer
                out[name] = f"raised {type(exc).__name__}"
        return out

    return ChallengeAdapter(
        name="parameter extractor",
        observe=observe,
        expect=expect,
        expect_malformed=lambda value: expect(scan_www_authenticate(value).challenges),
    )


_DECOY_NAMES = ("resource_metadata", "scope", "error", "realm")
_PLAIN = st.text(alphabet="abcdefghij/:.", min_size=1, max_size=6)


@st.composite
def _decoys(draw: st.DrawFn, names: Sequence[str]) -> tuple[Challenge, ...]:
    decoy = draw(st.sampled_from(names))
    carrier = draw(
        st.sampled_from(["error_description", "realm", "x"]).filter(lambda n: n != decoy)
    )
    inside = draw(st.text(alphabet=QUOTED_CHARS.replace("=", ""), max_size=4))
    params = {carrier: f"{inside}{decoy}={draw(_PLAIN)}"}
    if draw(st.booleans()):
        params[decoy] = draw(_PLAIN)
    scheme = draw(st.sampled_from(["Bearer", "DPoP"]))
    return (Challenge(scheme=scheme, params=params),)


def _sender_form(items: st.SearchStrategy[Sequence[Challenge]]) -> st.SearchStrategy[Any]:
    return items.map(lambda cs: (format_www_authenticate(cs), tuple(cs)))


def check_challenge_parser(
    fn: Callable[..., Any],
    *,
    adapter: ChallengeAdapter | None = None,
    max_examples: int = 200,
    seed: int = 0,
    name: str | None = None,
    only: Sequence[str] | None = None,
) -> Report:
    """Check a ``WWW-Authenticate`` parser (or parameter extractor) against rfcauth.

    Properties: every spelling the recipient grammar allows reads as its challenges
    (RFC 9110 §11.6.1, §5.6.1.2, §5.6.3, §11.2); a field with several challenges reads as
    all of them (§11.6.1); text inside a quoted-string is never read as a parameter
    (§5.6.4); a malformed value is rejected, or for an extractor yields nothing from the
    broken challenge (§11.2, §11.3, §5.5).

    Args:
        fn: the implementation: ``fn(value)`` for a parser, ``fn(value, name)`` for an
            extractor (see `adapter`).
        adapter: `parser()` (the default) or `parameter_extractor(names)`.
        max_examples: examples per property.
        seed: the seed; the same seed gives the same report.
        name: the implementation's name in the report.
        only: the property ids to run (default: all).

    >>> from rfcauth import parse_www_authenticate
    >>> check_challenge_parser(parse_www_authenticate, max_examples=20).passed
    True
    """
    chosen = adapter or parser()
    decoy_names = (
        _DECOY_NAMES
        if chosen.name == "parser"
        else tuple(chosen.expect([Challenge(scheme="x")]))  # the extractor's names
    )

    def valid(
        pair: tuple[str, Sequence[Challenge]], section: str, why: str
    ) -> Counterexample | None:
        value, parsed = pair
        got = chosen.observe(fn, value)
        expected = chosen.expect(parsed)
        if got == expected:
            return None
        return Counterexample(
            input=value, got=repr(got), expected=repr(expected), why=why, section=section
        )

    def malformed(case: MalformedValue) -> Counterexample | None:
        got = chosen.observe(fn, case.value)
        expected = chosen.expect_malformed(case.value)
        if got == expected:
            return None
        why = f"{case.code}: the value breaks rule {case.rule} at offset {case.position}"
        return Counterexample(
            input=case.value, got=repr(got), expected=repr(expected), why=why, section=case.section
        )

    properties: list[
        tuple[str, str, str, st.SearchStrategy[Any], Callable[[Any], Counterexample | None]]
    ] = [
        (
            "every_spelling",
            "every spelling the recipient grammar allows reads as its challenges",
            "RFC 9110 §11.6.1",
            www_authenticate_values().map(lambda c: (c.value, c.challenges)),
            lambda p: valid(
                p,
                "RFC 9110 §11.6.1",
                "names are case-insensitive, OWS/BWS and empty list elements are allowed, "
                "quoted-strings are unescaped",
            ),
        ),
        (
            "several_challenges",
            "a field with several challenges reads as all of them, in order",
            "RFC 9110 §11.6.1",
            _sender_form(st.lists(challenges(), min_size=2, max_size=3)),
            lambda p: valid(
                p, "RFC 9110 §11.6.1", "WWW-Authenticate = #challenge: a list of challenges"
            ),
        ),
        (
            "quoted_values_stay_quoted",
            "text inside a quoted-string is never read as a parameter",
            "RFC 9110 §5.6.4",
            _sender_form(_decoys(decoy_names)),
            lambda p: valid(
                p, "RFC 9110 §5.6.4", "a quoted-string is one value; 'name=' inside it is data"
            ),
        ),
        (
            "malformed_rejected",
            "a malformed value is rejected (an extractor takes nothing from the broken challenge)",
            "RFC 9110 §11",
            malformed_www_authenticate_values(),
            malformed,
        ),
    ]
    results = [
        run_property(
            property_id=pid,
            title=title,
            section=section,
            strategy=strategy,
            disagreement=check,
            max_examples=max_examples,
            seed=seed,
        )
        for pid, title, section, strategy, check in properties
        if only is None or pid in only
    ]
    return Report(subject=name or _name(fn), results=tuple(results))


def _accepts(fn: Callable[[dict[str, Any]], Any], document: dict[str, Any]) -> tuple[bool, str]:
    try:
        result = fn(document)
    except Exception as exc:  # noqa: BLE001 -- any exception is the validator rejecting
        return False, f"rejected ({type(exc).__name__}: {str(exc).splitlines()[0][:120]})"
    if result is False:
        return False, "rejected (returned False)"
    return True, "accepted"


def check_metadata_validator(
    fn: Callable[[dict[str, Any]], Any],
    *,
    kind: str = "asm",
    max_examples: int = 200,
    seed: int = 0,
    name: str | None = None,
    only: Sequence[str] | None = None,
) -> Report:
    """Check a metadata validator against RFC 8414 (``kind="asm"``) or RFC 9728 (``"prm"``).

    `fn` takes a decoded JSON object; raising (any exception) or returning ``False`` means
    "rejected", anything else "accepted". Properties: every valid document is accepted
    (RFC 8414 §2 / RFC 9728 §2, unknown members ignored per §3.2), and for each rule a
    document that breaks only that rule is rejected (one property per rule id,
    ``rejects_<rule>``; `only` picks some by id).

    >>> from rfcauth import parse_protected_resource_metadata
    >>> check_metadata_validator(parse_protected_resource_metadata, kind="prm",
    ...                          max_examples=10).passed
    True
    """
    if kind not in {"asm", "prm"}:
        msg = 'kind must be "asm" or "prm"'
        raise ValueError(msg)
    asm = kind == "asm"
    valid_documents = authorization_server_metadata() if asm else protected_resource_metadata()
    section = "RFC 8414 §2" if asm else "RFC 9728 §2"

    def accepted(document: dict[str, Any]) -> Counterexample | None:
        ok, got = _accepts(fn, document)
        if ok:
            return None
        return Counterexample(
            input=document,
            got=got,
            expected="accepted: the document satisfies every rule",
            why="a valid document, unknown members ignored (§3.2)",
            section=section,
        )

    def rejected(case: InvalidDocument) -> Counterexample | None:
        ok, got = _accepts(fn, case.document)
        if not ok:
            return None
        return Counterexample(
            input=case.document,
            got=got,
            expected=f"rejected: {case.rule}",
            why=case.summary,
            section=case.section,
        )

    results: list[PropertyResult] = []
    if only is None or "valid_accepted" in only:
        results.append(
            run_property(
                property_id="valid_accepted",
                title="every valid document is accepted",
                section=section,
                strategy=valid_documents,
                disagreement=accepted,
                max_examples=max_examples,
                seed=seed,
            )
        )
    breaks = ASM_BREAKS if asm else PRM_BREAKS
    invalid = invalid_authorization_server_metadata if asm else invalid_protected_resource_metadata
    chosen = [r for r in sorted(breaks) if only is None or f"rejects_{r}" in only]
    per_rule = max(3, max_examples // max(1, len(chosen)))
    results.extend(
        run_property(
            property_id=f"rejects_{rule_id}",
            title=f"a document breaking only {rule_id} is rejected",
            section=str((RULES[rule_id].asm if asm else RULES[rule_id].prm) or section),
            strategy=invalid(rules=[rule_id]),
            disagreement=rejected,
            max_examples=per_rule,
            seed=seed,
        )
        for rule_id in chosen
    )
    return Report(subject=name or _name(fn), results=tuple(results))


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientOutcome:
    """Where a discovery client ended in a world, as its adapter reports it.

    Attributes:
        outcome: ``"authorize"`` (it sent the user to an authorization endpoint) or
            ``"fail"`` (it gave up).
        authorization_endpoint: the endpoint it authorized at (without the query).
        probes: the metadata GETs it made, in order (not the resource request, not the
            registration or token requests).
        detail: its error message when it failed.
    """

    outcome: str
    authorization_endpoint: str | None = None
    probes: tuple[str, ...] = ()
    detail: str = ""


def _world_input(world: DiscoveryWorld) -> dict[str, Any]:
    return {"resource": world.resource, "responses": world.responses}


def _rfcauth_outcome(world: DiscoveryWorld) -> str:
    outcome = world.plan.outcome
    if isinstance(outcome, Authorize):
        return f"authorize at {outcome.authorization_endpoint} (issuer {outcome.issuer})"
    return f"fail {getattr(outcome, 'code', type(outcome).__name__)}"


def check_discovery(  # noqa: C901 -- the properties are closures over the client
    client: Callable[[str, Mapping[str, Mapping[str, Any]]], ClientOutcome],
    *,
    worlds: st.SearchStrategy[DiscoveryWorld] | None = None,
    max_examples: int = 100,
    seed: int = 0,
    name: str | None = None,
    only: Sequence[str] | None = None,
) -> Report:
    """Check a discovery client against ``rfcauth.simulate`` over generated worlds.

    `client(resource, responses)` runs the client against the canned servers (unlisted URLs
    answer 404) and reports a `ClientOutcome`. Properties: it completes discovery wherever
    rfcauth does, it refuses wherever rfcauth refuses (the rule is the one rfcauth's plan
    cites), it authorizes at the same endpoint, and it makes the same metadata requests in
    the same order (RFC 9728 §3.1, §5.1; RFC 8414 §3.1; MCP 2025-03-26 back-compat).

    Args:
        client: the adapter running the client under test.
        worlds: the worlds to try (default: `discovery_worlds()`; filter it to focus).
        max_examples: examples per property.
        seed: the seed; the same seed gives the same report.
        name: the client's name in the report.
        only: the property ids to run (default: all).
    """

    def run(world: DiscoveryWorld) -> tuple[ClientOutcome, str]:
        try:
            return client(world.resource, world.responses), ""
        except Exception as exc:  # noqa: BLE001 -- a crash is reported as the client's failure
            return ClientOutcome(outcome="fail", detail=f"{type(exc).__name__}: {exc}"), ""

    def why(world: DiscoveryWorld) -> tuple[str, str]:
        outcome = world.plan.outcome
        return outcome.explanation, outcome.rule

    def outcome_check(expected: str) -> Callable[[DiscoveryWorld], Counterexample | None]:
        def check(world: DiscoveryWorld) -> Counterexample | None:
            rfcauth = "authorize" if isinstance(world.plan.outcome, Authorize) else "fail"
            if rfcauth != expected:
                return None
            got, _ = run(world)
            if got.outcome == expected:
                return None
            text, rule = why(world)
            detail = f": {got.detail}" if got.detail else ""
            return Counterexample(
                input=_world_input(world),
                got=f"{got.outcome}{detail}",
                expected=_rfcauth_outcome(world),
                why=text,
                section=rule,
            )

        return check

    def same_endpoint(world: DiscoveryWorld) -> Counterexample | None:
        got, _ = run(world)
        outcome = world.plan.outcome
        if not isinstance(outcome, Authorize) or got.outcome != "authorize":
            return None
        if got.authorization_endpoint == outcome.authorization_endpoint:
            return None
        text, rule = why(world)
        return Counterexample(
            input=_world_input(world),
            got=f"authorize at {got.authorization_endpoint}",
            expected=_rfcauth_outcome(world),
            why=text,
            section=rule,
        )

    def same_probes(world: DiscoveryWorld) -> Counterexample | None:
        got, _ = run(world)
        if got.probes == world.plan.probes:
            return None
        text, rule = why(world)
        return Counterexample(
            input=_world_input(world),
            got="GET " + ", ".join(got.probes),
            expected="GET " + ", ".join(world.plan.probes),
            why=text,
            section=rule,
        )

    properties = [
        (
            "authorizes_where_rfcauth_does",
            "completes discovery wherever rfcauth does",
            outcome_check("authorize"),
        ),
        (
            "refuses_where_rfcauth_does",
            "refuses wherever rfcauth refuses",
            outcome_check("fail"),
        ),
        ("same_endpoint", "authorizes at the endpoint rfcauth authorizes at", same_endpoint),
        ("same_probes", "requests the same metadata, in the same order", same_probes),
    ]
    results = [
        run_property(
            property_id=pid,
            title=title,
            section="RFC 9728 §3, §5; RFC 8414 §3; MCP authorization",
            strategy=discovery_worlds() if worlds is None else worlds,
            disagreement=check,
            max_examples=max_examples,
            seed=seed,
        )
        for pid, title, check in properties
        if only is None or pid in only
    ]
    return Report(subject=name or _name(client), results=tuple(results))
