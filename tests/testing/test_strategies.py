"""Every public strategy satisfies its contract, rejects bad arguments, and shrinks."""

from __future__ import annotations

import subprocess
import sys

import pytest
from budgets import WHOLE_DOCUMENTS, budget
from hypothesis import find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import rfcauth.strategies
from rfcauth import (
    BearerChallenge,
    ChallengeParseError,
    MetadataError,
    parse_authorization_server_metadata,
    parse_protected_resource_metadata,
    parse_www_authenticate,
    scan_www_authenticate,
    simulate,
)
from rfcauth.grammar import reference
from rfcauth.strategies import (
    authorization_server_metadata,
    bearer_challenges,
    challenges,
    discovery_worlds,
    from_abnf,
    invalid_authorization_server_metadata,
    invalid_protected_resource_metadata,
    malformed_www_authenticate_values,
    protected_resource_metadata,
    www_authenticate_values,
)
from rfcauth.testing import (
    MALFORMATIONS,
    DiscoveryWorld,
    InvalidDocument,
    MalformedValue,
    WwwAuthenticateValue,
)

_CONSTRUCTED = [kind for kind in MALFORMATIONS if kind != "mutation"]


@given(www_authenticate_values())
def test_valid_values_parse_to_their_attached_challenges(case: WwwAuthenticateValue) -> None:
    assert parse_www_authenticate(case.value) == case.challenges


@budget(40)
@given(www_authenticate_values())
def test_valid_values_match_the_reference_parser(case: WwwAuthenticateValue) -> None:
    assert reference.parse_www_authenticate(case.value) == case.challenges


@given(st.lists(bearer_challenges(), min_size=1, max_size=2))
def test_bearer_challenges_conform_to_rfc_6750(items: list[object]) -> None:
    value = rfcauth.format_www_authenticate(items)  # type: ignore[arg-type]
    bearer = BearerChallenge.find(parse_www_authenticate(value))
    assert bearer is not None
    assert bearer.problems == ()


@pytest.mark.parametrize("kind", _CONSTRUCTED)
@budget(40)
@given(data=st.data())
def test_malformed_values_fail_with_the_named_rule_and_no_other(
    kind: str, data: st.DataObject
) -> None:
    case = data.draw(malformed_www_authenticate_values(kinds=[kind]))
    assert case.kind == kind
    with pytest.raises(ChallengeParseError) as info:
        parse_www_authenticate(case.value)
    assert (info.value.rule, info.value.position) == (case.rule, case.position)
    skipped = scan_www_authenticate(case.value).skipped
    assert [s.code for s in skipped] == [case.code]


@budget(40)
@given(malformed_www_authenticate_values(kinds=["mutation"]))
def test_mutations_carry_what_the_strict_parser_reports(case: MalformedValue) -> None:
    with pytest.raises(ChallengeParseError) as info:
        parse_www_authenticate(case.value)
    assert (info.value.rule, info.value.position) == (case.rule, case.position)


@pytest.mark.parametrize(
    "rule",
    ["WWW-Authenticate", "challenge", "auth-param", "quoted-string", "token68", "scope", "URI"],
)
@budget(40)
@given(data=st.data())
def test_from_abnf_values_match_their_rule(rule: str, data: st.DataObject) -> None:
    assert reference.matches(rule, data.draw(from_abnf(rule)))


def test_from_abnf_uses_explicit_strategies() -> None:
    value = find(from_abnf("challenge", explicit={"auth-scheme": st.just("Bearer")}), bool)
    assert value == "Bearer"


def test_from_abnf_shrinks_to_the_first_alternative() -> None:
    assert find(from_abnf("quoted-string"), lambda _: True) == '""'
    shortest = find(from_abnf("token68"), lambda _: True)
    assert len(shortest) == 1  # 1*( ... ): one repetition, no padding
    assert reference.matches("token68", shortest)


@WHOLE_DOCUMENTS
@given(authorization_server_metadata(), protected_resource_metadata())
def test_valid_documents_pass_every_rule(asm: dict[str, object], prm: dict[str, object]) -> None:
    parse_authorization_server_metadata(asm)
    parse_protected_resource_metadata(prm)


@budget(20)
@given(authorization_server_metadata(unknown_members=False, signed=False))
def test_document_options_leave_members_out(asm: dict[str, object]) -> None:
    assert "signed_metadata" not in asm
    assert not any(name.startswith("x_") for name in asm)


@budget(20)
@given(protected_resource_metadata(language_tags=False))
def test_no_language_tags_when_asked(prm: dict[str, object]) -> None:
    assert not any("#" in name for name in prm)


@WHOLE_DOCUMENTS
@given(invalid_authorization_server_metadata())
def test_invalid_asm_breaks_exactly_its_rule(case: InvalidDocument) -> None:
    with pytest.raises(MetadataError) as info:
        parse_authorization_server_metadata(case.document)
    assert info.value.codes == {case.rule}


@WHOLE_DOCUMENTS
@given(invalid_protected_resource_metadata())
def test_invalid_prm_breaks_exactly_its_rule(case: InvalidDocument) -> None:
    with pytest.raises(MetadataError) as info:
        parse_protected_resource_metadata(case.document)
    assert info.value.codes == {case.rule}


@given(discovery_worlds())
def test_worlds_carry_what_simulate_does(world: DiscoveryWorld) -> None:
    assert simulate(world.resource, world.responses) == world.plan


def test_worlds_shrink_to_the_seed_case() -> None:
    world = find(discovery_worlds(), lambda _: True)
    header = world.responses[world.resource]["headers"]["WWW-Authenticate"]
    assert header == 'Bearer error="invalid_token"'
    assert world.plan.outcome.protocol == "2025-03-26"  # type: ignore[union-attr]
    assert world.plan.probes[-1].endswith("/.well-known/oauth-authorization-server")


@pytest.mark.parametrize(
    "strategy",
    [
        lambda: challenges(schemes="Bearer"),  # type: ignore[arg-type]
        lambda: www_authenticate_values(items=[]),  # type: ignore[arg-type]
        lambda: malformed_www_authenticate_values(kinds=["nonsense"]),
        lambda: malformed_www_authenticate_values(kinds=[]),
        lambda: invalid_authorization_server_metadata(rules=["issuer_mismatch"]),
        lambda: invalid_protected_resource_metadata(rules=["no_such_rule"]),
        lambda: from_abnf("no-such-rule"),
        lambda: from_abnf("token", explicit={"tchar": "a"}),  # type: ignore[dict-item]
    ],
)
def test_bad_arguments_raise_invalid_argument_when_drawn(strategy: object) -> None:
    built = strategy()  # type: ignore[operator]
    with pytest.raises(InvalidArgument):
        find(built, lambda _: True)


def test_shrinks_to_a_small_counterexample_on_a_broken_parser() -> None:
    def first_challenge_only(value: str) -> tuple[object, ...]:
        return parse_www_authenticate(value)[:1]

    case = find(
        www_authenticate_values(),
        lambda c: first_challenge_only(c.value) != c.challenges,
        settings=settings(database=None, max_examples=500),
    )
    assert len(case.challenges) == 2
    assert len(case.value) <= 4  # e.g. "0, 0"


def test_strategies_module_and_rfcauth_stay_apart() -> None:
    code = "import sys, rfcauth; print('hypothesis' in sys.modules)"
    # S603: the command is this interpreter and a constant string
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
    assert set(rfcauth.strategies.__all__) <= set(dir(rfcauth.strategies))
