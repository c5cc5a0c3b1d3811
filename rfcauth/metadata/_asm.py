"""`AuthorizationServerMetadata`: RFC 8414 §2 (+ registry and OpenID Connect Discovery members)."""

from __future__ import annotations

from typing import ClassVar

from rfcauth.metadata._model_base import (
    Bool,
    HttpsUrl,
    Issuer,
    MetadataModel,
    Resources,
    Str,
    Strs,
    Url,
    UrlMap,
)

__all__ = ["AuthorizationServerMetadata"]


class AuthorizationServerMetadata(MetadataModel):
    """OAuth 2.0 Authorization Server Metadata (RFC 8414 §2), lossless and frozen.

    Attribute names are the member names. Arrays are tuples; absent members are `None` (the
    RFC defaults, such as ``grant_types_supported``'s, are not filled in: use the
    ``effective_*`` helpers). Identifiers and URLs are the exact strings received. Unknown
    members are kept in `extra` and written back by `to_dict` / `to_json`.

    Build one with `rfcauth.parse_authorization_server_metadata`.
    """

    _kind: ClassVar[str] = "authorization server metadata"

    # RFC 8414 §2
    issuer: Issuer
    authorization_endpoint: Url | None = None
    token_endpoint: Url | None = None
    jwks_uri: HttpsUrl | None = None
    registration_endpoint: Url | None = None
    scopes_supported: Strs | None = None
    response_types_supported: Strs
    response_modes_supported: Strs | None = None
    grant_types_supported: Strs | None = None
    token_endpoint_auth_methods_supported: Strs | None = None
    token_endpoint_auth_signing_alg_values_supported: Strs | None = None
    service_documentation: Url | None = None
    ui_locales_supported: Strs | None = None
    op_policy_uri: Url | None = None
    op_tos_uri: Url | None = None
    revocation_endpoint: Url | None = None
    revocation_endpoint_auth_methods_supported: Strs | None = None
    revocation_endpoint_auth_signing_alg_values_supported: Strs | None = None
    introspection_endpoint: Url | None = None
    introspection_endpoint_auth_methods_supported: Strs | None = None
    introspection_endpoint_auth_signing_alg_values_supported: Strs | None = None
    code_challenge_methods_supported: Strs | None = None
    signed_metadata: Str | None = None
    # IANA "OAuth Authorization Server Metadata" registry
    device_authorization_endpoint: Url | None = None
    pushed_authorization_request_endpoint: Url | None = None
    require_pushed_authorization_requests: Bool | None = None
    authorization_response_iss_parameter_supported: Bool | None = None
    dpop_signing_alg_values_supported: Strs | None = None
    tls_client_certificate_bound_access_tokens: Bool | None = None
    mtls_endpoint_aliases: UrlMap | None = None
    protected_resources: Resources | None = None
    authorization_details_types_supported: Strs | None = None
    require_signed_request_object: Bool | None = None
    introspection_signing_alg_values_supported: Strs | None = None
    introspection_encryption_alg_values_supported: Strs | None = None
    introspection_encryption_enc_values_supported: Strs | None = None
    authorization_signing_alg_values_supported: Strs | None = None
    authorization_encryption_alg_values_supported: Strs | None = None
    authorization_encryption_enc_values_supported: Strs | None = None
    backchannel_token_delivery_modes_supported: Strs | None = None
    backchannel_authentication_endpoint: Url | None = None
    backchannel_authentication_request_signing_alg_values_supported: Strs | None = None
    backchannel_user_code_parameter_supported: Bool | None = None
    client_id_metadata_document_supported: Bool | None = None
    # OpenID Connect Discovery 1.0 §3
    userinfo_endpoint: Url | None = None
    acr_values_supported: Strs | None = None
    subject_types_supported: Strs | None = None
    id_token_signing_alg_values_supported: Strs | None = None
    id_token_encryption_alg_values_supported: Strs | None = None
    id_token_encryption_enc_values_supported: Strs | None = None
    userinfo_signing_alg_values_supported: Strs | None = None
    userinfo_encryption_alg_values_supported: Strs | None = None
    userinfo_encryption_enc_values_supported: Strs | None = None
    request_object_signing_alg_values_supported: Strs | None = None
    request_object_encryption_alg_values_supported: Strs | None = None
    request_object_encryption_enc_values_supported: Strs | None = None
    display_values_supported: Strs | None = None
    claim_types_supported: Strs | None = None
    claims_supported: Strs | None = None
    claims_locales_supported: Strs | None = None
    claims_parameter_supported: Bool | None = None
    request_parameter_supported: Bool | None = None
    request_uri_parameter_supported: Bool | None = None
    require_request_uri_registration: Bool | None = None
    end_session_endpoint: Url | None = None
    check_session_iframe: Url | None = None
    frontchannel_logout_supported: Bool | None = None
    frontchannel_logout_session_supported: Bool | None = None
    backchannel_logout_supported: Bool | None = None
    backchannel_logout_session_supported: Bool | None = None
    prompt_values_supported: Strs | None = None

    @property
    def effective_grant_types_supported(self) -> tuple[str, ...]:
        """`grant_types_supported`, or its RFC 8414 §2 default when absent."""
        return self.grant_types_supported or ("authorization_code", "implicit")

    @property
    def effective_response_modes_supported(self) -> tuple[str, ...]:
        """`response_modes_supported`, or its RFC 8414 §2 default when absent."""
        return self.response_modes_supported or ("query", "fragment")

    @property
    def effective_token_endpoint_auth_methods_supported(self) -> tuple[str, ...]:
        """`token_endpoint_auth_methods_supported`, or its RFC 8414 §2 default."""
        return self.token_endpoint_auth_methods_supported or ("client_secret_basic",)
