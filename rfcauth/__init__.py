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
# --- end metadata ---------------------------------------------------------------------------

# --- discovery (issue 4) -------------------------------------------------------------------
# --- end discovery --------------------------------------------------------------------------

__version__ = "0.1.0"

__all__ = [
    "ChallengeParseError",
    "MetadataError",
    "RfcAuthError",
    "UsageError",
    "Violation",
    "__version__",
]
