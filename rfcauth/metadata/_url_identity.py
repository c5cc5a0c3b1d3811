"""Comparing URLs the way discovery needs: origins, segment prefixes, loopback hosts.

Identifiers (`issuer`, `resource`) are compared as identical strings wherever the RFCs say so
(RFC 8414 §3.3, RFC 9728 §3.3); the helpers here serve the *named* exceptions of the compatible
policy and the legacy path, which are defined on origins (RFC 6454 §4: scheme, host, port).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import SplitResult, urlsplit, urlunsplit

__all__ = [
    "canonical_resource",
    "is_loopback_host",
    "is_secure_url",
    "origin_of",
    "origin_url",
    "path_is_segment_prefix",
]

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _split(url: str) -> SplitResult | None:
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError on a malformed port
    except ValueError:
        return None
    if not parts.scheme or not parts.hostname:
        return None
    return parts


def origin_of(url: str) -> tuple[str, str, int | None] | None:
    """The RFC 6454 origin of an absolute URL: (scheme, host, port), lower-cased; None if none.

    >>> origin_of("HTTPS://Example.COM:443/mcp")
    ('https', 'example.com', 443)
    """
    parts = _split(url)
    if parts is None or parts.hostname is None:
        return None
    scheme = parts.scheme.lower()
    port = parts.port if parts.port is not None else _DEFAULT_PORTS.get(scheme)
    return (scheme, parts.hostname.lower(), port)


def origin_url(url: str) -> str:
    """``scheme://authority`` of `url`, as written (no path, query or fragment).

    >>> origin_url("https://api.example.com/v1/mcp?x=1")
    'https://api.example.com'
    """
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "", "", ""))


def is_loopback_host(host: str | None) -> bool:
    """True for ``localhost`` (RFC 6761 §6.3) and loopback IP literals (127.0.0.0/8, ``::1``)."""
    if not host:
        return False
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def is_secure_url(url: str, *, allow_loopback_http: bool) -> bool:
    """True when `url` is absolute https, or http on a loopback host when allowed."""
    parts = _split(url)
    if parts is None:
        return False
    scheme = parts.scheme.lower()
    if scheme == "https":
        return True
    return scheme == "http" and allow_loopback_http and is_loopback_host(parts.hostname)


def path_is_segment_prefix(prefix: str, path: str) -> bool:
    """True when `prefix` is `path` or a whole-segment prefix of it.

    An empty prefix (a root resource) is a prefix of every path; ``/mcp`` is a prefix of
    ``/mcp/`` and ``/mcp/x`` but not of ``/mcpx``.

    >>> path_is_segment_prefix("/mcp", "/mcp/"), path_is_segment_prefix("/mcp", "/mcpx")
    (True, False)
    """
    prefix = prefix.rstrip("/")
    if not prefix:
        return True
    return path == prefix or path.startswith(prefix + "/")


def canonical_resource(url: str) -> str:
    """The canonical resource URI of MCP 2025-06-18 §"Canonical Server URI" (RFC 8707 §2).

    Lower-cases scheme and host and drops the fragment; the path and query stay as sent.

    >>> canonical_resource("HTTPS://API.Example.com/MCP#x")
    'https://api.example.com/MCP'
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = host.lower()
    if ":" in netloc:  # an IPv6 literal lost its brackets in .hostname
        netloc = f"[{netloc}]"
    if parts.port is not None:
        netloc = f"{netloc}:{parts.port}"
    if parts.username is not None:
        userinfo = parts.username + (f":{parts.password}" if parts.password is not None else "")
        netloc = f"{userinfo}@{netloc}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path, parts.query, ""))
