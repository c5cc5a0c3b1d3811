"""What both metadata models share: frozen pydantic config, field types, lossless extras.

The models are the *result* of the parse functions, which apply every rule (`_checks`) and then
build the model without validating twice. Direct construction (``AuthorizationServerMetadata(
...)``, ``model_validate``) checks JSON types only (strict: ``"true"`` is not ``true``; arrays
of strings are non-empty), not URL syntax or the cross-member rules: use the parse functions
for untrusted data. The aliases below name what each member holds, for readers and for the
JSON Schema export.
"""

from __future__ import annotations

import json
from types import MappingProxyType
from typing import TYPE_CHECKING, Annotated, ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, Strict

from rfcauth._errors import Violation  # noqa: TC001 - pydantic resolves the annotation

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "Bool",
    "HttpsUrl",
    "Issuer",
    "Issuers",
    "MetadataModel",
    "Resource",
    "Resources",
    "Str",
    "Strs",
    "StrsMaybeEmpty",
    "Url",
]

Str = Annotated[str, Strict()]
Bool = Annotated[bool, Strict()]
Url = Str  # an absolute URL (RFC 3986 §4.3), exactly as received
HttpsUrl = Str  # an absolute https URL
Issuer = Str  # RFC 8414 §2 issuer identifier: https, no query, no fragment
Resource = Str  # RFC 9728 §1.2 resource identifier: https, no fragment
Strs = Annotated[tuple[Str, ...], Field(min_length=1)]
StrsMaybeEmpty = tuple[Str, ...]
Issuers = Annotated[tuple[Issuer, ...], Field(min_length=1)]
Resources = Annotated[tuple[Resource, ...], Field(min_length=1)]


class MetadataModel(BaseModel):
    """Base of the metadata models: frozen, strict scalar types, unknown members kept."""

    model_config = ConfigDict(frozen=True, extra="allow", hide_input_in_errors=True)

    _kind: ClassVar[str]
    _warnings: tuple[Violation, ...] = PrivateAttr(default=())

    @property
    def warnings(self) -> tuple[Violation, ...]:
        """Tolerances used with ``strict=False`` (always empty for ``strict=True``)."""
        return self._warnings

    @property
    def extra(self) -> Mapping[str, object]:
        """Members this model does not define, exactly as received (RFC 9728 §3.2)."""
        return MappingProxyType(self.model_extra or {})

    def to_dict(self) -> dict[str, object]:
        """The document as JSON values: every member received, unknown ones included."""
        return self.model_dump(mode="json", exclude_unset=True)

    def to_json(self) -> str:
        """The document as compact JSON text; parsing it gives an equal model."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def _from_checked(
        cls,
        fields: dict[str, object],
        extra: dict[str, object],
        warnings: tuple[Violation, ...],
    ) -> Self:
        """Build from values the rule engine has checked, without validating them again.

        The same result as ``model_construct`` (fields in declaration order, absent ones
        `None`, `model_fields_set` = the members received, unknown members in extras), at a
        fraction of its cost.
        """
        defaults = _DEFAULTS.get(cls)
        if defaults is None:
            defaults = _DEFAULTS[cls] = dict.fromkeys(cls.__pydantic_fields__)
        values = defaults.copy()
        values.update(fields)
        instance = cls.__new__(cls)
        object.__setattr__(instance, "__dict__", values)
        object.__setattr__(instance, "__pydantic_fields_set__", set(fields))
        object.__setattr__(instance, "__pydantic_extra__", extra)
        object.__setattr__(instance, "__pydantic_private__", {"_warnings": warnings})
        return instance


_DEFAULTS: dict[type[MetadataModel], dict[str, object]] = {}
