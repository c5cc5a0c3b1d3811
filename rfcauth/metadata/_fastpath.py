"""The fast path: accept a common, valid metadata document in one compiled pass plus a few checks.

Theory of operation. pydantic-core parses the JSON text and checks every known member in
compiled code against a schema built from the member table (`_members`): strict JSON types,
non-empty arrays, the common URL shapes of `_uri_syntax`, required members present, and *no
null* (a null member is a finding of the rule engine, so it must not validate here). The output
is the model's ``__dict__``, its extras and the set of members received, from which the model is
built directly (no second validation, no ``model_post_init``).

Python then checks only what a schema cannot say:

- no repeated member name anywhere (RFC 8259 §4; the rule engine reports them). When the text
  has no backslash, every ``"`` delimits a string, so the text holds ``count('"') / 2`` strings;
  the validated values say how many strings survived decoding (names, string values, array
  items). A repeated name loses at least its own string, so equal counts prove there is none.
  With a backslash, an upper bound on the member names (a ``"`` then ``:``) is used instead;
- nesting depth and non-JSON numbers inside unknown members;
- the cross-member rules (RFC 8414 §2 endpoints and alg lists, ``none`` bans,
  ``signed_metadata``, RFC 9728 §2.1 language-tagged members) and identity (§3.3).

Anything in doubt returns `None` and the caller runs the rule engine, which is the reference:
the fast path never rejects a document, never applies a tolerance, and never accepts what the
rule engine rejects (tests/test_metadata_fastpath.py checks that on generated documents).
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any, Final, TypeVar

from pydantic import BaseModel
from pydantic_core import SchemaValidator, ValidationError
from pydantic_core import core_schema as cs

from rfcauth.grammar._abnf import SCOPE_TOKEN
from rfcauth.grammar._uri import (
    FAST_HTTPS_URL,
    FAST_ISSUER,
    FAST_RESOURCE,
    FAST_URL,
    absolute_url_problem,
    whole,
)
from rfcauth.metadata._asm import AuthorizationServerMetadata
from rfcauth.metadata._jsonload import MAX_DEPTH
from rfcauth.metadata._jws import jws_problem
from rfcauth.metadata._members import (
    ASM_MEMBERS,
    ASM_SIGNING_ALG_LISTS,
    BOOL,
    ISSUER,
    ISSUERS,
    JWS,
    PRM_MEMBERS,
    RESOURCE,
    RESOURCES,
    SCOPES,
    STRING,
    STRINGS,
    URL,
    URL_HTTPS,
    URL_MAP,
    translated_member,
)
from rfcauth.metadata._model_base import UrlMap
from rfcauth.metadata._prm import ProtectedResourceMetadata

if TYPE_CHECKING:
    from collections.abc import Mapping

    from rfcauth.metadata._model_base import MetadataModel

__all__ = ["fast_asm", "fast_prm"]

_M = TypeVar("_M", bound="MetadataModel")

# Fallback duplicate bound (text with a backslash): every member name is a string followed by
# optional whitespace and ":", and no other ":" follows a closing quote that way except inside
# a string, so the number of matches bounds the number of names from above.
_NAME_BOUND_BYTES: Final = re.compile(rb'"[ \t\n\r]*:')
_NAME_BOUND_TEXT: Final = re.compile(r'"[ \t\n\r]*:')
_JWT_AUTH_METHODS: Final = frozenset({"private_key_jwt", "client_secret_jwt"})
# RFC 8414 §2: (alg list, auth methods list) per endpoint
_ALG_LISTS: Final = tuple(
    (f"{prefix}_auth_signing_alg_values_supported", f"{prefix}_auth_methods_supported")
    for prefix in ASM_SIGNING_ALG_LISTS
)


def _string(pattern: re.Pattern[str] | None = None) -> cs.CoreSchema:
    if pattern is None:
        return cs.str_schema(strict=True)
    return cs.str_schema(strict=True, pattern=whole(pattern))


def _strings(item: cs.CoreSchema, *, min_length: int = 1) -> cs.CoreSchema:
    return cs.tuple_schema([item], variadic_item_index=0, min_length=min_length, strict=True)


def _kind_schema(kind: str) -> cs.CoreSchema:
    """The fast shape of one member kind (`_members`) for JSON input, never null.

    Everything is strict: ``"true"`` is not ``true``, a string is not an array.
    """
    schemas: dict[str, cs.CoreSchema] = {
        ISSUER: _string(FAST_ISSUER),
        ISSUERS: _strings(_string(FAST_ISSUER)),
        RESOURCE: _string(FAST_RESOURCE),
        RESOURCES: _strings(_string(FAST_RESOURCE)),
        URL: _string(FAST_URL),
        URL_HTTPS: _string(FAST_HTTPS_URL),
        URL_MAP: cs.dict_schema(_string(), _string(FAST_URL), strict=True),
        STRING: _string(),
        STRINGS: _strings(_string()),
        SCOPES: _strings(cs.str_schema(strict=True, pattern=f"^(?:{SCOPE_TOKEN})$")),
        BOOL: cs.bool_schema(strict=True),
        JWS: _string(),
    }
    return schemas[kind]


def _validator(
    model: type[MetadataModel],
    kinds: Mapping[str, str],
    *,
    required: tuple[str, ...],
    may_be_empty: tuple[str, ...] = (),
) -> SchemaValidator:
    """The fast schema of one model: every member declared, absent ones `None`.

    A schema that declares only the common members and a second pass for the rare ones was
    measured faster on one short document timed alone, but not over the benchmark corpus
    (documents one after another), and it took a merge step and a second validator
    (benchmarks/README.md).
    """
    names = tuple(model.__pydantic_fields__)  # the model's order, so __dict__ matches it
    if set(names) != set(kinds):  # pragma: no cover - a test checks models against tables
        msg = f"{model.__name__} fields differ from the member table"
        raise AssertionError(msg)
    fields: dict[str, cs.ModelField] = {}
    for name in names:
        if name in may_be_empty:  # RFC 9728 §2: bearer_methods_supported may be []
            schema = _strings(_string(), min_length=0)
        else:
            schema = _kind_schema(kinds[name])
        if name not in required:
            schema = cs.with_default_schema(schema, default=None)
        fields[name] = cs.model_field(schema)
    return SchemaValidator(
        cs.model_fields_schema(fields, extra_behavior="allow"),
        config=cs.CoreConfig(extra_fields_behavior="allow", hide_input_in_errors=True),
    )


_ASM_VALIDATOR: Final = _validator(
    AuthorizationServerMetadata, ASM_MEMBERS, required=("issuer", "response_types_supported")
)
_PRM_VALIDATOR: Final = _validator(
    ProtectedResourceMetadata,
    PRM_MEMBERS,
    required=("resource",),
    may_be_empty=("bearer_methods_supported",),
)


def _nested(value: object, depth: int, counts: list[int]) -> bool:
    """Add the member names and strings inside `value` to `counts`; False if not plain JSON.

    False when the nesting exceeds `MAX_DEPTH` or a number is not finite (``NaN`` and
    ``Infinity`` are not JSON, RFC 8259 §6; pydantic-core reads them anyway).
    """
    if depth > MAX_DEPTH:
        return False
    if type(value) is str:
        counts[1] += 1
        return True
    if type(value) is dict:
        counts[0] += len(value)
        counts[1] += len(value)
        children: object = value.values()
    elif type(value) is list:
        children = value
    elif type(value) is float:
        return math.isfinite(value)
    else:
        return True
    return all(_nested(child, depth + 1, counts) for child in children)  # type: ignore[attr-defined]


def _extra_counts(extra: dict[str, object], counts: list[int]) -> bool:
    """`_nested` over the unknown members, with the common flat shapes counted inline."""
    for value in extra.values():
        kind = type(value)
        if kind is str:
            counts[1] += 1
        elif kind is list:
            try:
                "".join(value)  # type: ignore[arg-type] # C-speed "every item is a str"
            except TypeError:
                if not _nested(value, 2, counts):
                    return False
            else:
                counts[1] += len(value)  # type: ignore[arg-type]
        elif (kind is dict or kind is float) and not _nested(value, 2, counts):
            return False
    return True


def _name_bound(data: bytes | str) -> int:
    """An upper bound on the member names in JSON text `data` (see `_NAME_BOUND_BYTES`)."""
    if isinstance(data, bytes):
        if b" :" in data or b"\n:" in data or b"\t:" in data or b"\r:" in data:
            return len(_NAME_BOUND_BYTES.findall(data))  # whitespace before a colon
        return data.count(b'":')
    if " :" in data or "\n:" in data or "\t:" in data or "\r:" in data:
        return len(_NAME_BOUND_TEXT.findall(data))
    return data.count('":')


_ESCAPED: Final = -1  # the quote count of a text with a backslash: a quote may be escaped


def _may_repeat(
    data: bytes | str,
    decoded: tuple[dict[str, Any], dict[str, object], set[str]],
    strings: int,
    quotes: int,
) -> bool:
    """False when provably no member name repeats (unknown members, a URL map or an escape).

    `strings` counts the names and the known members' strings; the names and strings inside
    the URL map and the unknown members are added here, and with an escape the bound on the
    names in the text (`_name_bound`) replaces the quote count.
    """
    values, extra, received = decoded
    counts = [len(received), strings]
    aliases = values.get("mtls_endpoint_aliases")
    if aliases is not None:
        counts[0] += len(aliases)
        counts[1] += 2 * len(aliases)
    if extra and not _extra_counts(extra, counts):
        return True
    return _name_bound(data) != counts[0] if quotes < 0 else quotes != 2 * counts[1]


def _decode(
    validator: SchemaValidator, data: bytes | str, max_size: int
) -> tuple[dict[str, Any], dict[str, object], set[str]] | None:
    """(`__dict__`, extras, members received) if the schema accepts `data`, else `None`.

    `None` too when `data` is over `max_size` (4 bytes per code point at most for text: the
    slow path measures exactly) or a member name repeats. The strings of the decoded document
    are its names, its string members and its array items (plus what `_may_repeat` counts in
    the unusual cases). The values are typed `Any` because the schema, not the type checker,
    has checked them.
    """
    if type(data) is bytes:
        if len(data) > max_size:
            return None
        quotes = _ESCAPED if b"\\" in data else data.count(b'"')
    else:
        if len(data) * 4 > max_size:
            return None
        quotes = _ESCAPED if "\\" in data else data.count('"')  # type: ignore[arg-type]
    try:
        decoded = validator.validate_json(data)
    except ValidationError:
        return None
    values, extra, received = decoded
    strings = len(received)
    for name in received.difference(extra) if extra else received:
        value = values[name]
        if type(value) is tuple:
            strings += len(value)
        elif type(value) is str:
            strings += 1
    if extra or quotes < 0 or values.get("mtls_endpoint_aliases") is not None:
        return None if _may_repeat(data, decoded, strings, quotes) else decoded
    return decoded if quotes == 2 * strings else None


# Direct slot and attribute setters: what `MetadataModel._from_checked` does, at half the cost.
_new = object.__new__
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def _build(
    model: type[_M], values: dict[str, Any], extra: dict[str, object], received: set[str]
) -> _M:
    """The model from values the schema has checked (the same state as `_from_checked`)."""
    instance: _M = _new(model)
    _set_dict(instance, values)
    _set_fields_set(instance, received)
    _set_extra(instance, extra)
    _set_private(instance, {"_warnings": ()})
    return instance


def fast_asm(  # noqa: C901, PLR0911 - one early "decline" per rule, inline on purpose
    data: bytes | str, expected_issuer: str | None, max_size: int
) -> AuthorizationServerMetadata | None:
    """The model when `data` is a strictly valid RFC 8414 document; `None` when in doubt."""
    decoded = _decode(_ASM_VALIDATOR, data, max_size)
    if decoded is None:
        return None
    values = decoded[0]
    if expected_issuer is not None and values["issuer"] != expected_issuer:
        return None  # RFC 8414 §3.3
    # RFC 8414 §2: the endpoints the grant types need (default: authorization_code, implicit)
    grants = values["grant_types_supported"]
    if grants is None:
        if values["authorization_endpoint"] is None or values["token_endpoint"] is None:
            return None
    elif (
        values["authorization_endpoint"] is None
        and ("authorization_code" in grants or "implicit" in grants)
    ) or (values["token_endpoint"] is None and any(grant != "implicit" for grant in grants)):
        return None
    # RFC 8414 §2: the *_jwt methods need the alg list; the alg lists never hold "none"
    for algs_name, methods_name in _ALG_LISTS:
        algs = values[algs_name]
        if algs is None:
            methods = values[methods_name]
            if methods is not None and not _JWT_AUTH_METHODS.isdisjoint(methods):
                return None
        elif "none" in algs:
            return None
    signed = values["signed_metadata"]
    if signed is not None and jws_problem(signed) is not None:
        return None
    aliases = values["mtls_endpoint_aliases"]
    if aliases is not None:
        values["mtls_endpoint_aliases"] = UrlMap(aliases)
    return _build(AuthorizationServerMetadata, *decoded)


def _tagged_problem(extra: dict[str, object]) -> bool:
    """True when an RFC 9728 §2.1 language-tagged member (``resource_name#ja``) would fail."""
    translations = set()
    for name, value in extra.items():
        base = translated_member(name)
        if base is not None:
            if name.lower() in translations:
                return True  # RFC 5646 §2.1.1: #de and #DE are one member
            translations.add(name.lower())
            if not isinstance(value, str):
                return True
            if PRM_MEMBERS[base] != STRING and absolute_url_problem(value) is not None:
                return True
    return False


def fast_prm(
    data: bytes | str, expected_resource: str | None, max_size: int
) -> ProtectedResourceMetadata | None:
    """The model when `data` is a strictly valid RFC 9728 document; `None` when in doubt."""
    decoded = _decode(_PRM_VALIDATOR, data, max_size)
    if decoded is None:
        return None
    values, extra, _ = decoded
    algs = values["resource_signing_alg_values_supported"]
    if (
        (expected_resource is not None and values["resource"] != expected_resource)
        or (algs is not None and "none" in algs)
        or (values["signed_metadata"] is not None and jws_problem(values["signed_metadata"]))
        or (extra and _tagged_problem(extra))
    ):
        return None
    return _build(ProtectedResourceMetadata, *decoded)
