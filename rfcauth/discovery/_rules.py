"""The rule each discovery decision applies, one spelling each (cited in actions and notes)."""

from __future__ import annotations

__all__ = ["cite"]

R_403_STEP_UP = "RFC 6750 §3.1; MCP 2025-11-25 Step-Up Authorization Flow"
R_CHALLENGE = "RFC 9110 §11.6.1; RFC 6750 §3"
R_HINT = "RFC 9728 §5.1"
R_PRM_URL = "RFC 9728 §3.1"
R_PRM_RESPONSE = "RFC 9728 §3.2"
R_PRM_IDENTITY = "RFC 9728 §3.3"
R_MCP_PRM_ORDER = "MCP 2025-11-25 Protected Resource Metadata Discovery Requirements"
R_UNAVAILABLE = "rfcauth: 5xx or network failure during discovery fails closed (MCP spec is silent)"
R_AS_LIST = "RFC 9728 §2 authorization_servers; RFC 9728 §7.6"
R_AS_ORDER = "MCP 2025-11-25 Authorization Server Metadata Discovery; RFC 8414 §3.1"
R_AS_IDENTITY = "RFC 8414 §3.3"
R_AS_RESPONSE = "RFC 8414 §3.2"
R_PKCE = "MCP 2025-11-25 Authorization Code Protection (PKCE); RFC 7636"
R_TLS = "OAuth 2.1 §1.5; RFC 8414 §2"
R_REGISTRATION = "MCP 2025-11-25 Client Registration Approaches"
R_SCOPE = "MCP 2025-11-25 Scope Selection Strategy"
R_RESOURCE = "RFC 8707 §2; MCP 2025-11-25 Resource Parameter Implementation"
R_LEGACY = "MCP 2025-03-26 Authorization Server Discovery (2.3)"
R_LEGACY_DEFAULTS = "MCP 2025-03-26 Fallbacks for Servers without Metadata Discovery (2.3.3)"
R_URL_CHECK = "RFC 9728 §7; RFC 8414 §6; RFC 9110 §4.2.4; MCP 2025-11-25 Security Considerations"
R_LIMITS = "rfcauth: discovery is bounded (RFC 9728 §7.6 lets a server list any number of servers)"


def cite(*rules: str) -> str:
    """Several rule citations as one, each part once, in order ("A; B" and "B; C" → "A; B; C")."""
    parts = (part for rule in rules for part in rule.split("; "))
    return "; ".join(dict.fromkeys(parts))
