"""Challenge parsing in one place: ``WWW-Authenticate`` per RFC 9110, RFC 6750 and RFC 9728.

::

    grammars/*.abnf --(rfcauth._generate)--> _abnf.py   the regexes, one per rule
    _challenge_values.py   Challenge, ChallengeScan, SkippedChallenge, Tolerated
    _challenge_parser.py   parse_www_authenticate / scan_www_authenticate (the list loop)
    _challenge_format.py   format_www_authenticate (the inverse)
    _bearer.py             BearerChallenge, BearerError, BearerProblem (the typed view)
    reference.py           the slow reference parser, built by `abnf` (lazy, tests only)
"""

from __future__ import annotations

from rfcauth._bearer import BearerChallenge, BearerError, BearerProblem
from rfcauth._challenge_format import format_www_authenticate
from rfcauth._challenge_parser import (
    DEFAULT_MAX_LENGTH,
    TOLERANCES,
    Tolerance,
    combine_field_lines,
    parse_www_authenticate,
    scan_www_authenticate,
)
from rfcauth._challenge_values import Challenge, ChallengeScan, SkippedChallenge, Tolerated

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
