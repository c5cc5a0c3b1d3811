"""What both metadata models share: frozen pydantic config, lossless extras, warnings.

Direct construction (``AuthorizationServerMetadata(...)``, ``.model_validate(...)``) runs the
same strict RFC rules as the parse functions and raises pydantic's ``ValidationError`` listing
them; the parse functions run the rules themselves and build the model in a trusted context so
that the checks are not repeated.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Final

from pydantic import BaseModel, ConfigDict, PrivateAttr, Strict, ValidationInfo, model_validator

from rfcauth._errors import MetadataError, Violation

if TYPE_CHECKING:
    from rfcauth._checks import Findings

__all__ = ["TRUSTED", "MetadataModel", "Str", "Strs"]

#: Validation context the parse functions pass once they have applied every rule.
TRUSTED: Final = {"rfcauth_rules_applied": True}

Str = Annotated[str, Strict()]
Strs = tuple[Annotated[str, Strict()], ...]


class MetadataModel(BaseModel):
    """Base of the metadata models: frozen, strict scalar types, unknown members kept."""

    model_config = ConfigDict(
        frozen=True,
        extra="allow",
        revalidate_instances="never",
        ser_json_inf_nan="strings",
        hide_input_in_errors=True,
    )

    _kind: ClassVar[str]
    _warnings: tuple[Violation, ...] = PrivateAttr(default=())

    @classmethod
    def _check(cls, members: Mapping[str, object]) -> Findings:  # pragma: no cover - abstract
        raise NotImplementedError

    @model_validator(mode="before")
    @classmethod
    def _apply_rules(cls, data: Any, info: ValidationInfo) -> Any:  # noqa: ANN401 - pydantic hook
        if info.context is TRUSTED or not isinstance(data, Mapping):
            return data
        findings = cls._check(data)
        if findings.errors:
            raise ValueError(str(MetadataError(findings.errors, kind=cls._kind)))
        return data

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
