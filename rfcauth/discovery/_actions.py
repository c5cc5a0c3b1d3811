"""The actions `next_action` returns: one HTTP request each, or a terminal decision.

Every action says *why*: a machine-readable `reason` (snake_case), the `rule` it applies
(``"RFC 9728 §3.1"``), a sentence for people (`explanation`) and the `notes` gathered on the way
(what earlier probes found, which tolerances were used). A client can show the user exactly
what happened instead of "Failed to connect".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypeAlias

if TYPE_CHECKING:
    from rfcauth._violation import Violation

__all__ = [
    "Action",
    "Authorize",
    "Fail",
    "FetchResourceMetadata",
    "FetchServerMetadata",
    "NoAuthorizationNeeded",
    "Note",
    "Registration",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Note:
    """One finding made on the way to an action (a probe's result, a tolerance used).

    Attributes:
        code: stable snake_case id, e.g. ``"resource_metadata_absent"``.
        message: a sentence for people.
        rule: the specification text it applies.
        url: the URL it concerns, if any.
        level: ``"warning"`` for a tolerance beyond the specification; ``"info"`` otherwise.
    """

    code: str
    message: str
    rule: str
    url: str | None = None
    level: Literal["info", "warning"] = "info"

    def __str__(self) -> str:
        """One line: level, code, message."""
        where = f" <{self.url}>" if self.url else ""
        return f"[{self.level}] {self.code}: {self.message}{where} ({self.rule})"


@dataclass(frozen=True, slots=True, kw_only=True)
class _Explained:
    reason: str
    rule: str
    explanation: str
    notes: tuple[Note, ...] = ()

    @property
    def warnings(self) -> tuple[Note, ...]:
        """The notes that record a tolerance beyond the specification."""
        return tuple(n for n in self.notes if n.level == "warning")


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchResourceMetadata(_Explained):
    """GET a Protected Resource Metadata document (RFC 9728 §3.1).

    Attributes:
        url: where to send the GET.
        route: ``"hint"`` (the challenge's `resource_metadata`, RFC 9728 §5.1),
            ``"well_known_path"`` or ``"well_known_root"`` (RFC 9728 §3.1).
        expected_resource: the identifier the document's `resource` must equal under the
            RFC 9728 §3.3 rule for this route.
    """

    url: str
    route: Literal["hint", "well_known_path", "well_known_root"]
    expected_resource: str


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchServerMetadata(_Explained):
    """GET an authorization server's metadata (RFC 8414 §3.1 / OpenID Connect Discovery §4).

    Attributes:
        url: where to send the GET.
        issuer: the issuer the URL was built from; the document's `issuer` must equal it.
        kind: ``"rfc8414"``, ``"oidc_inserted"`` or ``"oidc_appended"``.
        legacy: true on the MCP 2025-03-26 fallback (the resource's origin as the server).
    """

    url: str
    issuer: str
    kind: str
    legacy: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Registration:
    """How the client identifies itself to the authorization server (MCP 2025-11-25).

    Attributes:
        kind: ``"preregistered"``, ``"client_id_metadata_document"`` or ``"dynamic"``.
        client_id: the client identifier for the first two kinds.
        endpoint: the RFC 7591 registration endpoint for ``"dynamic"``.
    """

    kind: Literal["preregistered", "client_id_metadata_document", "dynamic"]
    client_id: str | None = None
    endpoint: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Authorize(_Explained):
    """Terminal: start the authorization code flow with PKCE.

    Attributes:
        issuer: the authorization server's issuer identifier (check RFC 9207 `iss` against it).
        authorization_endpoint: where to send the user.
        token_endpoint: where to redeem the code.
        registration: how to obtain or present a client identifier.
        scope: the ``scope`` parameter to request, or None to omit it.
        resource: the RFC 8707 ``resource`` parameter, or None to omit it.
        code_challenge_method: always ``"S256"``.
        protocol: ``"2025-11-25"`` for RFC 9728-based discovery, ``"2025-03-26"`` for the legacy
            path.
        resource_metadata_url: where the PRM document came from (None on the legacy path).
        server_metadata_url: where the AS metadata came from (None for 2025-03-26 defaults).
    """

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    registration: Registration
    scope: str | None
    resource: str | None
    code_challenge_method: Literal["S256"] = "S256"
    protocol: Literal["2025-11-25", "2025-03-26"]
    resource_metadata_url: str | None = None
    server_metadata_url: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Fail(_Explained):
    """Terminal: discovery cannot continue; `code` says why.

    Codes: ``unsupported_auth_scheme``, ``resource_metadata_invalid``, ``resource_mismatch``,
    ``no_authorization_server``, ``server_metadata_invalid``, ``issuer_mismatch``,
    ``pkce_not_supported``, ``discovery_unavailable``, ``insecure_endpoint``,
    ``no_registration_method``, ``step_up_limit_reached``, ``access_denied``,
    ``unexpected_status``, ``url_refused`` (a URL rfcauth would name for a request fails the
    one URL check; `url` is that URL), ``discovery_limit_reached`` (a `Policy` cap).

    Attributes:
        code: stable snake_case failure code.
        url: the URL whose answer decided the failure, if any.
        violations: for an invalid metadata document, every rule it breaks (JSON location,
            rule id, RFC section), as `MetadataError` reports them.
        retry_after: on `discovery_unavailable` after a 408, 429 or 5xx, the raw
            ``Retry-After`` value the server sent (RFC 9110 §10.2.3), if any.
    """

    code: str
    url: str | None = None
    violations: tuple[Violation, ...] = ()
    retry_after: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NoAuthorizationNeeded(_Explained):
    """Terminal: the resource did not ask for authorization (it answered 2xx or 3xx)."""

    status: int


Action: TypeAlias = (
    FetchResourceMetadata | FetchServerMetadata | Authorize | Fail | NoAuthorizationNeeded
)
