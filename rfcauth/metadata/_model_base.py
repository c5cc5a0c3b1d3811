"""What both metadata models share: frozen pydantic config, field types, lossless extras.

The field types carry the common, valid shape of each URL member as a pattern (the `_uri_syntax`
fast shapes) that pydantic-core checks in compiled code. The parse functions do not validate
through these models: their fast path (`_fastpath`) uses a schema of its own built from the
same member table and shapes (null members refused), and everything else goes through the rule
engine (`_checks`), the reference, which reports every violation, applies the tolerances, and
builds the model from checked values without validating again (`_from_checked`). A property
test checks that the fast path never accepts a document the rule engine rejects or tolerates.

Direct construction (``AuthorizationServerMetadata(...)``, ``model_validate``) checks JSON types
and these shapes only, not the cross-member rules: use the parse functions for untrusted data.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Annotated, ClassVar, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    PrivateAttr,
    Strict,
    StringConstraints,
)
from pydantic_core import core_schema as cs

from rfcauth._violation import Violation  # noqa: TC001 - pydantic resolves the annotation
from rfcauth.grammar._uri import FAST_HTTPS_URL, FAST_ISSUER, FAST_RESOURCE, FAST_URL, whole

if TYPE_CHECKING:
    from collections.abc import Iterator

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
    "UrlMap",
]

Str = Annotated[str, Strict()]
Bool = Annotated[bool, Strict()]


# an absolute http(s) URL, exactly as received
Url = Annotated[str, Strict(), StringConstraints(pattern=whole(FAST_URL))]
# an absolute https URL
HttpsUrl = Annotated[str, Strict(), StringConstraints(pattern=whole(FAST_HTTPS_URL))]
# RFC 8414 §2 issuer identifier: https, no query, no fragment
Issuer = Annotated[str, Strict(), StringConstraints(pattern=whole(FAST_ISSUER))]
# RFC 9728 §1.2 resource identifier: https, no fragment
Resource = Annotated[str, Strict(), StringConstraints(pattern=whole(FAST_RESOURCE))]


class UrlMap(Mapping[str, str]):
    """A read-only, hashable name → URL map (RFC 8705 §5 ``mtls_endpoint_aliases``).

    A frozen model's members never change: arrays are tuples and this map is immutable, so a
    model can be shared and hashed. It equals any mapping with the same items.
    """

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, str]) -> None:
        self._items = dict(items)

    def __getitem__(self, key: str) -> str:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(frozenset(self._items.items()))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and self._items == dict(other.items())

    def __repr__(self) -> str:
        return f"UrlMap({self._items!r})"

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: object, handler: GetCoreSchemaHandler
    ) -> cs.CoreSchema:
        return cs.no_info_after_validator_function(
            cls,
            handler.generate_schema(dict[Str, Url]),
            serialization=cs.plain_serializer_function_ser_schema(dict, when_used="always"),
        )


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
        object.__setattr__(instance, "__pydantic_fields_set__", {*fields, *extra})
        object.__setattr__(instance, "__pydantic_extra__", extra)
        object.__setattr__(instance, "__pydantic_private__", {"_warnings": warnings})
        return instance


_DEFAULTS: dict[type[MetadataModel], dict[str, object]] = {}
