"""A built-in corpus of real-world ``WWW-Authenticate`` headers, the seed header first.

Used by ``rfcauth demo``, the tests and the benchmark. Each entry says where the header
comes from; a tuple of lines stands for several field lines (RFC 9110 Section 5.3).
"""

from __future__ import annotations

from rfcauth._frozen import Frozen, set_field

__all__ = ["EXAMPLES", "Example"]


class Example(Frozen):
    """One header from the wild.

    Attributes:
        name: a short stable id.
        value: the field value, or a tuple of field lines.
        source: which server (or issue, or RFC) sends it.
        strict_ok: whether it follows RFC 9110 to the letter.
    """

    __slots__ = ("name", "source", "strict_ok", "value")
    name: str
    value: str | tuple[str, ...]
    source: str
    strict_ok: bool

    def __init__(
        self, *, name: str, value: str | tuple[str, ...], source: str, strict_ok: bool = True
    ) -> None:
        """Set the fields."""
        set_field(self, "name", name)
        set_field(self, "value", value)
        set_field(self, "source", source)
        set_field(self, "strict_ok", strict_ok)


EXAMPLES: tuple[Example, ...] = (
    Example(
        name="seed-invalid-token-no-hint",
        value='Bearer error="invalid_token"',
        source="a remote MCP server's 401 without resource_metadata: the header that made a "
        "widely used client report 'Failed to connect'",
    ),
    Example(
        name="mcp-python-sdk-server",
        value='Bearer error="invalid_token", error_description="Authentication required", '
        'resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource"',
        source="MCP Python SDK server, mcp/server/auth/middleware/bearer_auth.py",
    ),
    Example(
        name="cloudflare-workers-oauth-provider",
        value='Bearer realm="OAuth", resource_metadata='
        '"https://mcp.sentry.dev/.well-known/oauth-protected-resource", error="invalid_token"',
        source="Cloudflare workers-oauth-provider, as quoted in getsentry/sentry-mcp#955",
    ),
    Example(
        name="sentry-duplicate-resource-metadata",
        value='Bearer realm="OAuth", resource_metadata='
        '"https://mcp.sentry.dev/.well-known/oauth-protected-resource", error="invalid_token", '
        'error_description="Missing or invalid access token", resource_metadata='
        '"https://mcp.sentry.dev/.well-known/oauth-protected-resource/mcp"',
        source="mcp.sentry.dev before the fix: two resource_metadata params "
        "(getsentry/sentry-mcp#939; rmcp clients picked the 404 URL)",
        strict_ok=False,
    ),
    Example(
        name="mcp-insufficient-scope",
        value='Bearer error="insufficient_scope", scope="files:read files:write", '
        'resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource", '
        'error_description="Additional file write permission required"',
        source="MCP authorization spec (2025-11-25), scope step-up on 403",
    ),
    Example(
        name="go-sdk-unquoted-resource-metadata",
        value="Bearer resource_metadata=https://mcp.example.com/.well-known/oauth-protected-resource",
        source="MCP servers on modelcontextprotocol/go-sdk before PR #834 (unquoted URL)",
        strict_ok=False,
    ),
    Example(
        name="docker-hub-registry",
        value='Bearer realm="https://auth.docker.io/token",service="registry.docker.io",'
        'scope="repository:library/ubuntu:pull"',
        source="Docker Hub registry (Docker registry token authentication)",
    ),
    Example(
        name="azure-container-registry",
        value='Bearer realm="https://myregistry.azurecr.io/oauth2/token",'
        'service="myregistry.azurecr.io",scope="repository:samples/hello-world:metadata_read,pull"',
        source="Azure Container Registry: a comma inside the quoted scope "
        "(Azure/azure-sdk-for-js#20898 split it wrongly)",
    ),
    Example(
        name="google-unquoted-error",
        value='Bearer realm="https://accounts.google.com/", error=invalid_token',
        source="Google APIs: error as a token, not quoted (Nimbus BearerTokenErrorTest)",
    ),
    Example(
        name="iis-negotiate-ntlm",
        value=("Negotiate", "NTLM"),
        source="IIS with Windows Authentication: one challenge per field line",
    ),
    Example(
        name="basic-then-bearer",
        value='Basic realm="api", Bearer resource_metadata='
        '"https://api.example.com/.well-known/oauth-protected-resource"',
        source="a resource offering Basic first; the TypeScript SDK reads params only when "
        "Bearer is first",
    ),
    Example(
        name="dpop-and-bearer",
        value='DPoP algs="ES256 PS256", Bearer realm="api"',
        source="RFC 9449 Section 7.1 DPoP challenge next to a Bearer one",
    ),
    Example(
        name="prm-disguised-in-realm",
        value='Bearer realm="x resource_metadata=https://evil.example/prm", error="invalid_token"',
        source="attack vector: every MCP SDK's regex returns the URL hidden in realm",
    ),
    Example(
        name="broken-negotiate-then-bearer",
        value='Negotiate realm="unterminated, Bearer error="invalid_token", '
        'resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource"',
        source="a broken sibling challenge: lenient parsing must keep the Bearer challenge",
        strict_ok=False,
    ),
)
