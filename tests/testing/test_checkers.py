"""Each checker finds a planted defect of each kind it claims to look for, and passes rfcauth."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from rfcauth import (
    Authorize,
    Challenge,
    ChallengeParseError,
    MetadataError,
    parse_authorization_server_metadata,
    parse_protected_resource_metadata,
    parse_www_authenticate,
    scan_www_authenticate,
    simulate,
)
from rfcauth.discovery import Policy
from rfcauth.strategies import discovery_worlds
from rfcauth.testing import (
    REJECTED,
    ClientOutcome,
    Report,
    check_challenge_parser,
    check_discovery,
    check_metadata_validator,
    parameter_extractor,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

_FAST = {"max_examples": 30, "seed": 1}


def _failing(report: Report) -> set[str]:
    return {result.id for result in report.failures}


def test_rfcauth_passes_its_own_challenge_checks() -> None:
    report = check_challenge_parser(parse_www_authenticate, **_FAST)
    report.assert_passed()
    assert "0 of 4 properties fail" in str(report)


def test_a_parser_that_drops_later_challenges() -> None:
    report = check_challenge_parser(lambda v: parse_www_authenticate(v)[:1], **_FAST)
    assert "several_challenges" in _failing(report)
    example = report.result("several_challenges").counterexample
    assert example is not None
    assert len(str(example.input)) <= 6  # minimal: two bare challenges
    assert example.section == "RFC 9110 §11.6.1"


def test_a_parser_that_keeps_quoted_pairs() -> None:
    def raw(value: str) -> list[dict[str, Any]]:
        out = []
        for c in parse_www_authenticate(value):
            params = {k: v.replace("\\", "\\\\").replace('"', '\\"') for k, v in c.params.items()}
            out.append({"scheme": c.scheme, "token68": c.token68, "params": params})
        return out

    report = check_challenge_parser(raw, only=["every_spelling"], **_FAST)
    assert "every_spelling" in _failing(report)
    example = report.result("every_spelling").counterexample
    assert example is not None
    assert "\\" in str(example.input)  # the minimal case has a quoted-pair


def test_a_lenient_parser_that_accepts_broken_values() -> None:
    report = check_challenge_parser(lambda v: scan_www_authenticate(v).challenges, **_FAST)
    assert _failing(report) == {"malformed_rejected"}
    example = report.result("malformed_rejected").counterexample
    assert example is not None
    assert example.expected == repr(REJECTED)
    with pytest.raises(AssertionError, match="malformed_rejected"):
        report.assert_passed()


def _regex_extractor(value: str, name: str) -> str | None:
    # the MCP SDKs' approach, planted here: a regex over the whole field value
    match = re.search(rf'{name}=(?:"([^"]+)"|([^\s,]+))', value)
    return (match.group(1) or match.group(2)) if match else None


def _rfcauth_extractor(value: str, name: str) -> str | None:
    for challenge in scan_www_authenticate(value).challenges:
        if name in challenge.params:
            return challenge.params[name]
    return None


def test_a_regex_extractor_leaks_values_out_of_quoted_strings() -> None:
    report = check_challenge_parser(
        _regex_extractor, adapter=parameter_extractor(["scope", "error"]), **_FAST
    )
    assert "quoted_values_stay_quoted" in _failing(report)


def test_a_correct_extractor_passes() -> None:
    adapter = parameter_extractor(["resource_metadata", "scope", "error"])
    check_challenge_parser(_rfcauth_extractor, adapter=adapter, **_FAST).assert_passed()


def test_rfcauth_passes_its_own_metadata_checks() -> None:
    check_metadata_validator(parse_authorization_server_metadata, max_examples=10).assert_passed()
    prm = check_metadata_validator(parse_protected_resource_metadata, kind="prm", max_examples=10)
    prm.assert_passed()


def test_a_validator_that_ignores_one_rule() -> None:
    def lax(document: dict[str, Any]) -> object:
        try:
            return parse_authorization_server_metadata(document)
        except MetadataError as exc:
            if exc.codes == {"issuer_not_https"}:
                return None
            raise

    report = check_metadata_validator(lax, max_examples=10)
    assert _failing(report) == {"rejects_issuer_not_https"}
    example = report.result("rejects_issuer_not_https").counterexample
    assert example is not None
    assert example.section == "RFC 8414 §2"
    assert str(example.input["issuer"]).startswith("http://")  # type: ignore[index]


def test_a_validator_that_rejects_unknown_members() -> None:
    def closed(document: dict[str, Any]) -> bool:  # RFC 8414 §3.2: unknown members are ignored
        return not any(name.startswith("x_") for name in document)

    report = check_metadata_validator(closed, max_examples=20, only=["valid_accepted"])
    assert "valid_accepted" in _failing(report)
    example = report.result("valid_accepted").counterexample
    assert example is not None
    assert any(name.startswith("x_") for name in example.input)  # type: ignore[union-attr]


def test_check_metadata_validator_rejects_an_unknown_kind() -> None:
    with pytest.raises(ValueError, match="kind"):
        check_metadata_validator(parse_authorization_server_metadata, kind="jwks")


def _probes(plan: Any) -> tuple[str, ...]:
    return tuple(plan.probes)


def _rfcauth_client(resource: str, responses: Mapping[str, Mapping[str, Any]]) -> ClientOutcome:
    plan = simulate(resource, responses)
    if isinstance(plan.outcome, Authorize):
        return ClientOutcome(
            outcome="authorize",
            authorization_endpoint=plan.outcome.authorization_endpoint,
            probes=_probes(plan),
        )
    return ClientOutcome(outcome="fail", probes=_probes(plan))


def test_rfcauth_passes_its_own_discovery_checks() -> None:
    check_discovery(_rfcauth_client, max_examples=40, seed=1).assert_passed()


def test_a_client_without_the_issuer_check() -> None:
    def trusting(resource: str, responses: Mapping[str, Mapping[str, Any]]) -> ClientOutcome:
        plan = simulate(resource, responses)
        if getattr(plan.outcome, "code", None) == "issuer_mismatch":
            return ClientOutcome(outcome="authorize", probes=_probes(plan))
        return _rfcauth_client(resource, responses)

    report = check_discovery(trusting, max_examples=60, seed=1)
    assert "refuses_where_rfcauth_does" in _failing(report)
    assert "authorizes_where_rfcauth_does" not in _failing(report)


def test_a_client_without_the_legacy_fallback() -> None:
    def modern(resource: str, responses: Mapping[str, Mapping[str, Any]]) -> ClientOutcome:
        plan = simulate(resource, responses, policy=Policy.strict())
        if isinstance(plan.outcome, Authorize) and plan.outcome.protocol != "2025-03-26":
            return _rfcauth_client(resource, responses)
        return ClientOutcome(outcome="fail", probes=_probes(plan))

    report = check_discovery(modern, max_examples=60, seed=1)
    example = report.result("authorizes_where_rfcauth_does").counterexample
    assert example is not None
    assert "2025-03-26" in example.section


def test_reports_are_deterministic_for_a_seed() -> None:
    one = check_challenge_parser(lambda v: parse_www_authenticate(v)[:1], max_examples=30, seed=7)
    two = check_challenge_parser(lambda v: parse_www_authenticate(v)[:1], max_examples=30, seed=7)
    assert str(one) == str(two)


def test_a_crashing_parser_is_a_rejection_not_a_crash() -> None:
    def crash(value: str) -> list[Challenge]:
        raise ChallengeParseError("no", value=value, position=0, rule="x")

    report = check_challenge_parser(
        crash, max_examples=20, only=["malformed_rejected", "every_spelling"]
    )
    assert report.result("malformed_rejected").passed
    assert not report.result("every_spelling").passed


def test_the_worlds_argument_focuses_the_search() -> None:
    legacy = discovery_worlds().filter(lambda w: w.features["prm_at"] == "nowhere")
    served: list[list[str]] = []

    def recording(resource: str, responses: Mapping[str, Mapping[str, Any]]) -> ClientOutcome:
        served.append([url for url, r in responses.items() if r.get("status", 200) == 200])
        return _rfcauth_client(resource, responses)

    check_discovery(recording, worlds=legacy, max_examples=20).assert_passed()
    assert served
    assert not any("oauth-protected-resource" in url for urls in served for url in urls)
