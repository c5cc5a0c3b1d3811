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

from rfcauth._asm import AuthorizationServerMetadata
from rfcauth._jsonload import MAX_DEPTH
from rfcauth._jws import jws_problem
from rfcauth._members import (
    ASM_MEMBERS,
    ASM_SIGNING_ALG_LISTS,
    BOOL,
    ISSUER,
    ISSUERS,
    JWS,
    LOCALIZABLE,
    PRM_MEMBERS,
    RESOURCE,
    RESOURCES,
    STRING,
    STRINGS,
    URL,
    URL_HTTPS,
    URL_MAP,
)
from rfcauth._prm import ProtectedResourceMetadata
from rfcauth._uri_syntax import (
    FAST_HTTPS_URL,
    FAST_ISSUER,
    FAST_RESOURCE,
    FAST_URL,
    absolute_url_problem,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from rfcauth._model_base import MetadataModel

__all__ = ["fast_asm", "fast_prm"]

_M = TypeVar("_M", bound="MetadataModel")

# Fallback duplicate bound (text with a backslash): every member name is a string followed by
# optional whitespace and ":", and no other ":" follows a closing quote that way except inside
# a string, so the number of matches bounds the number of names from above.
_NAME_BOUND_BYTES: Final = re.compile(rb'"[ \t\n\r]*:')
_NAME_BOUND_TEXT: Final = re.compile(r'"[ \t\n\r]*:')
_DEFAULT_GRANT_TYPES: Final = ("authorization_code", "implicit")
_JWT_AUTH_METHODS: Final = frozenset({"private_key_jwt", "client_secret_jwt"})
# RFC 8414 §2: (alg list, auth methods list) per endpoint
_ALG_LISTS: Final = tuple(
    (f"{prefix}_auth_signing_alg_values_supported", f"{prefix}_auth_methods_supported")
    for prefix in ASM_SIGNING_ALG_LISTS
)


def _whole(pattern: re.Pattern[str]) -> str:
    return f"^(?:{pattern.pattern})$"


def _string(pattern: re.Pattern[str] | None = None) -> cs.CoreSchema:
    if pattern is None:
        return cs.str_schema(strict=True)
    return cs.str_schema(strict=True, pattern=_whole(pattern))


def _strings(item: cs.CoreSchema, *, min_length: int = 1, strict: bool = True) -> cs.CoreSchema:
    return cs.tuple_schema([item], variadic_item_index=0, min_length=min_length, strict=strict)


def _kind_schema(kind: str, *, containers_strict: bool = True) -> cs.CoreSchema:
    """The fast shape of one member kind (`_members`), never null.

    Arrays and objects are strict for JSON input; for already-decoded values (the second
    validator) they are lax so that a list becomes the model's tuple. Strings and booleans are
    strict in both: ``"true"`` is not ``true``.
    """
    strict = containers_strict
    schemas: dict[str, cs.CoreSchema] = {
        ISSUER: _string(FAST_ISSUER),
        ISSUERS: _strings(_string(FAST_ISSUER), strict=strict),
        RESOURCE: _string(FAST_RESOURCE),
        RESOURCES: _strings(_string(FAST_RESOURCE), strict=strict),
        URL: _string(FAST_URL),
        URL_HTTPS: _string(FAST_HTTPS_URL),
        URL_MAP: cs.dict_schema(_string(), _string(FAST_URL), strict=strict),
        STRING: _string(),
        STRINGS: _strings(_string(), strict=strict),
        BOOL: cs.bool_schema(strict=True),
        JWS: _string(),
    }
    return schemas[kind]


# Kinds whose value is one string / an array of strings (the string count of the duplicate proof).
_ONE_STRING: Final = frozenset({ISSUER, RESOURCE, URL, URL_HTTPS, STRING, JWS})
_STRING_ARRAY: Final = frozenset({ISSUERS, RESOURCES, STRINGS})

# The AS metadata members most documents carry (RFC 8414 §2 and the few registry / OpenID
# members seen in nearly every real document). pydantic-core looks every declared field up in
# the JSON object, so declaring all 70-odd members costs more than validating the rare ones
# separately: those arrive in the first validator's extras and go through the second.
_RFC8414_SECTION_2: Final = tuple(ASM_MEMBERS)[: tuple(ASM_MEMBERS).index("signed_metadata") + 1]
_ASM_PRIMARY: Final = frozenset(
    (
        *_RFC8414_SECTION_2,
        "device_authorization_endpoint",
        "authorization_response_iss_parameter_supported",
        "client_id_metadata_document_supported",
        "userinfo_endpoint",
        "end_session_endpoint",
        "subject_types_supported",
        "id_token_signing_alg_values_supported",
        "claims_supported",
    )
)
# Longer documents (OpenID providers: Keycloak, Auth0) carry many of the other members: for them
# the schema that declares every member is the cheaper one.
_LONG_TEXT: Final = 2048


class _Plan:
    """What the fast path needs to know about one model, computed once per class."""

    __slots__ = (
        "array_names",
        "defaults",
        "full",
        "has_map",
        "model",
        "other_names",
        "others",
        "string_names",
        "validator",
    )

    def __init__(
        self,
        model: type[MetadataModel],
        kinds: Mapping[str, str],
        *,
        required: tuple[str, ...],
        primary: frozenset[str] | None = None,
        may_be_empty: tuple[str, ...] = (),
    ) -> None:
        names = tuple(model.__pydantic_fields__)  # the model's order, so __dict__ matches it
        if set(names) != set(kinds):  # pragma: no cover - a test checks models against tables
            msg = f"{model.__name__} fields differ from the member table"
            raise AssertionError(msg)
        config = cs.CoreConfig(extra_fields_behavior="allow", hide_input_in_errors=True)
        validators = []
        subsets = (names,) if primary is None else (names, [n for n in names if n in primary])
        for declared in subsets:
            fields: dict[str, cs.ModelField] = {}
            for name in declared:
                schema = self._schema(kinds[name], empty=name in may_be_empty, strict=True)
                if name not in required:
                    schema = cs.with_default_schema(schema, default=None)
                fields[name] = cs.model_field(schema)
            validators.append(
                SchemaValidator(
                    cs.model_fields_schema(fields, extra_behavior="allow"), config=config
                )
            )
        self.model = model
        self.full, self.validator = validators[0], validators[-1]
        rest = {
            n: cs.typed_dict_field(
                self._schema(kinds[n], empty=n in may_be_empty, strict=False), required=False
            )
            for n in names
            if primary is not None and n not in primary
        }
        self.other_names = frozenset(rest)
        self.others = SchemaValidator(
            cs.typed_dict_schema(rest, total=False, extra_behavior="forbid"),
            config=cs.CoreConfig(hide_input_in_errors=True),
        )
        self.defaults = dict.fromkeys(names)
        self.string_names = frozenset(n for n in names if kinds[n] in _ONE_STRING)
        self.array_names = frozenset(n for n in names if kinds[n] in _STRING_ARRAY)
        self.has_map = "mtls_endpoint_aliases" in names
        if self.has_map and kinds["mtls_endpoint_aliases"] != URL_MAP:  # pragma: no cover
            msg = "mtls_endpoint_aliases is expected to be the only URL map"
            raise AssertionError(msg)

    @staticmethod
    def _schema(kind: str, *, empty: bool, strict: bool) -> cs.CoreSchema:
        if empty:  # RFC 9728 §2: bearer_methods_supported may be []
            return _strings(_string(), min_length=0, strict=strict)
        return _kind_schema(kind, containers_strict=strict)


_ASM_PLAN: Final = _Plan(
    AuthorizationServerMetadata,
    ASM_MEMBERS,
    required=("issuer", "response_types_supported"),
    primary=_ASM_PRIMARY,
)
_PRM_PLAN: Final = _Plan(
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


def _unusual(
    plan: _Plan,
    data: bytes | str,
    decoded: tuple[dict[str, Any], dict[str, object], set[str]],
    quotes: int,
) -> tuple[dict[str, Any], dict[str, object]] | None:
    """(`__dict__`, extras) of a document with unknown members, a URL map or an escape.

    Validates the known members the first schema does not declare, then proves that no name
    repeats, counting the names and strings inside nested values too.
    """
    values, extra, received = decoded
    try:
        others = plan.other_names.intersection(extra)
        if others:  # known members the first schema does not declare
            checked = plan.others.validate_python({n: extra[n] for n in others})
            values = {**values, **checked}
            extra = {n: v for n, v in extra.items() if n not in others}
    except ValidationError:
        return None
    if len(values) != len(plan.defaults):
        values = {**plan.defaults, **values}
    counts = [len(received), len(received) + len(plan.string_names.intersection(received))]
    arrays = plan.array_names.intersection(received)
    if arrays:
        counts[1] += sum(map(len, map(values.__getitem__, arrays)))
    if plan.has_map:
        aliases = values["mtls_endpoint_aliases"]
        if aliases is not None:
            counts[0] += len(aliases)
            counts[1] += 2 * len(aliases)
    if extra and not _extra_counts(extra, counts):
        return None
    repeats = _name_bound(data) != counts[0] if quotes < 0 else quotes != 2 * counts[1]
    return None if repeats else (values, extra)


def _decode(  # noqa: C901 - inline on purpose: on a short document each call costs ~2%
    plan: _Plan, data: bytes | str, max_size: int
) -> tuple[dict[str, Any], dict[str, object], set[str]] | None:
    """(`__dict__`, extras, members received) if the schemas accept `data`, else `None`.

    `None` too when `data` is over `max_size` (4 bytes per code point at most for text: the
    slow path measures exactly) or a member name repeats. The common case (no unknown member,
    no URL map, no escape) is inline: the strings of the decoded document are its names, its
    string members and its array items. The values are typed `Any` because the schema, not
    the type checker, has checked them.
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
        decoded = (plan.full if len(data) > _LONG_TEXT else plan.validator).validate_json(data)
    except ValidationError:
        return None
    values, extra, received = decoded
    if extra or quotes < 0 or values.get("mtls_endpoint_aliases") is not None:
        unusual = _unusual(plan, data, decoded, quotes)
        return None if unusual is None else (*unusual, received)
    strings = len(received)
    for name in received:
        value = values[name]
        if type(value) is tuple:
            strings += len(value)
        elif type(value) is str:
            strings += 1
    if quotes != 2 * strings:
        return None
    if len(values) != len(plan.defaults):
        values = {**plan.defaults, **values}
    return values, extra, received


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
    decoded = _decode(_ASM_PLAN, data, max_size)
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
    return _build(AuthorizationServerMetadata, *decoded)


def _tagged_problem(extra: dict[str, object]) -> bool:
    """True when an RFC 9728 §2.1 language-tagged member (``resource_name#ja``) would fail."""
    for name, value in extra.items():
        base = name.partition("#")[0]
        if base in LOCALIZABLE and base != name:
            if not isinstance(value, str):
                return True
            if PRM_MEMBERS[base] != STRING and absolute_url_problem(value) is not None:
                return True
    return False


def fast_prm(
    data: bytes | str, expected_resource: str | None, max_size: int
) -> ProtectedResourceMetadata | None:
    """The model when `data` is a strictly valid RFC 9728 document; `None` when in doubt."""
    decoded = _decode(_PRM_PLAN, data, max_size)
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
