"""Fuzz both metadata parsers: RFC 8414 (authorization server) and RFC 9728 (protected resource).

The input is a response body. Each parser reads it as bytes, as text (when it is UTF-8) and,
when it decodes to a JSON object, as that mapping, in strict and in tolerant mode.

Invariants:
- nothing but `MetadataError` escapes (a `UsageError` would blame the caller for server data);
- a document that parses gives a model that round-trips: parsing ``model.to_json()`` in the
  same mode gives an equal model with the same JSON;
- what the strict parser accepts, the tolerant one accepts too, with no warnings and the same
  model (tolerances only widen);
- bytes, text and the decoded mapping of one document get the same verdict.

Run: ``python tests/fuzz/fuzz_metadata.py [libFuzzer flags] [corpus dirs]``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from fuzzkit import InvariantError, fuzz

from rfcauth import (
    MetadataError,
    parse_authorization_server_metadata,
    parse_protected_resource_metadata,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from rfcauth import AuthorizationServerMetadata, ProtectedResourceMetadata

    Model = AuthorizationServerMetadata | ProtectedResourceMetadata

PARSERS: tuple[Callable[..., Model], ...] = (
    parse_authorization_server_metadata,
    parse_protected_resource_metadata,
)


def _parse(parser: Callable[..., Model], data: object, *, strict: bool) -> Model | None:
    try:
        return parser(data, strict=strict)
    except MetadataError:
        return None


def _check_round_trip(parser: Callable[..., Model], model: Model, *, strict: bool) -> None:
    text = model.to_json()
    try:
        again = parser(text, strict=strict)
    except MetadataError as exc:
        raise InvariantError(f"{parser.__name__}: to_json() does not parse again: {exc}") from exc
    if again != model or again.to_json() != text:
        raise InvariantError(f"{parser.__name__}: to_json() round trip changed {text!r}")


def _forms(data: bytes) -> list[object]:
    forms: list[object] = [data]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return forms
    forms.append(text)
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return forms
    if isinstance(value, dict):
        forms.append(value)
    return forms


def check(data: bytes) -> None:
    """One input: see the module docstring for the invariants."""
    forms = _forms(data)
    for parser in PARSERS:
        for strict in (True, False):
            verdicts = []
            for form in forms:
                model = _parse(parser, form, strict=strict)
                verdicts.append(model is not None)
                if model is not None:
                    _check_round_trip(parser, model, strict=strict)
            # bytes and the same text are one document; a mapping skips the JSON-text checks
            # (duplicate names, surrogates, size), so it may be accepted where the text is not
            if len(verdicts) > 1 and verdicts[0] != verdicts[1]:
                raise InvariantError(f"{parser.__name__}: bytes and text verdicts differ")
        strict_model = _parse(parser, data, strict=True)
        if strict_model is not None:
            tolerant = _parse(parser, data, strict=False)
            if tolerant is None or tolerant.warnings or tolerant != strict_model:
                raise InvariantError(
                    f"{parser.__name__}: the tolerant parse narrows the strict one"
                )


if __name__ == "__main__":
    fuzz(check)
