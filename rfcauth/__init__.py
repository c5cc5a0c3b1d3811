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

# --- discovery (issue 4) -------------------------------------------------------------------
# --- end discovery --------------------------------------------------------------------------

__version__ = "0.1.0"

__all__ = [
    "METADATA_RULES",
    "METADATA_TOLERANCES",
    "AuthorizationServerMetadata",
    "ChallengeParseError",
    "MetadataError",
    "ProtectedResourceMetadata",
    "RfcAuthError",
    "UsageError",
    "Violation",
    "WellKnownUrl",
    "__version__",
    "authorization_server_metadata_urls",
    "check_mcp_profile",
    "parse_authorization_server_metadata",
    "parse_protected_resource_metadata",
    "protected_resource_metadata_urls",
]
