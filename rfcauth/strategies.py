"""Hypothesis strategies for rfcauth's values: the public face of ``rfcauth.testing``.

Use them to property-test your own ``WWW-Authenticate`` parser, metadata validator or
discovery client against the grammar and rules rfcauth is built from::

    from hypothesis import given
    from rfcauth.strategies import www_authenticate_values

    @given(www_authenticate_values())
    def test_my_parser(case):
        assert my_parse(case.value) == my_view(case.challenges)

Strategies follow Hypothesis's conventions: plural nouns, everything keyword-only,
strategies (never plain values) as arguments, ``InvalidArgument`` when drawn with bad
arguments. The checkers that run these for you and report minimal counterexamples are in
``rfcauth.testing``. This module imports Hypothesis; ``import rfcauth`` does not.
"""

from __future__ import annotations

from rfcauth.testing._abnf_strategies import from_abnf
from rfcauth.testing._challenge_strategies import (
    bearer_challenges,
    challenges,
    malformed_www_authenticate_values,
    near_valid_www_authenticate_values,
    www_authenticate_values,
)
from rfcauth.testing._discovery_strategies import discovery_worlds
from rfcauth.testing._metadata_strategies import (
    authorization_server_metadata,
    invalid_authorization_server_metadata,
    invalid_protected_resource_metadata,
    issuers,
    protected_resource_metadata,
    resources,
)

__all__ = [
    "authorization_server_metadata",
    "bearer_challenges",
    "challenges",
    "discovery_worlds",
    "from_abnf",
    "invalid_authorization_server_metadata",
    "invalid_protected_resource_metadata",
    "issuers",
    "malformed_www_authenticate_values",
    "near_valid_www_authenticate_values",
    "protected_resource_metadata",
    "resources",
    "www_authenticate_values",
]
