"""Which URLs discovery may fetch: one check for every URL rfcauth names, and SSRF targets.

Every URL a server hands a client (a ``resource_metadata`` hint, an ``authorization_servers``
entry, an endpoint in authorization server metadata) makes the client send a request from the
user's machine. A hostile or compromised resource server could aim those requests at the
user's own network: ``http://127.0.0.1:2375/containers/json`` (a Docker socket),
``https://169.254.169.254/latest/meta-data/`` (cloud instance metadata), ``https://10.0.0.5/``
— request forgery through the client (Security Considerations: RFC 9728 §7, RFC 8414 §6,
MCP 2025-11-25). `url_refusal` is the one check: the URL's shape (the metadata checks of
`rfcauth.grammar._uri` plus what only a *fetch* needs), its host (`host_refusal`) and its
scheme (https; http only on loopback when the policy allows it).

Refused hosts (`host_refusal`):

- IP literals that are loopback, private (RFC 1918, RFC 4193 ``fc00::/7``), link-local
  (``169.254.0.0/16``, ``fe80::/10``), unspecified (``0.0.0.0``, ``::``), multicast, site-local
  or in any other IANA special-purpose block that is not globally reachable (``100.64.0.0/10``,
  ``198.18.0.0/15``, ``240.0.0.0/4``, documentation ranges …); IPv6 addresses that embed an IPv4
  address (IPv4-mapped ``::ffff:0:0/96``, IPv4-compatible ``::/96``, NAT64 ``64:ff9b::/96``,
  6to4 ``2002::/16``, Teredo) are judged by the embedded address;
- numeric hosts that are not a dotted quad (``2130706433``, ``0x7f.1``, ``0177.0.0.1``,
  ``127.1``): WHATWG URL parsers and ``inet_aton`` read them as IPv4 addresses, RFC 3986 as
  names — a parser differential, refused whatever address they spell;
- percent-encoded hosts (``metadata.google%2einternal``): WHATWG parsers decode them, RFC 3986
  ones need not — no public host is spelled that way;
- names reserved for local use: ``localhost`` and ``*.localhost`` (RFC 6761 §6.3), ``*.local``
  (mDNS, RFC 6762), ``*.internal`` (reserved for private use by ICANN in 2024; Google Cloud's
  ``metadata.google.internal``), ``*.home.arpa`` (RFC 8375), ``localhost.localdomain``, and
  single-label names such as ``metadata`` or ``intranet`` (resolved through the local search
  domains, never through public DNS).

The refusal is lifted when the configured resource itself is on such a host (a developer's
loopback server, a service on a private network: the resource already lives there), or by
``Policy(allow_private_network=True)``. This module sees literals and names only; what a name
*resolves* to is known at connect time, so the HTTP driver calls `ip_refusal` on every resolved
address before it connects (DNS rebinding defeats any earlier check).
"""

from __future__ import annotations

import functools
import ipaddress
import re
from typing import TYPE_CHECKING

from rfcauth.grammar._uri import absolute_url_problem, split_uri
from rfcauth.metadata._url_identity import is_secure_url, origin_of

if TYPE_CHECKING:
    from rfcauth.discovery._inputs import DiscoveryContext

__all__ = [
    "cached_url_refusal",
    "host_refusal",
    "ip_refusal",
    "special_hosts_allowed",
    "url_refusal",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain"})
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".home.arpa")

# Characters outside RFC 3986 §2 that reach the request line only after some library re-encodes
# them, each in its own way: '"', '<', '>', '`' and every non-ASCII character (a Latin-1 'é'
# is one byte in ISO-8859-1 and two in UTF-8). Controls, space and backslash are refused by the
# metadata URL check already. "{", "}", "|" and "^" are outside RFC 3986 too but every client
# library percent-encodes them the same way, and real issuers use them: Microsoft Entra's
# multi-tenant issuer is "https://login.microsoftonline.com/{tenantid}/v2.0".
_NOT_URI_CHAR = re.compile(r'[^\x21-\x7e]|["<>`]')
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")

# A host whose last label is a number: WHATWG's "ends in a number" rule (URL Standard §3.5).
_ENDS_IN_NUMBER = re.compile(r"(?:^|\.)(?:0[xX][0-9A-Fa-f]*|[0-9]+)\.?$")
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_DOTTED_QUAD = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}")

_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4, Teredo)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if any(ip in net for net in _NAT64) or (ip in _IPV4_COMPATIBLE and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def ip_refusal(ip: IPAddress) -> str | None:
    """Why a client must not send discovery requests to `ip`, or None for a public address.

    The driver calls this on every address a host name resolves to, at connect time.

    >>> ip_refusal(ipaddress.ip_address("169.254.169.254"))
    'link-local address 169.254.169.254 (cloud instance metadata lives here)'
    >>> ip_refusal(ipaddress.ip_address("93.184.215.14")) is None
    True
    """
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return f"scoped IPv6 address {ip} (a zone names a local interface)"
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            inner = ip_refusal(embedded)
            return None if inner is None else f"{ip} embeds IPv4 {embedded}: {inner}"
    checks = (
        (ip.is_unspecified, "unspecified address"),
        (ip.is_loopback, "loopback address"),
        (ip.is_link_local, "link-local address"),
        (ip.is_private and _is_private_use(ip), "private address"),
        (ip.is_multicast, "multicast address"),
        (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local, "site-local address"),
        (ip.is_reserved, "reserved address"),
        (not ip.is_global, "special-purpose address (IANA registry: not globally reachable)"),
    )
    for refused, what in checks:
        if refused:
            suffix = (
                " (cloud instance metadata lives here)"
                if what == "link-local address" and ip.version == 4  # noqa: PLR2004
                else ""
            )
            return f"{what} {ip}{suffix}"
    return None


_PRIVATE_USE = (
    ipaddress.IPv4Network("10.0.0.0/8"),
    ipaddress.IPv4Network("172.16.0.0/12"),
    ipaddress.IPv4Network("192.168.0.0/16"),
    ipaddress.IPv6Network("fc00::/7"),
)


def _is_private_use(ip: IPAddress) -> bool:
    """RFC 1918 and RFC 4193 space, named "private" in reasons (other blocks say "special")."""
    return any(ip.version == net.version and ip in net for net in _PRIVATE_USE)


def host_refusal(host: str) -> str | None:  # noqa: PLR0911 - one return per kind of refusal
    """Why discovery must not fetch from a URL whose host is `host`, or None.

    `host` is the URL's host as written: a name, a dotted quad, or a bracketed IPv6 literal.

    >>> host_refusal("127.0.0.1")
    'loopback address 127.0.0.1'
    >>> host_refusal("metadata.google.internal")
    "name 'metadata.google.internal' is reserved for local use (*.internal)"
    >>> host_refusal("as.example.com") is None
    True
    """
    name = host.lower()
    if name.startswith("[") and name.endswith("]"):
        try:
            return ip_refusal(ipaddress.IPv6Address(name[1:-1]))
        except ValueError:
            return f"malformed IPv6 literal {host!r}"
    if "%" in name:
        return (
            f"percent-encoded host {host!r} (URL parsers decode it, and may read another "
            "name or an address)"
        )
    name = name.removesuffix(".")
    if _DOTTED_QUAD.fullmatch(name):
        return ip_refusal(ipaddress.IPv4Address(name))
    if _ENDS_IN_NUMBER.search(name):
        return (
            f"numeric host {host!r} is not a dotted-quad IPv4 address (URL parsers and "
            "inet_aton read it as an address, RFC 3986 as a name)"
        )
    if name in _LOCAL_NAMES:
        return f"name {host!r} is reserved for local use"
    for suffix in _LOCAL_SUFFIXES:
        if name.endswith(suffix):
            return f"name {host!r} is reserved for local use (*{suffix})"
    if "." not in name:
        return f"single-label name {host!r} resolves through local search domains only"
    return None


def _url_host(url: str) -> str:
    return split_uri(url).host


def special_hosts_allowed(context: DiscoveryContext) -> bool:
    """True when local and private hosts may be fetched: the resource is on one, or the policy.

    The driver applies the same rule to resolved addresses: when this is False, a connection
    to an address `ip_refusal` refuses must not be made.
    """
    if context.policy.allow_private_network:
        return True
    return host_refusal(_url_host(context.resource)) is not None


def url_refusal(url: str, context: DiscoveryContext) -> str | None:
    """Why rfcauth must not name `url` for a request in this discovery, or None to go ahead.

    One check for every URL discovery fetches or hands to the driver: the metadata URL checks
    (absolute http(s), no userinfo, no backslash or control characters, a well-formed host and
    port; RFC 3986, RFC 9110 §4.2.4), only RFC 3986 characters with well-formed ``%`` escapes,
    no fragment (RFC 6749 §3.1), a host `host_refusal` does not refuse unless
    `special_hosts_allowed`, and https (http only on a loopback host when
    `Policy.allow_loopback_http`; OAuth 2.1 §1.5) unless on the configured resource's own
    origin, which the client already talks to. The reason reads after "the URL ...".

    >>> from rfcauth.discovery._inputs import DiscoveryContext
    >>> ctx = DiscoveryContext(resource="https://mcp.example.com/mcp")
    >>> url_refusal("https://user:pw@evil.example/prm", ctx)
    "has userinfo ('user:pw@'), which RFC 9110 §4.2.4 treats as an error"
    >>> url_refusal("http://127.0.0.1:2375/containers/json", ctx)
    'points at a loopback address 127.0.0.1'
    """
    return cached_url_refusal(
        url,
        special_hosts_ok=special_hosts_allowed(context),
        allow_loopback_http=context.policy.allow_loopback_http,
        resource_origin=origin_of(context.resource),
    )


@functools.lru_cache(maxsize=4096)
def cached_url_refusal(  # noqa: PLR0911 - one return per check, in order
    url: str,
    *,
    special_hosts_ok: bool,
    allow_loopback_http: bool,
    resource_origin: tuple[str, str, int | None] | None,
) -> str | None:
    """`url_refusal` given the two facts of the context it depends on.

    Cached: `next_action` replays the walk on every call, and each replay checks the same URLs.
    """
    problem = absolute_url_problem(url)
    if problem is not None:
        return problem
    bad = _NOT_URI_CHAR.search(url)
    if bad is not None:
        return f"contains {bad.group()!a}, outside RFC 3986 §2, which clients encode differently"
    if _BAD_ESCAPE.search(url):
        return "has a '%' that does not start a percent-encoded octet (RFC 3986 §2.1)"
    if "#" in url:
        return "has a fragment"
    if not special_hosts_ok:
        refusal = host_refusal(_url_host(url))
        if refusal is not None:
            return f"points at a {refusal}"
    if origin_of(url) != resource_origin and not is_secure_url(
        url, allow_loopback_http=allow_loopback_http
    ):
        return "is not an https URL" + (
            " (http is allowed only on loopback hosts)" if allow_loopback_http else ""
        )
    return None
