"""Challenge parsing in one place: ``WWW-Authenticate`` per RFC 9110, RFC 6750 and RFC 9728.

::

    grammars/*.abnf --(rfcauth.grammar._generate)--> _abnf.py   the regexes, one per rule
    _values.py   Challenge, ChallengeScan, SkippedChallenge, Tolerated
    _parser.py   parse_www_authenticate / scan_www_authenticate (the list loop)
    _format.py   format_www_authenticate (the inverse)
    _bearer.py   BearerChallenge, BearerError, BearerProblem (the typed view)
    _examples.py  real-world headers, the seed first (tests, benchmarks, the demo)
"""

from __future__ import annotations

from rfcauth.challenge._bearer import BearerChallenge, BearerError, BearerProblem
from rfcauth.challenge._format import format_www_authenticate
from rfcauth.challenge._parser import (
    DEFAULT_MAX_LENGTH,
    TOLERANCES,
    Tolerance,
    combine_field_lines,
    parse_www_authenticate,
    scan_www_authenticate,
)
from rfcauth.challenge._values import Challenge, ChallengeScan, SkippedChallenge, Tolerated

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
