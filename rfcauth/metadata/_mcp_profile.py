"""The MCP authorization profile: rules the MCP specification adds on top of the RFCs.

Kept apart from the RFC models on purpose: RFC 9728 makes ``authorization_servers`` optional and
RFC 8414 lets a server omit ``code_challenge_methods_supported``; MCP clients need both.
"""

from __future__ import annotations

from rfcauth._errors import UsageError
from rfcauth._violation import Violation
from rfcauth.metadata._asm import AuthorizationServerMetadata
from rfcauth.metadata._prm import ProtectedResourceMetadata

__all__ = ["check_mcp_profile"]

_SPEC = "MCP 2025-11-25 Authorization"


def check_mcp_profile(
    document: AuthorizationServerMetadata | ProtectedResourceMetadata,
) -> tuple[Violation, ...]:
    """The MCP authorization profile's findings for a parsed metadata document.

    - ``mcp_no_authorization_servers``: the PRM has no non-empty ``authorization_servers``
      (MCP: "MUST include the authorization_servers field containing at least one
      authorization server").
    - ``mcp_pkce_s256_not_advertised``: the AS metadata's ``code_challenge_methods_supported``
      is absent or lacks ``S256`` (MCP: clients MUST refuse to proceed without PKCE support).

    Returns:
        The violations (empty when the document meets the profile).

    Raises:
        UsageError: `document` is not one of the two metadata models.

    >>> from rfcauth import parse_protected_resource_metadata
    >>> prm = parse_protected_resource_metadata('{"resource": "https://mcp.example"}')
    >>> [v.code for v in check_mcp_profile(prm)]
    ['mcp_no_authorization_servers']
    """
    if isinstance(document, ProtectedResourceMetadata):
        if not document.authorization_servers:
            return (
                Violation(
                    location="/authorization_servers",
                    code="mcp_no_authorization_servers",
                    section=f"{_SPEC} §Authorization Server Location",
                    message="an MCP server's protected resource metadata MUST list at least one "
                    "authorization server",
                ),
            )
        return ()
    if isinstance(document, AuthorizationServerMetadata):
        methods = document.code_challenge_methods_supported
        if methods is None or "S256" not in methods:
            state = "absent" if methods is None else f"{list(methods)!r}"
            return (
                Violation(
                    location="/code_challenge_methods_supported",
                    code="mcp_pkce_s256_not_advertised",
                    section=f"{_SPEC} §Authorization Code Protection",
                    message=f"code_challenge_methods_supported is {state}: MCP clients MUST "
                    "refuse to proceed unless the server advertises S256 (PKCE)",
                ),
            )
        return ()
    raise UsageError(
        "check_mcp_profile takes an AuthorizationServerMetadata or ProtectedResourceMetadata, "
        f"not {type(document).__name__}"
    )
