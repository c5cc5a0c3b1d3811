"""Hypothesis's entry point: ``st.from_type`` for rfcauth's value types.

Hypothesis calls `_hypothesis_setup_hook` when it is imported (the ``hypothesis`` entry point
in pyproject.toml). It registers the challenge values, whose layer is light; the metadata
models (pydantic, heavier to build) are registered when ``rfcauth.strategies`` or
``rfcauth.testing`` is imported, so a project that merely has rfcauth installed does not pay
for them on every Hypothesis import.
"""

from __future__ import annotations

from hypothesis import strategies as st

from rfcauth.challenge import BearerChallenge, Challenge

__all__ = ["_hypothesis_setup_hook", "register_metadata_types"]


def _challenges() -> st.SearchStrategy[Challenge]:
    from rfcauth.testing._challenge_strategies import challenges  # noqa: PLC0415 -- when drawn

    return challenges()


def _bearer_challenges() -> st.SearchStrategy[BearerChallenge]:
    from rfcauth.testing._challenge_strategies import bearer_challenges  # noqa: PLC0415 -- as above

    return bearer_challenges().map(BearerChallenge.from_challenge)


def _hypothesis_setup_hook() -> None:
    """Register `Challenge` and `BearerChallenge` with ``st.from_type``.

    Hypothesis runs this while it is being imported, possibly from inside an import of this
    layer: the strategies are looked up when first drawn, never here.
    """
    st.register_type_strategy(Challenge, st.deferred(_challenges))
    st.register_type_strategy(BearerChallenge, st.deferred(_bearer_challenges))


def register_metadata_types() -> None:
    """Register the RFC 8414 / RFC 9728 models with ``st.from_type``."""
    from rfcauth.metadata import (  # noqa: PLC0415 -- pydantic models, built on demand
        AuthorizationServerMetadata,
        ProtectedResourceMetadata,
        parse_authorization_server_metadata,
        parse_protected_resource_metadata,
    )
    from rfcauth.testing._metadata_strategies import (  # noqa: PLC0415 -- as above
        authorization_server_metadata,
        protected_resource_metadata,
    )

    st.register_type_strategy(
        AuthorizationServerMetadata,
        authorization_server_metadata().map(parse_authorization_server_metadata),
    )
    st.register_type_strategy(
        ProtectedResourceMetadata,
        protected_resource_metadata().map(parse_protected_resource_metadata),
    )
