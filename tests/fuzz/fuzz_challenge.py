"""Fuzz the WWW-Authenticate parser (RFC 9110 §11) and the Bearer view (RFC 6750 §3).

The input is the field value as ISO-8859-1 bytes (RFC 9110 §5.5); a newline splits it into
several field lines (RFC 9110 §5.3), which is the only way a line break reaches the parser.

Invariants:
- strict parse, lenient parse and scan raise nothing but `ChallengeParseError`;
- a strict parse round-trips: ``parse(format(cs)) == cs``, and ``format`` is a fixed point;
- what the lenient scan keeps formats to a value the strict parser reads back identically;
- the strict challenges are a subsequence of nothing lost: lenient parsing of a strictly valid
  value gives the same challenges and skips nothing;
- the Bearer view of any parsed challenge list raises nothing.

Run: ``python tests/fuzz/fuzz_challenge.py [libFuzzer flags] [corpus dirs]``.
"""

from __future__ import annotations

from fuzzkit import InvariantError, fuzz

from rfcauth import (
    BearerChallenge,
    Challenge,
    ChallengeParseError,
    format_www_authenticate,
    parse_www_authenticate,
    scan_www_authenticate,
)


def _lines(data: bytes) -> bytes | list[bytes]:
    return data.split(b"\n") if b"\n" in data else data


def _round_trip(challenges: tuple[Challenge, ...], what: str) -> None:
    if not challenges:
        return
    text = format_www_authenticate(challenges)
    again = parse_www_authenticate(text)
    if again != challenges:
        raise InvariantError(f"{what}: parse(format(cs)) != cs: {text!r} -> {again!r}")
    if format_www_authenticate(again) != text:
        raise InvariantError(f"{what}: format is not a fixed point for {text!r}")


def _bearer_view(challenges: tuple[Challenge, ...]) -> None:
    bearer = BearerChallenge.find(challenges)
    if bearer is None:
        if any(c.is_scheme("bearer") for c in challenges):
            raise InvariantError("a Bearer challenge was parsed but BearerChallenge.find missed it")
        return
    for challenge in challenges:
        view = BearerChallenge.from_challenge(challenge)
        for problem in view.problems:
            # RFC 6750 §3: a value reported as a problem is not used
            if problem.param is not None and getattr(view, problem.param) is not None:
                raise InvariantError(f"{problem.param} is reported invalid but still used")
    if bearer.challenge is not next(c for c in challenges if c.is_scheme("bearer")):
        raise InvariantError("BearerChallenge.find did not take the first Bearer challenge")


def check(data: bytes) -> None:
    """One input: see the module docstring for the invariants."""
    value = _lines(data)
    try:
        strict = parse_www_authenticate(value)
    except ChallengeParseError:
        strict = None
    try:
        scan = scan_www_authenticate(value)
    except ChallengeParseError:
        # documented: only for max_length, which the strict parse must then refuse as well
        if strict is not None:
            raise InvariantError("scan refused a value the strict parser accepted") from None
        return
    lenient = parse_www_authenticate(value, strict=False)
    if lenient != scan.challenges:
        raise InvariantError("parse(strict=False) and scan disagree")
    if strict is not None:
        _round_trip(strict, "strict")
        if scan.challenges != strict or scan.skipped:
            raise InvariantError("the lenient scan of a strictly valid value differs")
        _bearer_view(strict)
    _round_trip(scan.challenges, "scan")
    _bearer_view(scan.challenges)


if __name__ == "__main__":
    fuzz(check)
