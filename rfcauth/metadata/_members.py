"""Which members each metadata document defines, and the JSON shape of each.

The kinds drive the type checks in `_checks`, the JSON Schema export in
`rfcauth.metadata.schema`, and
the field tests of the models; the pydantic models in `_asm` / `_prm` declare the same names.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from rfcauth.grammar._language_tag import is_language_tag

__all__ = [
    "ASM_MEMBERS",
    "ASM_SIGNING_ALG_LISTS",
    "BOOL",
    "ISSUER",
    "ISSUERS",
    "JWS",
    "KINDS",
    "LOCALIZABLE",
    "PRM_MEMBERS",
    "RESOURCE",
    "RESOURCES",
    "SCOPES",
    "STRING",
    "STRINGS",
    "URL",
    "URL_HTTPS",
    "URL_MAP",
    "translated_member",
]

ISSUER: Final = "issuer"  # https URL without query or fragment (RFC 8414 §2)
ISSUERS: Final = "issuers"  # array of issuer identifiers (RFC 9728 §2 authorization_servers)
RESOURCE: Final = "resource"  # https URL without fragment (RFC 9728 §1.2)
RESOURCES: Final = "resources"  # array of resource identifiers (RFC 9728 §4)
URL: Final = "url"  # absolute URL
URL_HTTPS: Final = "url_https"  # absolute URL that MUST use https (jwks_uri, OIDC endpoints)
URL_MAP: Final = "url_map"  # object of name → absolute URL (RFC 8705 §5)
STRING: Final = "string"
STRINGS: Final = "strings"  # array of strings, never empty (RFC 8414 §3.2)
SCOPES: Final = "scopes"  # array of OAuth scope values, never empty (RFC 6749 §3.3 scope-token)
BOOL: Final = "bool"
JWS: Final = "jws"  # JWT in JWS compact serialization (RFC 8414 §2.1)

KINDS: Final = frozenset(
    {
        *(ISSUER, ISSUERS, RESOURCE, RESOURCES, URL, URL_HTTPS, URL_MAP),
        *(STRING, STRINGS, SCOPES, BOOL, JWS),
    }
)

#: RFC 8414 §2, the IANA "OAuth Authorization Server Metadata" registry members clients use,
#: and OpenID Connect Discovery 1.0 §3. Order: as in the specifications.
ASM_MEMBERS: Final = MappingProxyType(
    {
        # RFC 8414 §2
        "issuer": ISSUER,
        "authorization_endpoint": URL,
        "token_endpoint": URL,
        "jwks_uri": URL_HTTPS,
        "registration_endpoint": URL,
        "scopes_supported": SCOPES,
        "response_types_supported": STRINGS,
        "response_modes_supported": STRINGS,
        "grant_types_supported": STRINGS,
        "token_endpoint_auth_methods_supported": STRINGS,
        "token_endpoint_auth_signing_alg_values_supported": STRINGS,
        "service_documentation": URL,
        "ui_locales_supported": STRINGS,
        "op_policy_uri": URL,
        "op_tos_uri": URL,
        "revocation_endpoint": URL,
        "revocation_endpoint_auth_methods_supported": STRINGS,
        "revocation_endpoint_auth_signing_alg_values_supported": STRINGS,
        "introspection_endpoint": URL,
        "introspection_endpoint_auth_methods_supported": STRINGS,
        "introspection_endpoint_auth_signing_alg_values_supported": STRINGS,
        "code_challenge_methods_supported": STRINGS,
        "signed_metadata": JWS,
        # registry: RFC 8628, RFC 9126, RFC 9207, RFC 9449, RFC 8705, RFC 9728 §4, RFC 9396,
        # RFC 9101, RFC 9701, JARM, CIBA, OAuth Client ID Metadata Document draft
        "device_authorization_endpoint": URL,
        "pushed_authorization_request_endpoint": URL,
        "require_pushed_authorization_requests": BOOL,
        "authorization_response_iss_parameter_supported": BOOL,
        "dpop_signing_alg_values_supported": STRINGS,
        "tls_client_certificate_bound_access_tokens": BOOL,
        "mtls_endpoint_aliases": URL_MAP,
        "protected_resources": RESOURCES,
        "authorization_details_types_supported": STRINGS,
        "require_signed_request_object": BOOL,
        "introspection_signing_alg_values_supported": STRINGS,
        "introspection_encryption_alg_values_supported": STRINGS,
        "introspection_encryption_enc_values_supported": STRINGS,
        "authorization_signing_alg_values_supported": STRINGS,
        "authorization_encryption_alg_values_supported": STRINGS,
        "authorization_encryption_enc_values_supported": STRINGS,
        "backchannel_token_delivery_modes_supported": STRINGS,
        "backchannel_authentication_endpoint": URL,
        "backchannel_authentication_request_signing_alg_values_supported": STRINGS,
        "backchannel_user_code_parameter_supported": BOOL,
        "client_id_metadata_document_supported": BOOL,
        # OpenID Connect Discovery 1.0 §3 (and Session / Front-Channel / Back-Channel Logout)
        "userinfo_endpoint": URL_HTTPS,
        "acr_values_supported": STRINGS,
        "subject_types_supported": STRINGS,
        "id_token_signing_alg_values_supported": STRINGS,
        "id_token_encryption_alg_values_supported": STRINGS,
        "id_token_encryption_enc_values_supported": STRINGS,
        "userinfo_signing_alg_values_supported": STRINGS,
        "userinfo_encryption_alg_values_supported": STRINGS,
        "userinfo_encryption_enc_values_supported": STRINGS,
        "request_object_signing_alg_values_supported": STRINGS,
        "request_object_encryption_alg_values_supported": STRINGS,
        "request_object_encryption_enc_values_supported": STRINGS,
        "display_values_supported": STRINGS,
        "claim_types_supported": STRINGS,
        "claims_supported": STRINGS,
        "claims_locales_supported": STRINGS,
        "claims_parameter_supported": BOOL,
        "request_parameter_supported": BOOL,
        "request_uri_parameter_supported": BOOL,
        "require_request_uri_registration": BOOL,
        "end_session_endpoint": URL_HTTPS,
        "check_session_iframe": URL_HTTPS,
        "frontchannel_logout_supported": BOOL,
        "frontchannel_logout_session_supported": BOOL,
        "backchannel_logout_supported": BOOL,
        "backchannel_logout_session_supported": BOOL,
        "prompt_values_supported": STRINGS,
    }
)

#: The three RFC 8414 §2 lists in which ``none`` MUST NOT appear, keyed by the endpoint prefix.
ASM_SIGNING_ALG_LISTS: Final = ("token_endpoint", "revocation_endpoint", "introspection_endpoint")

#: RFC 9728 §2. Order: as in the RFC.
PRM_MEMBERS: Final = MappingProxyType(
    {
        "resource": RESOURCE,
        "authorization_servers": ISSUERS,
        "jwks_uri": URL_HTTPS,
        "scopes_supported": SCOPES,
        "bearer_methods_supported": STRINGS,
        "resource_signing_alg_values_supported": STRINGS,
        "resource_name": STRING,
        "resource_documentation": URL,
        "resource_policy_uri": URL,
        "resource_tos_uri": URL,
        "tls_client_certificate_bound_access_tokens": BOOL,
        "authorization_details_types_supported": STRINGS,
        "dpop_signing_alg_values_supported": STRINGS,
        "dpop_bound_access_tokens_required": BOOL,
        "signed_metadata": JWS,
    }
)

#: RFC 9728 §2.1: human-readable members that may carry a ``#language-tag`` suffix.
LOCALIZABLE: Final = frozenset(
    {"resource_name", "resource_documentation", "resource_policy_uri", "resource_tos_uri"}
)


def translated_member(name: str) -> str | None:
    """The human-readable member that `name` translates (RFC 9728 §2.1), else `None`.

    Only a well-formed RFC 5646 tag makes ``<member>#<tag>`` a language-tagged member; any other
    ``resource_name#...`` is an unknown member and is ignored (RFC 9728 §3.2), so an empty tag
    (``resource_name#``) cannot stand in for the untagged value.

    >>> translated_member("resource_name#ja"), translated_member("resource_name#")
    ('resource_name', None)
    """
    base, tagged, tag = name.partition("#")
    return base if tagged and base in LOCALIZABLE and is_language_tag(tag) else None
