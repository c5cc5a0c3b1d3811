"""Well-known metadata URLs, built from an identifier by string surgery (never normalised).

RFC 8414 §3.1: "the well-known URI string ... is inserted into the issuer identifier between the
host component and the path component, if any" after "any terminating "/" MUST be removed".
RFC 9728 §3.1: the string is inserted "between the host component and the path and/or query
components, if any", and "any terminating slash (/) following the host component MUST be
removed". OpenID Connect Discovery 1.0 §4 appends ``/.well-known/openid-configuration`` to the
issuer instead. The MCP authorization specification (2025-11-25) fixes the order in which a
client tries them.
"""

from __future__ import annotations

from dataclasses import dataclass

from rfcauth._errors import UsageError
from rfcauth.grammar._uri import UriParts, absolute_url_problem, split_uri

__all__ = ["WellKnownUrl", "authorization_server_metadata_urls", "protected_resource_metadata_urls"]

_OAUTH_AS = "/.well-known/oauth-authorization-server"
_OIDC = "/.well-known/openid-configuration"
_PRM = "/.well-known/oauth-protected-resource"


@dataclass(frozen=True, slots=True, kw_only=True)
class WellKnownUrl:
    """One candidate metadata URL and where it came from.

    Attributes:
        url: the URL to GET.
        built_from: the identifier the URL corresponds to: the document fetched from `url`
            must name exactly this ``issuer`` (RFC 8414 §3.3) or ``resource`` (RFC 9728 §3.3).
        kind: ``"rfc8414"``, ``"oidc_inserted"``, ``"oidc_appended"``, ``"rfc9728_path"`` or
            ``"rfc9728_root"``.
        rule: the rule that builds it, e.g. ``"RFC 8414 §3.1"``.
    """

    url: str
    built_from: str
    kind: str
    rule: str


def _split_http_identifier(identifier: object, what: str) -> UriParts:
    if not isinstance(identifier, str):
        raise UsageError(f"{what} must be a str, not {type(identifier).__name__}")
    problem = absolute_url_problem(identifier)
    if problem is not None:
        raise UsageError(f"{what} {identifier!r} is not an absolute URL: it {problem}")
    parts = split_uri(identifier)
    if parts.scheme is None or parts.scheme.lower() not in {"http", "https"}:
        raise UsageError(f"{what} {identifier!r} is not an http(s) URL")
    if parts.fragment is not None:
        raise UsageError(f"{what} {identifier!r} has a fragment, which identifiers never have")
    return parts


def authorization_server_metadata_urls(issuer: str) -> tuple[WellKnownUrl, ...]:
    """The AS metadata URLs to try for `issuer`, in the MCP 2025-11-25 order.

    With a path: RFC 8414 insertion, OpenID Connect insertion (RFC 8414 §5), OpenID Connect
    append (OIDC Discovery §4). Without one: ``oauth-authorization-server`` then
    ``openid-configuration`` at the root. Each carries `issuer` as ``built_from``.

    Raises:
        UsageError: `issuer` is not an absolute http(s) URL, or has a query or fragment.

    >>> [u.url for u in authorization_server_metadata_urls("https://as.example/tenant1")]
    ... # doctest: +NORMALIZE_WHITESPACE
    ['https://as.example/.well-known/oauth-authorization-server/tenant1',
     'https://as.example/.well-known/openid-configuration/tenant1',
     'https://as.example/tenant1/.well-known/openid-configuration']
    """
    parts = _split_http_identifier(issuer, "issuer")
    if parts.query is not None:
        raise UsageError(f"issuer {issuer!r} has a query, which issuer identifiers never have")
    origin = f"{parts.scheme}://{parts.authority}"
    # RFC 8414 §3.1: "any terminating "/" MUST be removed before inserting".
    path = parts.path.removesuffix("/")
    if not path:
        return (
            WellKnownUrl(
                url=origin + _OAUTH_AS, built_from=issuer, kind="rfc8414", rule="RFC 8414 §3.1"
            ),
            WellKnownUrl(
                url=origin + _OIDC,
                built_from=issuer,
                kind="oidc_inserted",
                rule="OpenID Connect Discovery 1.0 §4.1",
            ),
        )
    return (
        WellKnownUrl(
            url=origin + _OAUTH_AS + path, built_from=issuer, kind="rfc8414", rule="RFC 8414 §3.1"
        ),
        WellKnownUrl(
            url=origin + _OIDC + path, built_from=issuer, kind="oidc_inserted", rule="RFC 8414 §5"
        ),
        WellKnownUrl(
            url=origin + path + _OIDC,
            built_from=issuer,
            kind="oidc_appended",
            rule="OpenID Connect Discovery 1.0 §4.1",
        ),
    )


def protected_resource_metadata_urls(resource: str) -> tuple[WellKnownUrl, ...]:
    """The PRM URLs to try for `resource` without a ``resource_metadata`` hint (RFC 9728 §3.1).

    First the path-inserted URL (the query is kept), then the root URL. The first is left out
    when it equals the root (a resource without path and query). The root candidate's
    ``built_from`` is the origin (``scheme://authority``): that is the resource identifier
    whose metadata lives at the root; for a resource with a path the document found there will
    usually not be identical to `resource`, and the caller decides (RFC 9728 §3.3).

    Raises:
        UsageError: `resource` is not an absolute http(s) URL, or has a fragment.

    >>> [u.url for u in protected_resource_metadata_urls("https://mcp.example/mcp?t=1")]
    ... # doctest: +NORMALIZE_WHITESPACE
    ['https://mcp.example/.well-known/oauth-protected-resource/mcp?t=1',
     'https://mcp.example/.well-known/oauth-protected-resource']
    """
    parts = _split_http_identifier(resource, "resource")
    origin = f"{parts.scheme}://{parts.authority}"
    # RFC 9728 §3.1: only a terminating slash *following the host* is removed.
    path = "" if parts.path == "/" else parts.path
    tail = path + ("" if parts.query is None else "?" + parts.query)
    root = origin + _PRM
    if not tail:
        return (
            WellKnownUrl(url=root, built_from=resource, kind="rfc9728_root", rule="RFC 9728 §3.1"),
        )
    return (
        WellKnownUrl(
            url=root + tail, built_from=resource, kind="rfc9728_path", rule="RFC 9728 §3.1"
        ),
        WellKnownUrl(
            url=root,
            built_from=origin,
            kind="rfc9728_root",
            rule="RFC 9728 §3.1; MCP 2025-11-25 root fallback",
        ),
    )
