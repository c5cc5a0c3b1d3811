"""Challenge parsing in one place: ``WWW-Authenticate`` per RFC 9110, RFC 6750 and RFC 9728.

::

    grammars/*.abnf --(rfcauth.grammar._generate)--> _abnf.py   the regexes, one per rule
    _values.py   Challenge, ChallengeScan, SkippedChallenge, Tolerated
    _parser.py   parse_www_authenticate / scan_www_authenticate (the list loop, fast path)
    _stepwise.py the step-by-step parser: where and why a value breaks; lenient recovery
    _format.py   format_www_authenticate (the inverse; imported on first use, as parsing
                 never needs it)
    _bearer.py   BearerChallenge, BearerError, BearerProblem (the typed view)
    _examples.py  real-world headers, the seed first (tests, benchmarks, the demo)
"""

from __future__ import annotations

from rfcauth.challenge._bearer import BearerChallenge, BearerError, BearerProblem
from rfcauth.challenge._parser import (
    DEFAULT_MAX_LENGTH,
    TOLERANCES,
    Tolerance,
    combine_field_lines,
    parse_www_authenticate,
    scan_www_authenticate,
)
from rfcauth.challenge._values import Challenge, ChallengeScan, SkippedChallenge, Tolerated

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see rfcauth._frozen)
if TYPE_CHECKING:
    from rfcauth.challenge._format import format_www_authenticate
del TYPE_CHECKING  # not part of the API

__all__ = [
    "DEFAULT_MAX_LENGTH",
    "TOLERANCES",
    "BearerChallenge",
    "BearerError",
    "BearerProblem",
    "Challenge",
    "ChallengeScan",
    "SkippedChallenge",
    "Tolerance",
    "Tolerated",
    "combine_field_lines",
    "format_www_authenticate",
    "parse_www_authenticate",
    "scan_www_authenticate",
]


def __getattr__(name: str) -> object:
    """`format_www_authenticate`, imported on first use (PEP 562)."""
    if name != "format_www_authenticate":
        raise AttributeError(f"module 'rfcauth.challenge' has no attribute {name!r}")
    from rfcauth.challenge._format import format_www_authenticate  # noqa: PLC0415

    globals()[name] = format_www_authenticate
    return format_www_authenticate


def __dir__() -> list[str]:
    """The module's names, including the one not imported yet."""
    return sorted({*globals(), *__all__})
