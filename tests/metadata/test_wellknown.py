"""Well-known URL construction: RFC 8414 §3.1, RFC 9728 §3.1, OIDC Discovery, MCP order."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from hypothesis import given

from rfcauth import (
    UsageError,
    WellKnownUrl,
    authorization_server_metadata_urls,
    protected_resource_metadata_urls,
)
from rfcauth.testing._metadata_strategies import issuers, resources

_AS = "/.well-known/oauth-authorization-server"
_OIDC = "/.well-known/openid-configuration"
_PRM = "/.well-known/oauth-protected-resource"


@pytest.mark.parametrize(
    ("issuer", "expected"),
    [
        (
            "https://as.example.com",
            [f"https://as.example.com{_AS}", f"https://as.example.com{_OIDC}"],
        ),
        (
            "https://as.example.com/",
            [f"https://as.example.com{_AS}", f"https://as.example.com{_OIDC}"],
        ),
        (
            "https://as.example.com/tenant1",
            [
                f"https://as.example.com{_AS}/tenant1",
                f"https://as.example.com{_OIDC}/tenant1",
                f"https://as.example.com/tenant1{_OIDC}",
            ],
        ),
        (
            "https://as.example.com/tenant1/",  # RFC 8414: any terminating "/" is removed
            [
                f"https://as.example.com{_AS}/tenant1",
                f"https://as.example.com{_OIDC}/tenant1",
                f"https://as.example.com/tenant1{_OIDC}",
            ],
        ),
        (
            "https://kc.example:8443/realms/x",  # Keycloak: only the appended form is served
            [
                f"https://kc.example:8443{_AS}/realms/x",
                f"https://kc.example:8443{_OIDC}/realms/x",
                f"https://kc.example:8443/realms/x{_OIDC}",
            ],
        ),
        ("http://localhost:9000", [f"http://localhost:9000{_AS}", f"http://localhost:9000{_OIDC}"]),
        (
            "https://Login.Example.com",
            [f"https://Login.Example.com{_AS}", f"https://Login.Example.com{_OIDC}"],
        ),
    ],
)
def test_authorization_server_metadata_urls(issuer: str, expected: list[str]) -> None:
    urls = authorization_server_metadata_urls(issuer)
    assert [u.url for u in urls] == expected
    assert all(u.built_from == issuer for u in urls)
    assert [u.kind for u in urls] == ["rfc8414", "oidc_inserted", "oidc_appended"][: len(urls)]


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        ("https://r.example.com", [(f"https://r.example.com{_PRM}", "https://r.example.com")]),
        ("https://r.example.com/", [(f"https://r.example.com{_PRM}", "https://r.example.com/")]),
        (
            "https://r.example.com/mcp",
            [
                (f"https://r.example.com{_PRM}/mcp", "https://r.example.com/mcp"),
                (f"https://r.example.com{_PRM}", "https://r.example.com"),
            ],
        ),
        (
            "https://r.example.com/mcp/",  # RFC 9728 removes only a slash after the host
            [
                (f"https://r.example.com{_PRM}/mcp/", "https://r.example.com/mcp/"),
                (f"https://r.example.com{_PRM}", "https://r.example.com"),
            ],
        ),
        (
            "https://r.example.com/mcp?tenant=acme",  # the query is kept (authlib drops it)
            [
                (
                    f"https://r.example.com{_PRM}/mcp?tenant=acme",
                    "https://r.example.com/mcp?tenant=acme",
                ),
                (f"https://r.example.com{_PRM}", "https://r.example.com"),
            ],
        ),
        (
            "https://r.example.com/?tenant=acme",
            [
                (f"https://r.example.com{_PRM}?tenant=acme", "https://r.example.com/?tenant=acme"),
                (f"https://r.example.com{_PRM}", "https://r.example.com"),
            ],
        ),
        (
            "https://r.example.com/mcp?",  # an empty query is still a query (RFC 3986 §3.4)
            [
                (f"https://r.example.com{_PRM}/mcp?", "https://r.example.com/mcp?"),
                (f"https://r.example.com{_PRM}", "https://r.example.com"),
            ],
        ),
    ],
)
def test_protected_resource_metadata_urls(resource: str, expected: list[tuple[str, str]]) -> None:
    urls = protected_resource_metadata_urls(resource)
    assert [(u.url, u.built_from) for u in urls] == expected
    assert urls[-1].kind == "rfc9728_root"
    assert all(u.rule.startswith("RFC 9728 §3.1") for u in urls)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "/tenant",
        "as.example.com",
        "ftp://as.example.com",
        "https://",
        "https://as.example#f",
        "https://a b.example",
    ],
)
def test_bad_identifiers_are_usage_errors(bad: str) -> None:
    with pytest.raises(UsageError):
        authorization_server_metadata_urls(bad)
    with pytest.raises(UsageError):
        protected_resource_metadata_urls(bad)


def test_issuer_with_query_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        authorization_server_metadata_urls("https://as.example/?x=1")
    with pytest.raises(UsageError):
        authorization_server_metadata_urls(b"https://as.example")  # type: ignore[arg-type]


@given(issuers())
def test_as_urls_properties(issuer: str) -> None:
    urls = authorization_server_metadata_urls(issuer)
    origin = "/".join(issuer.split("/")[:3])
    path = issuer[len(origin) :].removesuffix("/")
    assert urls[0] == WellKnownUrl(
        url=origin + _AS + path, built_from=issuer, kind="rfc8414", rule="RFC 8414 §3.1"
    )
    assert len(urls) == (3 if path else 2)
    assert len({u.url for u in urls}) == len(urls)
    assert all(u.url.startswith(origin + "/") for u in urls)


@given(resources())
def test_prm_urls_properties(resource: str) -> None:
    # An independent oracle: urllib's split, then the RFC 9728 §3.1 sentence.
    parts = urlsplit(resource)
    origin = f"{parts.scheme}://{parts.netloc}"
    path = "" if parts.path == "/" else parts.path
    tail = path + (f"?{parts.query}" if "?" in resource else "")
    urls = protected_resource_metadata_urls(resource)
    assert urls[-1].url == origin + _PRM
    if tail:
        assert [(u.url, u.built_from) for u in urls] == [
            (origin + _PRM + tail, resource),
            (origin + _PRM, origin),
        ]
    else:
        assert [(u.url, u.built_from) for u in urls] == [(origin + _PRM, resource)]
