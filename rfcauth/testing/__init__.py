"""Conformance kit: strategies, checkers and vectors for testing *other* implementations.

::

    _abnf_strategies.py       from_abnf: values of any rule in grammars/*.abnf
    _challenge_strategies.py  challenges, WWW-Authenticate values valid and malformed
    _metadata_strategies.py   RFC 8414 / RFC 9728 documents, valid and broken in one rule
    _discovery_strategies.py  discovery_worlds: canned servers with simulate's outcome
    _report.py                Report, PropertyResult, Counterexample (what checkers return)
    _checkers.py              check_challenge_parser, check_metadata_validator, check_discovery
    _peers.py                 adapters for real peers (werkzeug, the MCP Python SDK), lazy
    _vectors.py               JSON Lines vectors for implementations in other languages
    _plugin.py                st.from_type registrations (Hypothesis's entry point)

The strategies are public as ``rfcauth.strategies``. This layer imports Hypothesis (and,
when drawn, ``abnf``); the core never imports it.
"""

from __future__ import annotations

from rfcauth.testing._challenge_strategies import (
    MALFORMATIONS,
    MalformedValue,
    WwwAuthenticateValue,
)
from rfcauth.testing._checkers import (
    REJECTED,
    ChallengeAdapter,
    ClientOutcome,
    check_challenge_parser,
    check_discovery,
    check_metadata_validator,
    parameter_extractor,
    parser,
)
from rfcauth.testing._discovery_strategies import DiscoveryWorld
from rfcauth.testing._metadata_strategies import InvalidDocument
from rfcauth.testing._plugin import _hypothesis_setup_hook, register_metadata_types
from rfcauth.testing._report import Counterexample, PropertyResult, Report

# st.from_type() for every rfcauth value type once this layer is in use (the entry point
# registers the light ones whenever Hypothesis is imported).
_hypothesis_setup_hook()
register_metadata_types()

__all__ = [
    "MALFORMATIONS",
    "REJECTED",
    "ChallengeAdapter",
    "ClientOutcome",
    "Counterexample",
    "DiscoveryWorld",
    "InvalidDocument",
    "MalformedValue",
    "PropertyResult",
    "Report",
    "WwwAuthenticateValue",
    "check_challenge_parser",
    "check_discovery",
    "check_metadata_validator",
    "parameter_extractor",
    "parser",
]
