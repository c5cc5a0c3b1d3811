"""rfcauth: OAuth discovery for HTTP APIs and MCP servers, correct by construction.

Parse ``WWW-Authenticate`` (RFC 9110 §11, RFC 6750 §3, RFC 9728 §5.1), validate RFC 8414 /
RFC 9728 metadata, and decide the next discovery step without touching the network.
"""

from __future__ import annotations

from rfcauth._errors import (
    ChallengeParseError,
    MetadataError,
    RfcAuthError,
    UsageError,
    Violation,
)

# --- challenge parsing (issue 2) -----------------------------------------------------------
# isort: split
from rfcauth._challenge import TOLERANCES as CHALLENGE_TOLERANCES
from rfcauth._challenge import (
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

# --- end challenge parsing ------------------------------------------------------------------

# --- metadata (issue 3) --------------------------------------------------------------------
# isort: split
from rfcauth._asm import AuthorizationServerMetadata
from rfcauth._mcp_profile import check_mcp_profile
from rfcauth._metadata import (
    parse_authorization_server_metadata,
    parse_protected_resource_metadata,
)
from rfcauth._prm import ProtectedResourceMetadata
from rfcauth._rules import RULES as METADATA_RULES
from rfcauth._rules import TOLERANCES as METADATA_TOLERANCES
from rfcauth._wellknown import (
    WellKnownUrl,
    authorization_server_metadata_urls,
    protected_resource_metadata_urls,
)

# --- end metadata ---------------------------------------------------------------------------

# --- signed metadata (issue 3) -------------------------------------------------------------
# isort: split
from rfcauth._signed import DEFAULT_SIGNED_METADATA_ALGORITHMS, verify_signed_metadata

# --- end signed metadata --------------------------------------------------------------------

# --- discovery (issue 4) -------------------------------------------------------------------
# isort: split
from rfcauth._actions import (
    Action,
    Authorize,
    Fail,
    FetchResourceMetadata,
    FetchServerMetadata,
    NoAuthorizationNeeded,
    Note,
    Registration,
)
from rfcauth._discovery import next_action
from rfcauth._inputs import DiscoveryContext, Fetched, ResourceResponse
from rfcauth._policy import ClientOptions, Policy
from rfcauth._simulate import Exchange, Plan, simulate

# --- end discovery --------------------------------------------------------------------------

__version__ = "0.1.0"

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
