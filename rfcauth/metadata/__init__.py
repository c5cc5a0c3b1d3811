"""Metadata documents: RFC 8414 and RFC 9728 models, their rules, and well-known URLs.

RFC 8414 Authorization Server Metadata (with OpenID Connect Discovery members) and RFC 9728
Protected Resource Metadata.

::

    _jsonload.py      RFC 8259 JSON with duplicate, surrogate and size checks, JSON Pointers
    _members.py       every known member: its type, its RFC section
    _rules.py         the rule table (id, RFC section, text) and the named tolerances
    _checks.py        the rule engine: one check per rule, every violation listed
    _fastpath.py      one pydantic-core schema per document for the common valid case
    _model_base.py    the frozen pydantic base both models share
    _asm.py, _prm.py  AuthorizationServerMetadata, ProtectedResourceMetadata
    _parse.py         parse_authorization_server_metadata / parse_protected_resource_metadata
    _url_identity.py  issuer / resource identity comparisons (RFC 8414 §3.3, RFC 9728 §3.3)
    _wellknown.py     well-known URL construction (RFC 8414 §3.1, RFC 9728 §3.1, OIDC §4)
    _mcp_profile.py   the MCP authorization profile on top of the RFC rules
    _signed.py, _jws.py  signed_metadata verification (RFC 8414 §2.1, RFC 9728 §2.2)
    schema.py         JSON Schema export (``python -m rfcauth.metadata.schema asm|prm``)
"""

from __future__ import annotations

from rfcauth.metadata._asm import AuthorizationServerMetadata
from rfcauth.metadata._mcp_profile import check_mcp_profile
from rfcauth.metadata._parse import (
    parse_authorization_server_metadata,
    parse_protected_resource_metadata,
)
from rfcauth.metadata._prm import ProtectedResourceMetadata
from rfcauth.metadata._rules import RULES, TOLERANCES
from rfcauth.metadata._signed import DEFAULT_SIGNED_METADATA_ALGORITHMS, verify_signed_metadata
from rfcauth.metadata._wellknown import (
    WellKnownUrl,
    authorization_server_metadata_urls,
    protected_resource_metadata_urls,
)

__all__ = [
    "DEFAULT_SIGNED_METADATA_ALGORITHMS",
    "RULES",
    "TOLERANCES",
    "AuthorizationServerMetadata",
    "ProtectedResourceMetadata",
    "WellKnownUrl",
    "authorization_server_metadata_urls",
    "check_mcp_profile",
    "parse_authorization_server_metadata",
    "parse_protected_resource_metadata",
    "protected_resource_metadata_urls",
    "verify_signed_metadata",
]
