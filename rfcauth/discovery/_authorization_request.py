"""Stage 7: the authorization request — PKCE, endpoints, registration, scope, ``resource``.

S256 PKCE is required (MCP 2025-11-25); the authorization and token endpoints must be https.
Registration: pre-registered > Client ID Metadata Document > dynamic (RFC 7591). Scope:
challenge > PRM ``scopes_supported`` > omit; a step-up asks for the union with the previous
request. ``resource`` (RFC 8707): the PRM document's, or the canonical resource URL on the
legacy path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rfcauth.discovery._actions import Authorize, Registration
from rfcauth.discovery._rules import (
    R_403_STEP_UP,
    R_AS_ORDER,
    R_LEGACY,
    R_PKCE,
    R_REGISTRATION,
    R_RESOURCE,
    R_SCOPE,
    R_TLS,
)
from rfcauth.discovery._state import Decided, WalkState
from rfcauth.metadata._url_identity import canonical_resource, is_secure_url

if TYPE_CHECKING:
    from rfcauth.challenge._bearer import BearerChallenge
    from rfcauth.discovery._resource_metadata import Prm
    from rfcauth.metadata._asm import AuthorizationServerMetadata

__all__ = ["authorize", "finish"]


def authorize(
    state: WalkState,
    asm: AuthorizationServerMetadata,
    *,
    server_metadata_url: str,
    protocol: str,
    prm: Prm | None,
    bearer: BearerChallenge | None,
) -> None:
    """Check PKCE S256 and the code flow endpoints, then `finish` with this server."""
    methods = asm.code_challenge_methods_supported
    if methods is None:
        if not state.policy.assume_pkce_without_advertisement:
            raise state.fail(
                "pkce_not_supported",
                "code_challenge_methods_supported_absent",
                R_PKCE,
                f"{asm.issuer} does not advertise code_challenge_methods_supported; MCP "
                "clients MUST refuse to proceed (Policy.assume_pkce_without_advertisement "
                "allows the Entra/Cognito exception).",
                url=server_metadata_url,
            )
        state.note(
            "pkce_assumed",
            f"{asm.issuer} does not advertise PKCE; S256 assumed by policy "
            "(Microsoft Entra ID and Amazon Cognito omit the member).",
            R_PKCE,
            url=server_metadata_url,
            warn=True,
        )
    elif "S256" not in methods:
        raise state.fail(
            "pkce_not_supported",
            "s256_not_supported",
            R_PKCE,
            f"{asm.issuer} supports PKCE methods {list(methods)} but not S256.",
            url=server_metadata_url,
        )
    if asm.authorization_endpoint is None or asm.token_endpoint is None:
        missing = (
            "authorization_endpoint" if asm.authorization_endpoint is None else "token_endpoint"
        )
        raise state.fail(
            "server_metadata_invalid",
            f"{missing}_missing",
            "RFC 8414 §2",
            f"{asm.issuer} publishes no {missing}; the authorization code flow is impossible.",
            url=server_metadata_url,
        )
    if "code" not in asm.response_types_supported:
        raise state.fail(
            "server_metadata_invalid",
            "code_response_type_not_supported",
            "RFC 8414 §2 response_types_supported",
            f"{asm.issuer} does not support response_type=code.",
            url=server_metadata_url,
        )
    finish(
        state,
        issuer=asm.issuer,
        authorization_endpoint=asm.authorization_endpoint,
        token_endpoint=asm.token_endpoint,
        registration_endpoint=asm.registration_endpoint,
        cimd_supported=asm.client_id_metadata_document_supported is True,
        server_metadata_url=server_metadata_url,
        protocol=protocol,
        prm=prm,
        bearer=bearer,
    )


def finish(
    state: WalkState,
    *,
    issuer: str,
    authorization_endpoint: str,
    token_endpoint: str,
    registration_endpoint: str | None,
    cimd_supported: bool,
    server_metadata_url: str | None,
    protocol: str,
    prm: Prm | None,
    bearer: BearerChallenge | None,
) -> None:
    """Check the endpoints are https, choose registration, scope and resource: `Authorize`."""
    allow_http = state.policy.allow_loopback_http
    for name, url in (
        ("authorization_endpoint", authorization_endpoint),
        ("token_endpoint", token_endpoint),
    ):
        if not is_secure_url(url, allow_loopback_http=allow_http):
            raise state.fail(
                "insecure_endpoint",
                f"{name}_not_https",
                R_TLS,
                f"{name} {url!r} is not an https URL"
                + (" (http is allowed only on loopback hosts)" if allow_http else "")
                + ".",
                url=server_metadata_url,
            )
        _check_url(state, url)
    registration = _registration(
        state, issuer, registration_endpoint, cimd_supported, server_metadata_url
    )
    scope = _scope(state, prm, bearer)
    if prm is not None:
        resource: str | None = prm.document.resource
        state.note("resource_parameter", "resource = the PRM document's resource.", R_RESOURCE)
    else:
        resource = canonical_resource(state.context.resource)
        state.note(
            "resource_parameter",
            "resource = the canonical resource URL (legacy path).",
            R_RESOURCE,
        )
    legacy = protocol == "2025-03-26"
    raise Decided(
        Authorize(
            issuer=issuer,
            authorization_endpoint=authorization_endpoint,
            token_endpoint=token_endpoint,
            registration=registration,
            scope=scope,
            resource=resource,
            protocol="2025-03-26" if legacy else "2025-11-25",
            resource_metadata_url=prm.url if prm is not None else None,
            server_metadata_url=server_metadata_url,
            reason="step_up"
            if state.is_step_up
            else ("legacy_authorization_server" if legacy else "authorization_server_found"),
            rule=R_403_STEP_UP if state.is_step_up else (R_LEGACY if legacy else R_AS_ORDER),
            explanation=(
                f"Authorize at {issuer} with PKCE S256"
                + (" (MCP 2025-03-26 fallback: the resource's origin)" if legacy else "")
                + "."
            ),
            notes=tuple(state.notes),
        )
    )


def _check_url(state: WalkState, url: str) -> None:
    """An endpoint the driver will send the user or a request to passes the one URL check."""
    refusal = state.refusal(url)
    if refusal is not None:
        raise state.refused(url, refusal)


def _registration(
    state: WalkState,
    issuer: str,
    endpoint: str | None,
    cimd_supported: bool,  # noqa: FBT001
    server_metadata_url: str | None,
) -> Registration:
    client = state.context.client
    if client.client_id is not None:
        if client.client_id_issuer is None or client.client_id_issuer == issuer:
            state.note("registration", "Using the pre-registered client.", R_REGISTRATION)
            return Registration(kind="preregistered", client_id=client.client_id)
        state.note(
            "preregistered_client_for_other_issuer",
            f"The pre-registered client belongs to {client.client_id_issuer!r}, not "
            f"{issuer!r}; it is not reused (MCP 2026-07-28 issuer binding).",
            R_REGISTRATION,
        )
    if client.client_metadata_url is not None:
        if cimd_supported:
            state.note(
                "registration",
                "The server supports Client ID Metadata Documents; the client ID is its URL.",
                R_REGISTRATION,
            )
            return Registration(
                kind="client_id_metadata_document", client_id=client.client_metadata_url
            )
        state.note(
            "client_id_metadata_document_unsupported",
            "The server does not advertise client_id_metadata_document_supported.",
            R_REGISTRATION,
        )
    if endpoint is not None and client.dynamic_registration:
        if not is_secure_url(endpoint, allow_loopback_http=state.policy.allow_loopback_http):
            raise state.fail(
                "insecure_endpoint",
                "registration_endpoint_not_https",
                R_TLS,
                f"registration_endpoint {endpoint!r} is not an https URL.",
                url=server_metadata_url,
            )
        _check_url(state, endpoint)
        state.note("registration", "Dynamic client registration (RFC 7591).", R_REGISTRATION)
        return Registration(kind="dynamic", endpoint=endpoint)
    raise state.fail(
        "no_registration_method",
        "no_registration_method",
        R_REGISTRATION,
        f"{issuer} offers no registration the client can use: no pre-registered client, "
        "no Client ID Metadata Document support"
        + (", and dynamic registration is disabled." if endpoint else ", no registration_endpoint.")
        + " Ask the user for client credentials.",
        url=server_metadata_url,
    )


def _scope(state: WalkState, prm: Prm | None, bearer: BearerChallenge | None) -> str | None:
    challenged: tuple[str, ...] = ()
    source = ""
    if bearer is not None and bearer.scope:
        challenged, source = bearer.scope, "the challenge's scope"
    elif prm is not None and prm.document.scopes_supported:
        challenged = tuple(prm.document.scopes_supported)
        source = "the PRM document's scopes_supported"
    if state.is_step_up:
        previous = tuple((state.context.client.previous_scope or "").split())
        merged = tuple(dict.fromkeys(previous + challenged))
        state.note(
            "scope",
            "Step-up scope = previously requested scope, then "
            + (source or "nothing new")
            + " (union, previous first).",
            R_403_STEP_UP,
        )
        return " ".join(merged) or None
    if challenged:
        state.note("scope", f"scope from {source}.", R_SCOPE)
        return " ".join(challenged)
    state.note(
        "scope",
        "No scope in the challenge or the PRM document: scope is omitted (never the "
        "authorization server's whole catalogue).",
        R_SCOPE,
    )
    return None
