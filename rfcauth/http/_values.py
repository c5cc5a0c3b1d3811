"""The values the driver passes around: HTTP calls and replies, tokens, registrations, steps.

Secrets (access and refresh tokens, client secrets, authorization codes, PKCE verifiers, request
bodies that carry them) are excluded from every ``repr`` and never appear in a message.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from collections.abc import Mapping

    from rfcauth.discovery import Action

__all__ = ["Call", "ClientRegistration", "Reply", "Step", "Tokens"]

Purpose = Literal["resource_metadata", "server_metadata", "registration", "token", "authorization"]
ReplyError = Literal["timeout", "connect", "tls", "too_large", "refused"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Call:
    """One HTTP request the login needs (discovery GET, registration or token POST).

    Attributes:
        method: ``"GET"`` or ``"POST"``.
        url: the absolute URL.
        purpose: what the request is for (it decides the size cap and how a reply is read).
        headers: request header fields (may hold client credentials: never shown).
        body: the request body (may hold secrets: never shown).
    """

    method: Literal["GET", "POST"]
    url: str
    purpose: Purpose
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    body: bytes = field(default=b"", repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Reply:
    """What came back for a `Call`: a status with headers and body, or a network error.

    Attributes:
        url: the URL requested.
        status: the HTTP status, or None when no usable response arrived.
        headers: response header fields, names lower-cased; repeated fields joined by ``", "``.
        body: the response body (capped; may hold tokens: never shown).
        error: ``"timeout"``, ``"connect"``, ``"tls"``, ``"too_large"`` or ``"refused"`` (the
            driver's own safety rules refused the URL or the address it resolves to).
        detail: for an error, a sentence saying what happened (no secrets).
        from_cache: true when the answer came from the metadata cache.
    """

    url: str
    status: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = field(default=b"", repr=False)
    error: ReplyError | None = None
    detail: str = ""
    from_cache: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Tokens:
    """An access token and what comes with it (RFC 6749 §5.1).

    Attributes:
        access_token: the bearer token (never shown).
        token_type: ``"Bearer"``.
        refresh_token: the refresh token, if issued (never shown).
        expires_at: when the access token expires (seconds since the epoch), if known.
        scope: the granted (or else the requested) scope.
        issuer: the authorization server that issued it.
        token_endpoint: where to refresh it.
        resource: the RFC 8707 resource it was requested for.
    """

    access_token: str = field(repr=False)
    token_type: str = "Bearer"  # noqa: S105 - the RFC 6750 type name, not a secret
    refresh_token: str | None = field(default=None, repr=False)
    expires_at: float | None = None
    scope: str | None = None
    issuer: str | None = None
    token_endpoint: str | None = None
    resource: str | None = None

    def expires_within(self, seconds: float, *, now: float | None = None) -> bool:
        """True when the token expires within `seconds` from `now` (unknown expiry: never)."""
        if self.expires_at is None:
            return False
        return self.expires_at - seconds <= (time.time() if now is None else now)


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientRegistration:
    """How this client authenticates to one authorization server (RFC 7591 §3.2.1).

    Attributes:
        issuer: the authorization server's issuer identifier.
        client_id: the client identifier.
        client_secret: the client secret, for a confidential client (never shown).
        token_endpoint_auth_method: ``"none"``, ``"client_secret_basic"`` or
            ``"client_secret_post"``.
        redirect_uris: the redirect URIs registered.
        expires_at: when the client secret expires (RFC 7591 ``client_secret_expires_at``;
            None or 0 for never).
        kind: ``"preregistered"``, ``"client_id_metadata_document"`` or ``"dynamic"``.
    """

    issuer: str
    client_id: str
    client_secret: str | None = field(default=None, repr=False)
    token_endpoint_auth_method: str = "none"  # noqa: S105 - RFC 7591 method name
    redirect_uris: tuple[str, ...] = ()
    expires_at: float | None = None
    kind: str = "dynamic"

    def usable(self, redirect_uri: str, *, now: float | None = None) -> bool:
        """True when the registration covers `redirect_uri` and its secret has not expired."""
        if self.redirect_uris and redirect_uri not in self.redirect_uris:
            return False
        if self.expires_at:
            return self.expires_at > (time.time() if now is None else now)
        return True


StepKind = Literal["request", "reply", "decision", "redirect", "note"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    """One observable event of a login, in order: a request, its reply, a decision.

    ``probe``-style tools print these; they never carry a secret.

    Attributes:
        kind: ``"request"``, ``"reply"``, ``"decision"``, ``"redirect"`` or ``"note"``.
        round: the sequential round trip this event belongs to (0 for the resource's own
            request); requests made concurrently share a round.
        method: the HTTP method, for requests and replies.
        url: the URL concerned.
        purpose: what the request was for.
        status: the HTTP status of a reply.
        error: the network error of a reply.
        from_cache: a reply answered by the metadata cache (no request made).
        action: for a decision, the `next_action` result (its reason and rule say why).
        message: a sentence for people.
    """

    kind: StepKind
    round: int = 0
    method: str | None = None
    url: str | None = None
    purpose: str | None = None
    status: int | None = None
    error: str | None = None
    from_cache: bool = False
    action: Action | None = None
    message: str = ""

    def __str__(self) -> str:
        """One line for a log."""
        if self.kind == "request":
            return f"[{self.round}] -> {self.method} {self.url} ({self.purpose})"
        if self.kind == "reply":
            answer = f"HTTP {self.status}" if self.status is not None else f"{self.error}"
            cached = " (cache)" if self.from_cache else ""
            extra = f": {self.message}" if self.message else ""
            return f"[{self.round}] <- {answer} {self.url}{cached}{extra}"
        if self.kind == "decision" and self.action is not None:
            action = self.action
            return f"[{self.round}] == {type(action).__name__} {action.reason} ({action.rule})"
        return f"[{self.round}] {self.kind}: {self.message}"
