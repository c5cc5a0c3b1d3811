"""`ProtectedResourceMetadata`: RFC 9728 §2, with §2.1 language-tagged members."""

from __future__ import annotations

from typing import ClassVar

from rfcauth._errors import UsageError
from rfcauth.metadata._members import LOCALIZABLE, translated_member
from rfcauth.metadata._model_base import (
    Bool,
    HttpsUrl,
    Issuers,
    MetadataModel,
    Resource,
    Str,
    Strs,
    StrsMaybeEmpty,
    Url,
)

__all__ = ["ProtectedResourceMetadata"]


class ProtectedResourceMetadata(MetadataModel):
    """OAuth 2.0 Protected Resource Metadata (RFC 9728 §2), lossless and frozen.

    `authorization_servers` is optional, as in RFC 9728 (the MCP profile's requirement is
    `rfcauth.check_mcp_profile`). `bearer_methods_supported` has no default: `None` means the
    member is absent, ``()`` that the resource accepts no bearer method. Language-tagged
    variants (``resource_name#ja``) stay in `extra` and are read with `localized`.

    Build one with `rfcauth.parse_protected_resource_metadata`.
    """

    _kind: ClassVar[str] = "protected resource metadata"

    resource: Resource
    authorization_servers: Issuers | None = None
    jwks_uri: HttpsUrl | None = None
    scopes_supported: Strs | None = None
    bearer_methods_supported: StrsMaybeEmpty | None = None
    resource_signing_alg_values_supported: Strs | None = None
    resource_name: Str | None = None
    resource_documentation: Url | None = None
    resource_policy_uri: Url | None = None
    resource_tos_uri: Url | None = None
    tls_client_certificate_bound_access_tokens: Bool | None = None
    authorization_details_types_supported: Strs | None = None
    dpop_signing_alg_values_supported: Strs | None = None
    dpop_bound_access_tokens_required: Bool | None = None
    signed_metadata: Str | None = None

    def localized(self, member: str) -> dict[str, str]:
        """Every value of a human-readable `member` by language tag (RFC 9728 §2.1).

        The untagged value, if any, is under ``""``; tags are as received (the original case).
        Only well-formed BCP 47 tags count (RFC 5646 §2.1): ``resource_name#`` or
        ``resource_name#not a tag`` is an unknown member, not a translation.

        >>> from rfcauth import parse_protected_resource_metadata
        >>> prm = parse_protected_resource_metadata(
        ...     '{"resource": "https://r.example", "resource_name": "Tool",'
        ...     ' "resource_name#ja": "ツール"}')
        >>> prm.localized("resource_name")
        {'': 'Tool', 'ja': 'ツール'}

        Raises:
            UsageError: `member` is not one of RFC 9728's human-readable members.
        """
        if member not in LOCALIZABLE:
            raise UsageError(f"{member!r} is not a human-readable member of RFC 9728 §2.1")
        values: dict[str, str] = {}
        untagged = getattr(self, member)
        if untagged is not None:
            values[""] = untagged
        for name, value in (self.model_extra or {}).items():
            if isinstance(value, str) and translated_member(name) == member:
                values[name[len(member) + 1 :]] = value
        return values

    def localized_value(self, member: str, language: str) -> str | None:
        """The value of `member` for `language`, matching tags case-insensitively (§2.1).

        Falls back to the untagged value, which is displayed as is (§2.1); `None` if neither.

        Raises:
            UsageError: `member` is not a human-readable member, or `language` is not a str.
        """
        if not isinstance(language, str):
            raise UsageError(f"language must be a str (a BCP 47 tag), not {language!r}")
        values = self.localized(member)
        wanted = language.lower()
        for tag, value in values.items():
            if tag and tag.lower() == wanted:
                return value
        return values.get("")
