"""What a client allows (`Policy`) and what it brings (`ClientOptions`) to discovery.

`Policy()` is the *compatible* preset: the MCP 2025-11-25 algorithm plus the 2025-03-26 legacy
fallback and the few tolerances real servers need, each named below with the servers that need
it. `Policy.strict()` is the RFC letter: RFC 9728 §3.3 and RFC 8414 §3.3 identity as identical
strings, no legacy fallback, no tolerances. Every knob can be set on its own with
`dataclasses.replace` or keyword arguments.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from rfcauth._errors import UsageError

__all__ = ["ClientOptions", "Policy"]

ResourceMatch = Literal["identical", "same_origin_prefix"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Policy:
    """How strictly discovery treats what servers publish.

    Attributes:
        resource_match: how a PRM document's `resource` must relate to the requested URL.
            ``"identical"`` is RFC 9728 §3.3 per retrieval route (the hint route compares with
            the request URL, a well-known route with the identifier the URL was built from).
            ``"same_origin_prefix"`` (compatible) also accepts a PRM `resource` on the same
            origin whose path is a segment prefix of the requested path — what GitHub's Copilot
            MCP server (`/mcp/` vs `/mcp`) and every root-published PRM in the wild need.
            A different origin is always `resource_mismatch`.
        legacy_fallback: allow the MCP 2025-03-26 fallback (the resource's origin is the
            authorization server) when the 401 carried no usable `resource_metadata` hint and
            every PRM candidate was absent. Needed by servers built for 2025-03-26 (the
            motivating "Failed to connect" server, Atlassian Rovo, the MCP conformance
            back-compat scenarios).
        legacy_issuer_path: on the legacy path, accept an issuer on the resource's origin that
            has a path (an authorization server mounted at ``/oauth``, as the MCP conformance
            suite's back-compat scenario serves it), reported as a warning.
        metadata_tolerances: parse metadata with the named tolerances of
            `parse_authorization_server_metadata(strict=False)`: an empty-path issuer that
            differs only by a trailing ``/`` (Google, Auth0), OpenID-only documents without the
            RFC 8414 ``*_jwt`` signing-alg lists (Entra, Okta), ``http`` on loopback hosts.
        header_tolerances: accept a Bearer challenge that parses only with the named
            tolerances of `scan_www_authenticate` (``rfcauth.TOLERANCES``: e.g. an unquoted URL
            value, sent by MCP servers on go-sdk before PR #834). When off, such a challenge
            counts as malformed: none of its parameters is used.
        allow_loopback_http: accept ``http`` endpoints on loopback hosts (local development).
        assume_pkce_without_advertisement: proceed with S256 when the authorization server's
            metadata omits `code_challenge_methods_supported` (Microsoft Entra ID and Amazon
            Cognito OIDC documents do), reported as a warning. Off in both presets: the MCP
            2025-11-25 text says the client MUST refuse.
        max_step_up_attempts: how many 403 ``insufficient_scope`` re-authorizations a client
            makes for one operation before `step_up_limit_reached` (MCP 2025-11-25 "no more
            than a few times").
        allow_private_network: fetch from loopback, private, link-local and other
            special-purpose addresses and local names even when the resource is not on one
            (see `rfcauth.discovery._addresses`). Off in both presets: a server could otherwise
            aim the client at the user's own network (RFC 9728 §7.7, RFC 8414 §6). Turn it on
            for deployments whose authorization server really is on a private address.
        max_authorization_servers: how many of a PRM document's ``authorization_servers`` are
            tried (in order) before `discovery_limit_reached`. Real deployments list one or
            two; 4 leaves room for a fallback server while a 20,000-entry list costs nothing.
        max_discovery_requests: how many discovery GETs one discovery may make before
            `discovery_limit_reached`. The longest legitimate walk with the default server cap
            is 3 PRM candidates + 4 servers * 3 metadata candidates = 15 requests; 24 leaves
            room for a policy that tries up to 7 servers, and bounds what any server can make
            a client do.
    """

    resource_match: ResourceMatch = "same_origin_prefix"
    legacy_fallback: bool = True
    legacy_issuer_path: bool = True
    metadata_tolerances: bool = True
    header_tolerances: bool = True
    allow_loopback_http: bool = True
    assume_pkce_without_advertisement: bool = False
    max_step_up_attempts: int = 2
    allow_private_network: bool = False
    max_authorization_servers: int = 4
    max_discovery_requests: int = 24

    def __post_init__(self) -> None:
        """Reject option values that cannot mean anything (a bool is a bool, an int an int)."""
        if self.resource_match not in ("identical", "same_origin_prefix"):
            raise UsageError(f"unknown resource_match {self.resource_match!r}")
        for name in (
            "legacy_fallback",
            "legacy_issuer_path",
            "metadata_tolerances",
            "header_tolerances",
            "allow_loopback_http",
            "assume_pkce_without_advertisement",
            "allow_private_network",
        ):
            expect_bool(f"Policy.{name}", getattr(self, name))
        expect_count("Policy.max_step_up_attempts", self.max_step_up_attempts, minimum=0)
        expect_count("Policy.max_authorization_servers", self.max_authorization_servers, minimum=1)
        expect_count("Policy.max_discovery_requests", self.max_discovery_requests, minimum=1)

    @classmethod
    def compatible(cls) -> Policy:
        """The default preset: MCP 2025-11-25 plus the legacy fallback and named tolerances."""
        return cls()

    @classmethod
    def strict(cls) -> Policy:
        """The RFC letter: identical identifiers, https only, no legacy fallback."""
        return cls(
            resource_match="identical",
            legacy_fallback=False,
            legacy_issuer_path=False,
            metadata_tolerances=False,
            header_tolerances=False,
            allow_loopback_http=False,
        )


def expect_bool(name: str, value: object) -> None:
    """`UsageError` unless `value` is a bool (``"no"`` and ``1`` are not)."""
    if not isinstance(value, bool):
        raise UsageError(f"{name} must be a bool, not {type(value).__name__}")


def expect_count(name: str, value: object, *, minimum: int) -> None:
    """`UsageError` unless `value` is an int (not a bool) of at least `minimum`."""
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise UsageError(f"{name} must be an int >= {minimum}, not {value!r}")


def _expect_optional_str(name: str, value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise UsageError(f"{name} must be a str or None, not {type(value).__name__}")


def _is_https_url_with_path(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme == "https" and bool(parts.netloc) and parts.path not in ("", "/")


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientOptions:
    """What the client brings: its registration options and its step-up state.

    Attributes:
        client_id: a pre-registered client identifier (MCP 2025-11-25 registration priority 1).
        client_secret: its secret, if it is a confidential client.
        client_id_issuer: the issuer `client_id` was registered with. When set, the
            pre-registered client is used only with that authorization server (MCP 2026-07-28:
            credentials are bound to the issuer and MUST NOT be reused with another).
        client_metadata_url: the client's Client ID Metadata Document URL (an https URL with a
            path), used when the authorization server advertises
            `client_id_metadata_document_supported`.
        dynamic_registration: whether the client may fall back to RFC 7591 dynamic registration.
        previous_scope: the scope the client requested last time (for 403 step-up).
        step_up_attempts: how many step-up re-authorizations were already made for this
            operation.
    """

    client_id: str | None = None
    client_secret: str | None = None
    client_id_issuer: str | None = None
    client_metadata_url: str | None = None
    dynamic_registration: bool = True
    previous_scope: str | None = None
    step_up_attempts: int = 0

    def __post_init__(self) -> None:
        """Reject options that could never be used, and values of the wrong type."""
        for name in (
            "client_id",
            "client_secret",
            "client_id_issuer",
            "client_metadata_url",
            "previous_scope",
        ):
            _expect_optional_str(f"ClientOptions.{name}", getattr(self, name))
        expect_bool("ClientOptions.dynamic_registration", self.dynamic_registration)
        expect_count("ClientOptions.step_up_attempts", self.step_up_attempts, minimum=0)
        if self.client_metadata_url is not None and not _is_https_url_with_path(
            self.client_metadata_url
        ):
            raise UsageError(
                "client_metadata_url must be an https URL with a path "
                "(draft-ietf-oauth-client-id-metadata-document §3)"
            )
        if self.client_secret is not None and self.client_id is None:
            raise UsageError("client_secret without client_id")
