"""The discovery scenario vectors (`rfcauth/vectors/discovery.json`): load, run, compare.

The vectors are language-neutral data: each row is a `simulate` input (resource URL, canned
responses keyed by URL, policy, client options) with its expected outcome and probe order. The
test suite runs every row, the README's scenario table is generated from the same rows, and
implementations in other languages can replay them.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, fields, replace
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from rfcauth._errors import UsageError
from rfcauth.discovery._actions import Authorize, Fail
from rfcauth.discovery._policy import ClientOptions, Policy
from rfcauth.discovery._simulate import Plan, simulate

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["Scenario", "check_scenario", "load_scenarios", "policy_from_spec", "scenario_table"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario:
    """One row of the discovery vectors.

    Attributes:
        id: stable kebab-case identifier.
        title: what the row shows.
        rule: the README behaviour rule(s) it covers, e.g. ``"1,5"``.
        resource: the URL the client requests.
        responses: canned responses (``$doc`` references resolved).
        policy: the policy to run with.
        client: the client options to run with.
        expect: the expected outcome, as in the JSON.
        source: the real server, issue or conformance scenario the row comes from, if any.
    """

    id: str
    title: str
    rule: str
    resource: str
    responses: Mapping[str, Mapping[str, Any]]
    policy: Policy
    client: ClientOptions
    expect: Mapping[str, Any]
    source: str | None = None

    def run(self) -> Plan:
        """Simulate the row."""
        return simulate(self.resource, self.responses, policy=self.policy, client=self.client)


def _resolve(value: Any, documents: Mapping[str, Any]) -> Any:  # noqa: ANN401 - JSON
    if isinstance(value, dict):
        if "$doc" in value:
            document = copy.deepcopy(documents[value["$doc"]])
            document.update(copy.deepcopy(value.get("set", {})))
            for name in value.get("unset", []):
                document.pop(name, None)
            return document
        return {k: _resolve(v, documents) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, documents) for v in value]
    return value


def policy_from_spec(spec: str | Mapping[str, Any]) -> Policy:
    """A `Policy` from its JSON spelling: a preset name, or ``{"preset": name, knob: value}``."""
    if isinstance(spec, str):
        spec = {"preset": spec}
    if not isinstance(spec, dict):
        raise UsageError('a policy is "compatible", "strict" or {"preset": ..., knob: value}')
    presets = {"compatible": Policy.compatible, "strict": Policy.strict}
    preset = spec.get("preset", "compatible")
    if preset not in presets:
        raise UsageError(f"unknown policy preset {preset!r}")
    base = presets[preset]()
    knobs = {f.name for f in fields(Policy)}
    overrides = {k: v for k, v in spec.items() if k != "preset"}
    unknown = set(overrides) - knobs
    if unknown:
        raise UsageError(f"unknown policy knobs {sorted(unknown)}")
    return replace(base, **overrides)


def _vectors_text() -> str:
    return (
        resources.files("rfcauth.discovery").joinpath("vectors/discovery.json").read_text("utf-8")
    )


@cache
def load_scenarios() -> tuple[Scenario, ...]:
    """Every scenario of the shipped discovery vectors, in file order."""
    data = json.loads(_vectors_text())
    documents = data["documents"]
    return tuple(
        Scenario(
            id=row["id"],
            title=row["title"],
            rule=row["rule"],
            resource=row["resource"],
            responses=_resolve(row["responses"], documents),
            policy=policy_from_spec(row.get("policy", "compatible")),
            client=ClientOptions(**row.get("client", {})),
            expect=row["expect"],
            source=row.get("source"),
        )
        for row in data["scenarios"]
    )


def _outcome_name(plan: Plan) -> str:
    if isinstance(plan.outcome, Authorize):
        return "authorize"
    if isinstance(plan.outcome, Fail):
        return "fail"
    return "no_authorization_needed"


def check_scenario(scenario: Scenario, plan: Plan) -> list[str]:
    """Every difference between `plan` and the scenario's expectation (empty: it conforms)."""
    expect = scenario.expect
    problems: list[str] = []

    def differ(what: str, expected: object, actual: object) -> None:
        if expected != actual:
            problems.append(f"{what}: expected {expected!r}, got {actual!r}")

    differ("outcome", expect["outcome"], _outcome_name(plan))
    differ("probes", expect["probes"], list(plan.probes))
    outcome = plan.outcome
    if isinstance(outcome, Fail):
        differ("code", expect.get("code"), outcome.code)
        if "retry_after" in expect:
            differ("retry_after", expect["retry_after"], outcome.retry_after)
    elif isinstance(outcome, Authorize):
        registration = outcome.registration
        actual = {
            "issuer": outcome.issuer,
            "protocol": outcome.protocol,
            "registration": registration.kind,
            "scope": outcome.scope,
            "resource": outcome.resource,
            "client_id": registration.client_id,
            "registration_endpoint": registration.endpoint,
            "authorization_endpoint": outcome.authorization_endpoint,
            "token_endpoint": outcome.token_endpoint,
        }
        for key, value in actual.items():
            if key in expect:
                differ(key, expect[key], value)
        differ("code_challenge_method", "S256", outcome.code_challenge_method)
    else:
        differ("status", expect.get("status", outcome.status), outcome.status)
    if "warnings" in expect:
        actual_warnings = {n.code for n in outcome.warnings}
        missing = set(expect["warnings"]) - actual_warnings
        if missing:
            problems.append(f"warnings: missing {sorted(missing)} in {sorted(actual_warnings)}")
    return problems


def _describe(scenario: Scenario) -> str:
    expect = scenario.expect
    if expect["outcome"] == "fail":
        return f"`Fail({expect['code']})`"
    if expect["outcome"] == "authorize":
        return f"`Authorize` ({expect['protocol']}, {expect['registration']})"
    return "`NoAuthorizationNeeded`"


def scenario_table() -> str:
    """The README's scenario table, generated from the vectors."""
    lines = [
        "| # | scenario | rule | policy | outcome | probes |",
        "|---|---|---|---|---|---|",
    ]
    for number, scenario in enumerate(load_scenarios(), start=1):
        title = scenario.title.replace("|", "\\|")
        policy = (
            "strict"
            if scenario.policy == Policy.strict()
            else ("compatible" if scenario.policy == Policy() else "custom")
        )
        lines.append(
            f"| {number} | {title} (`{scenario.id}`) | {scenario.rule} | {policy} | "
            f"{_describe(scenario)} | {len(scenario.expect['probes'])} |"
        )
    return "\n".join(lines) + "\n"
