"""rfcauth: OAuth discovery for HTTP APIs and MCP servers, correct by construction.

Parse ``WWW-Authenticate`` (RFC 9110 §11, RFC 6750 §3, RFC 9728 §5.1), validate RFC 8414 /
RFC 9728 metadata, and decide the next discovery step without touching the network.

Every public name is also importable from its layer (``rfcauth.challenge``,
``rfcauth.metadata``, ``rfcauth.discovery``). This module resolves them lazily (PEP 562), so
``import rfcauth`` builds no pydantic model and compiles no pattern until a name is used.
"""

from __future__ import annotations

from rfcauth._errors import (
    ChallengeParseError,
    MetadataError,
    RfcAuthError,
    UsageError,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up, see _frozen)
if TYPE_CHECKING:
    from rfcauth._violation import Violation
    from rfcauth.challenge import TOLERANCES as CHALLENGE_TOLERANCES
    from rfcauth.challenge import (
        BearerChallenge,
        BearerError,
        BearerProblem,
        Challenge,
        ChallengeScan,
        SkippedChallenge,
        Tolerance,
        Tolerated,
        format_www_authenticate,
        parse_www_authenticate,
        scan_www_authenticate,
    )
    from rfcauth.discovery import (
        Action,
        Authorize,
        ClientOptions,
        DiscoveryContext,
        Exchange,
        Fail,
        Fetched,
        FetchResourceMetadata,
        FetchServerMetadata,
        NoAuthorizationNeeded,
        Note,
        Plan,
        Policy,
        Registration,
        ResourceResponse,
        next_action,
        simulate,
    )
    from rfcauth.metadata import (
        DEFAULT_SIGNED_METADATA_ALGORITHMS,
        AuthorizationServerMetadata,
        ProtectedResourceMetadata,
        WellKnownUrl,
        authorization_server_metadata_urls,
        check_mcp_profile,
        parse_authorization_server_metadata,
        parse_protected_resource_metadata,
        protected_resource_metadata_urls,
        verify_signed_metadata,
    )
    from rfcauth.metadata import RULES as METADATA_RULES
    from rfcauth.metadata import TOLERANCES as METADATA_TOLERANCES

del TYPE_CHECKING  # not part of the API

__version__ = "0.1.0"

# public name -> (layer, name in that layer); resolved on first use by __getattr__.
_LAZY: dict[str, tuple[str, str]] = {
    "CHALLENGE_TOLERANCES": ("rfcauth.challenge", "TOLERANCES"),
    **{
        name: ("rfcauth.challenge", name)
        for name in (
            "BearerChallenge",
            "BearerError",
            "BearerProblem",
            "Challenge",
            "ChallengeScan",
            "SkippedChallenge",
            "Tolerance",
            "Tolerated",
            "format_www_authenticate",
            "parse_www_authenticate",
            "scan_www_authenticate",
        )
    },
    "Violation": ("rfcauth._violation", "Violation"),
    "METADATA_RULES": ("rfcauth.metadata", "RULES"),
    "METADATA_TOLERANCES": ("rfcauth.metadata", "TOLERANCES"),
    **{
        name: ("rfcauth.metadata", name)
        for name in (
            "DEFAULT_SIGNED_METADATA_ALGORITHMS",
            "AuthorizationServerMetadata",
            "ProtectedResourceMetadata",
            "WellKnownUrl",
            "authorization_server_metadata_urls",
            "check_mcp_profile",
            "parse_authorization_server_metadata",
            "parse_protected_resource_metadata",
            "protected_resource_metadata_urls",
            "verify_signed_metadata",
        )
    },
    **{
        name: ("rfcauth.discovery", name)
        for name in (
            "Action",
            "Authorize",
            "ClientOptions",
            "DiscoveryContext",
            "Exchange",
            "Fail",
            "FetchResourceMetadata",
            "FetchServerMetadata",
            "Fetched",
            "NoAuthorizationNeeded",
            "Note",
            "Plan",
            "Policy",
            "Registration",
            "ResourceResponse",
            "next_action",
            "simulate",
        )
    },
}


def __getattr__(name: str) -> object:
    """Import a public name's layer on first use (PEP 562) and cache the name here."""
    try:
        module, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'rfcauth' has no attribute {name!r}") from None
    import importlib  # noqa: PLC0415 - on first use: `import rfcauth` stays cheap

    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public API, including the names not imported yet."""
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "CHALLENGE_TOLERANCES",
    "DEFAULT_SIGNED_METADATA_ALGORITHMS",
    "METADATA_RULES",
    "METADATA_TOLERANCES",
    "Action",
    "AuthorizationServerMetadata",
    "Authorize",
    "BearerChallenge",
    "BearerError",
    "BearerProblem",
    "Challenge",
    "ChallengeParseError",
    "ChallengeScan",
    "ClientOptions",
    "DiscoveryContext",
    "Exchange",
    "Fail",
    "FetchResourceMetadata",
    "FetchServerMetadata",
    "Fetched",
    "MetadataError",
    "NoAuthorizationNeeded",
    "Note",
    "Plan",
    "Policy",
    "ProtectedResourceMetadata",
    "Registration",
    "ResourceResponse",
    "RfcAuthError",
    "SkippedChallenge",
    "Tolerance",
    "Tolerated",
    "UsageError",
    "Violation",
    "WellKnownUrl",
    "__version__",
    "authorization_server_metadata_urls",
    "check_mcp_profile",
    "format_www_authenticate",
    "next_action",
    "parse_authorization_server_metadata",
    "parse_protected_resource_metadata",
    "parse_www_authenticate",
    "protected_resource_metadata_urls",
    "scan_www_authenticate",
    "simulate",
    "verify_signed_metadata",
]
