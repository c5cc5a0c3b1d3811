"""The URL syntax checks the metadata rules need, on exact strings (never normalised).

RFC 8414 §3.3 and RFC 9728 §3.3 compare identifiers as identical strings, so nothing here
rewrites a URL: it only splits one into its RFC 3986 components to answer questions such as
"is there a query?" or "is the host a loopback name?".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from rfcauth.grammar._abnf import IP_LITERAL, PORT

__all__ = [
    "FAST_HTTPS_URL",
    "FAST_ISSUER",
    "FAST_RESOURCE",
    "FAST_URL",
    "UriParts",
    "absolute_url_problem",
    "is_loopback_host",
    "split_uri",
    "whole",
]

# RFC 3986 Appendix B: the regular expression for breaking down a well-formed URI reference
# into its components. It matches every string; the groups say which components are present.
_URI_REFERENCE = re.compile(
    r"(?:([^:/?#]+):)?(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?", re.DOTALL
)

# RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*")

# Characters that never appear in a URI (RFC 3986 §2): controls, space, DEL, and "\\", which
# WHATWG URL parsers (browsers, Node) read as "/" in http(s) URLs, so that
# "https://good.example\\@evil.example" names a different host for them than for RFC 3986.
_FORBIDDEN = re.compile(r"[\x00-\x20\x7f\\]")

# RFC 3986 §3.2.2 IP-literal and §3.2.3 port, from grammars/rfc3986-uri.abnf.
_IP_LITERAL = re.compile(IP_LITERAL)
_PORT = re.compile(PORT)

# Fast shapes: the common, valid ``http(s)://host[:port]...`` forms, checked with one match.
# Each accepts a subset of what the detailed checks accept (a property test checks that); a
# string that does not match gets the detailed check, which says what, if anything, is wrong.
# The JSON Schema export uses them too (rfcauth.metadata.schema).
_NOT_URI = r"\x00-\x20\x7f\\"
_AUTHORITY = (
    rf"(?:{IP_LITERAL}|[^{_NOT_URI}/?#@\[\]:]+)"  # IP-literal / reg-name / IPv4address
    rf"(?::{PORT})?"
)
_HTTPS = "[Hh][Tt][Tt][Pp][Ss]"
#: absolute http(s) URL
FAST_URL: Final = re.compile(rf"[Hh][Tt][Tt][Pp][Ss]?://{_AUTHORITY}(?:[/?#][^{_NOT_URI}]*)?")
#: absolute https URL
FAST_HTTPS_URL: Final = re.compile(rf"{_HTTPS}://{_AUTHORITY}(?:[/?#][^{_NOT_URI}]*)?")
#: issuer identifier: https, no query, no fragment
FAST_ISSUER: Final = re.compile(rf"{_HTTPS}://{_AUTHORITY}(?:/[^{_NOT_URI}?#]*)?")
#: resource identifier: https, no fragment
FAST_RESOURCE: Final = re.compile(rf"{_HTTPS}://{_AUTHORITY}(?:[/?][^{_NOT_URI}#]*)?")


def whole(pattern: re.Pattern[str]) -> str:
    """`pattern` anchored at both ends, for engines that search (pydantic-core, JSON Schema)."""
    return f"^(?:{pattern.pattern})$"


# 127.0.0.0/8 written as a dotted quad (RFC 1122 §3.2.1.3).
_IPV4_LOOPBACK = re.compile(r"127(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}")


@dataclass(frozen=True, slots=True, kw_only=True)
class UriParts:
    """The five RFC 3986 components; `None` means the component is absent (not empty)."""

    scheme: str | None
    authority: str | None
    path: str
    query: str | None
    fragment: str | None

    @property
    def host(self) -> str:
        """The host of the authority, without userinfo and port ("" when there is none)."""
        authority = self.authority or ""
        hostport = authority.rpartition("@")[2]
        if hostport.startswith("["):
            end = hostport.find("]")
            return hostport if end < 0 else hostport[: end + 1]
        return hostport.partition(":")[0]


def split_uri(value: str) -> UriParts:
    """Split `value` with the RFC 3986 Appendix B expression (total: every string splits)."""
    match = _URI_REFERENCE.fullmatch(value)
    if match is None:  # pragma: no cover - the expression matches every string
        msg = "RFC 3986 Appendix B expression did not match"
        raise AssertionError(msg)
    scheme, authority, path, query, fragment = match.groups()
    return UriParts(scheme=scheme, authority=authority, path=path, query=query, fragment=fragment)


def absolute_url_problem(value: str) -> str | None:
    """Why `value` is not an absolute http(s) URL (RFC 3986 §4.3), or `None` when it is one.

    Every URL member of both documents names a web endpoint or page (RFC 6749 §3), so the
    scheme must be ``http`` or ``https``: a ``javascript:`` or shell-like "URL" in
    ``authorization_endpoint`` has been used to attack clients that open it (CherryHQ
    cherry-studio advisory GHSA-8xr5-732g-84px). The check is structural: a valid scheme, no
    whitespace, control characters or backslash, a well-formed host and port, and no userinfo
    (RFC 9110 §4.2.4: a recipient of an http(s) URI from an untrusted source SHOULD treat
    userinfo as an error; ``https://accounts.google.com@evil.example`` is a phishing shape).
    Other characters outside the URI set that real servers send anyway, such as the
    ``{tenantid}`` template in Microsoft Entra's multi-tenant issuer, are not rejected here;
    identity checks compare the exact strings.
    """
    bad = _FORBIDDEN.search(value)
    if bad is not None:
        return f"contains {ascii(bad.group())[1:-1]!s} at offset {bad.start()}"
    parts = split_uri(value)
    if parts.scheme is None:
        return "has no scheme (a relative reference is not allowed here)"
    if _SCHEME.fullmatch(parts.scheme) is None:
        return f"has an invalid scheme {parts.scheme!r}"
    if parts.scheme.lower() not in {"http", "https"}:
        return f"is not an http(s) URL (scheme {parts.scheme!r})"
    if not parts.host:
        return "has no host"
    return _authority_problem(parts.authority or "")


def _authority_problem(authority: str) -> str | None:
    """Why the host and port of `authority` are malformed (RFC 3986 §3.2.2, §3.2.3), or `None`.

    The host is where a client connects, so its shape is checked exactly: an IP literal is
    closed and holds an address, a name has no brackets, a port is digits.
    """
    userinfo, at, hostport = authority.rpartition("@")
    if at:
        return f"has userinfo ({userinfo + at!r}), which RFC 9110 §4.2.4 treats as an error"
    if hostport.startswith("["):
        problem = _ip_literal_problem(hostport)
        if problem is not None:
            return problem
        port = hostport.partition("]")[2][1:]
    else:
        host, _, port = hostport.partition(":")
        if "[" in host or "]" in host:
            return f"has a bracket in its host {host!r} outside an IP literal"
    if _PORT.fullmatch(port) is None:
        return f"has a port that is not a number: {port!r}"
    return None


def _ip_literal_problem(hostport: str) -> str | None:
    """What is wrong with the ``[...]`` that starts `hostport` and what follows it, if anything."""
    literal, closed, rest = hostport[1:].partition("]")
    if not closed:
        return f"has an IP literal without its closing ']': {hostport!r}"
    if _IP_LITERAL.fullmatch(f"[{literal}]") is None:
        return f"has a malformed IP literal [{literal}]"
    if rest and not rest.startswith(":"):
        return f"has {rest!r} after the IP literal [{literal}]"
    return None


def is_loopback_host(host: str) -> bool:
    """True for ``localhost``, ``127.0.0.0/8`` and ``[::1]`` (RFC 8252 §7.3, RFC 6761 §6.3)."""
    lowered = host.lower()
    return lowered in {"localhost", "[::1]"} or _IPV4_LOOPBACK.fullmatch(lowered) is not None
