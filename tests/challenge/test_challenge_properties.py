"""Property tests of the fast parser through the public API."""

from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING

import pytest
from budgets import budget
from hypothesis import example, given
from hypothesis import strategies as st

from rfcauth import (
    Challenge,
    ChallengeParseError,
    UsageError,
    format_www_authenticate,
    parse_www_authenticate,
    scan_www_authenticate,
)
from rfcauth.strategies import (
    challenges as challenge_strategy,
)
from rfcauth.strategies import (
    near_valid_www_authenticate_values as near_valid_headers,
)
from rfcauth.strategies import (
    www_authenticate_values,
)

if TYPE_CHECKING:
    from rfcauth.testing import WwwAuthenticateValue

challenge_lists = st.lists(challenge_strategy(), max_size=4)
headers = www_authenticate_values().map(lambda case: case.value)


@given(challenge_lists)
def test_round_trip(challenges: list[Challenge]) -> None:
    text = format_www_authenticate(challenges)
    assert parse_www_authenticate(text) == tuple(challenges)
    assert format_www_authenticate(parse_www_authenticate(text)) == text


@given(www_authenticate_values())
def test_every_spelling_parses_to_its_challenges(case: WwwAuthenticateValue) -> None:
    assert parse_www_authenticate(case.value) == case.challenges


@given(st.one_of(st.text(), near_valid_headers(), st.binary().map(lambda b: b.decode("latin-1"))))
@example("\ud800")
@example('Bearer a="\\')
@example("\\" * 1000)
@example("," * 1000)
def test_garbage_raises_only_challenge_parse_error(text: str) -> None:
    strict: tuple[Challenge, ...] | None = None
    error: ChallengeParseError | None = None
    try:
        strict = parse_www_authenticate(text)
    except ChallengeParseError as exc:
        error = exc
    if error is not None:
        assert 0 <= error.position <= len(error.value)
    scan = scan_www_authenticate(text)
    if strict is not None:  # lenient agrees with strict whenever strict accepts
        assert scan.challenges == strict
        assert scan.skipped == ()
    else:
        assert scan.skipped or scan.tolerated
    for skipped in scan.skipped:
        assert 0 <= skipped.position <= skipped.error_position <= len(scan.value)
        assert skipped.position < skipped.end <= len(scan.value)
        assert scan.value[skipped.position : skipped.end] == skipped.text


@given(st.binary(max_size=200))
def test_bytes_never_raise_anything_else(data: bytes) -> None:
    with contextlib.suppress(ChallengeParseError):
        parse_www_authenticate(data)
    parse_www_authenticate(data, strict=False)


@given(challenge_lists)
def test_scheme_and_name_case_do_not_matter(challenges: list[Challenge]) -> None:
    shouted = [
        Challenge(
            scheme=c.scheme.swapcase(),
            token68=c.token68,
            params={name.upper(): value for name, value in c.params.items()},
        )
        for c in challenges
    ]
    # built from upper-case names, read back lower-case: same params, schemes match
    parsed = parse_www_authenticate(format_www_authenticate(shouted))
    assert [c.params for c in parsed] == [c.params for c in challenges]
    assert all(p.is_scheme(c.scheme) for p, c in zip(parsed, challenges, strict=True))


@given(st.lists(headers, min_size=1, max_size=4))
def test_field_lines_equal_their_comma_join(lines: list[str]) -> None:
    assert parse_www_authenticate(lines) == parse_www_authenticate(", ".join(lines))
    as_bytes = [line.encode("latin-1") for line in lines]
    assert parse_www_authenticate(as_bytes) == parse_www_authenticate(lines)


@budget(60)
@given(near_valid_headers())
def test_lenient_keeps_a_valid_challenge_after_a_broken_one(broken: str) -> None:
    good = Challenge(scheme="Bearer", params={"error": "invalid_token"})
    # an open quote in the broken text may hide what follows; otherwise the next
    # challenge boundary is found and the Bearer challenge survives intact
    if '"' not in broken:
        scan = scan_www_authenticate([broken, 'Bearer error="invalid_token"'])
        assert scan.challenges[-1] == good


def test_max_length_is_enforced_before_any_work() -> None:
    with pytest.raises(ChallengeParseError) as info:
        parse_www_authenticate("a" * 16_385)
    assert info.value.rule == "max_length"
    with pytest.raises(ChallengeParseError):
        scan_www_authenticate(["a" * 10_000, "b" * 10_000])
    with pytest.raises(ChallengeParseError):
        parse_www_authenticate(b"x" * 20, max_length=10, strict=False)
    assert parse_www_authenticate("a" * 16_384) == (Challenge(scheme="a" * 16_384),)


@pytest.mark.parametrize("bad", [None, 1, 1.5, [1], ["a", None], {"a": "b"}, object()])
def test_wrong_types_are_usage_errors(bad: object) -> None:
    with pytest.raises(UsageError):
        parse_www_authenticate(bad)
    with pytest.raises(UsageError):
        scan_www_authenticate(bad)


def test_bad_options_are_usage_errors() -> None:
    with pytest.raises(UsageError):
        parse_www_authenticate("a", strict="yes")  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        parse_www_authenticate("a", max_length=-1)


@pytest.mark.parametrize(
    "challenge",
    [
        Challenge(scheme="Bearer", params={"realm": "a\r\nb"}),
        Challenge(scheme="Bearer", params={"realm": "\x00"}),
        Challenge(scheme="Bearer", params={"realm": "\u20ac"}),
        Challenge(scheme="Bear er"),
        Challenge(scheme="Bearer", params={"a b": "c"}),
        Challenge(scheme="Negotiate", token68="a b"),
    ],
)
def test_format_refuses_what_it_cannot_represent(challenge: Challenge) -> None:
    with pytest.raises(UsageError):
        format_www_authenticate([challenge])


def test_challenge_rejects_both_token68_and_params() -> None:
    with pytest.raises(UsageError):
        Challenge(scheme="A", token68="x", params={"a": "b"})
    with pytest.raises(UsageError):
        Challenge(scheme="A", params={"a": "1", "A": "2"})


ADVERSARIAL = {
    "commas": lambda n: "," * n,
    "backslashes-in-quote": lambda n: 'Bearer a="' + "\\" * n,
    "open-quotes": lambda n: 'Bearer a="x, ' * (n // 12),
    "spaces-before-nothing": lambda n: "Bearer" + " " * n + "x",
    "empty-params": lambda n: "Bearer " + ",,,, " * (n // 5) + "a=b",
    "many-challenges": lambda n: "A b, " * (n // 5),
    "broken-challenges": lambda n: 'A "x, ' * (n // 6),
}


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_adversarial_inputs_take_linear_time(name: str) -> None:
    make = ADVERSARIAL[name]

    def cost(n: int) -> float:
        text = make(n)
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            with contextlib.suppress(ChallengeParseError):
                parse_www_authenticate(text, max_length=len(text))
            scan_www_authenticate(text, max_length=len(text))
            best = min(best, time.perf_counter() - start)
        return best

    small, large = cost(20_000), cost(80_000)
    # linear: 4x the input costs about 4x; quadratic would be 16x. Generous for noisy CI.
    assert large < small * 10 + 0.05, (small, large)


def test_a_million_commas_and_100kb_of_backslashes() -> None:
    start = time.perf_counter()
    assert parse_www_authenticate("," * 1_000_000, max_length=1_000_000) == ()
    with pytest.raises(ChallengeParseError):
        parse_www_authenticate('Bearer a="' + "\\" * 100_000, max_length=200_000)
    assert time.perf_counter() - start < 10
