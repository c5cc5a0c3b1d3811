"""Turn untrusted bytes, text or a mapping into one JSON object, within firm limits.

Theory of operation: the size cap is checked before anything is decoded, UTF-8 is decoded
strictly (RFC 8259 §8.1), the C JSON scanner does the parsing with a hook that notices duplicate
member names (RFC 8259 §4: "The names within an object SHOULD be unique"; parsers disagree on
which one wins), non-JSON constants (``NaN``, ``Infinity``) are refused, and nesting deeper than
`MAX_DEPTH` is refused. Every failure is a `MetadataError`; nothing else escapes, and the work is
linear in the input size.

Two limits keep every accepted document representable, so that the model's ``to_json()`` gives
back what was received (RFC 8259 §6 and §8.2 leave both to the implementation): a string may not
hold an unpaired surrogate (``"\ud800"`` is valid JSON syntax but not Unicode, so it has no
UTF-8 form; RFC 7493 §2.1 forbids it), and a number must fit a double (``1e999``) and have at
most `MAX_INT_DIGITS` digits.

The walks that report findings inside the document (repeated names, unpaired surrogates, a
mapping's non-JSON values) carry each node's path as a linked pair and spell out its JSON
Pointer only for what they report, and they list at most `MAX_LISTED` findings, then a count:
a long member name above many findings would otherwise cost its length once per finding.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, NoReturn, TypeAlias

from rfcauth._errors import MetadataError, UsageError
from rfcauth._violation import Violation

__all__ = [
    "DEFAULT_MAX_SIZE",
    "MAX_DEPTH",
    "LoadedDocument",
    "load_document",
    "pointer",
]

#: Default cap on a metadata document, in bytes (UTF-8): 512 KiB.
DEFAULT_MAX_SIZE: Final = 512 * 1024

#: Deepest nesting accepted; real metadata documents nest two or three levels.
MAX_DEPTH: Final = 64

#: Longest integer accepted, in digits (CPython's own cap on converting a decimal string).
MAX_INT_DIGITS: Final = 4300
_INT_LIMIT: Final = 10**MAX_INT_DIGITS

#: Most findings of one kind the loader lists; the rest are counted in one last finding.
MAX_LISTED: Final = 100

_SURROGATE: Final = re.compile("[\ud800-\udfff]")
# A \u escape of a surrogate (U+D800 to U+DFFF) in JSON text; paired ones decode to one code point.
_ESCAPED_SURROGATE: Final = re.compile(r"\\u[Dd][89A-Fa-f]")
_UNPAIRED: Final = "holds an unpaired surrogate, which is not Unicode and has no UTF-8 form"


def pointer(*tokens: str | int) -> str:
    """An RFC 6901 JSON Pointer to `tokens` (``~`` → ``~0``, ``/`` → ``~1``)."""
    return "".join("/" + str(t).replace("~", "~0").replace("/", "~1") for t in tokens)


@dataclass(frozen=True, slots=True, kw_only=True)
class LoadedDocument:
    """The decoded top-level object and the duplicate names found anywhere in it."""

    members: dict[str, object]
    duplicates: tuple[Violation, ...]  # repeated names (RFC 8259 §4), `MAX_LISTED` at most
    # values that are JSON syntax but have no faithful form (unpaired surrogates; a mapping's
    # non-JSON values), listed with the rule findings rather than instead of them
    problems: tuple[Violation, ...] = ()


class _DuplicateMarkedDict(dict[str, object]):
    """A decoded object that had repeated names; `repeated` maps name → all its values."""

    __slots__ = ("repeated",)

    repeated: dict[str, list[object]]


def _fail(code: str, message: str, *, kind: str, section: str, location: str = "") -> NoReturn:
    violation = Violation(location=location, code=code, section=section, message=message)
    raise MetadataError([violation], kind=kind)


def _too_deep(kind: str) -> NoReturn:
    _fail("too_deep", f"nesting deeper than {MAX_DEPTH} levels", kind=kind, section="rfcauth limit")


def _reject_constant(name: str) -> NoReturn:
    msg = f"{name} is not a JSON value (RFC 8259 §6)"
    raise ValueError(msg)


class _NumberRangeError(ValueError):
    """A JSON number this parser does not represent (RFC 8259 §6 lets it set the range)."""


def _json_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        msg = f"the number {text[:40]} is too large for a double"
        raise _NumberRangeError(msg)
    return value


def _json_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        msg = f"an integer has {len(text.lstrip('-'))} digits; the cap is {MAX_INT_DIGITS}"
        raise _NumberRangeError(msg)
    return int(text)


def load_document(data: object, *, max_size: int, kind: str, section: str) -> LoadedDocument:
    """Decode `data` (bytes, str or Mapping) into a JSON object.

    Raises:
        MetadataError: ``too_large``, ``invalid_encoding``, ``invalid_json``, ``too_deep`` or
            ``not_an_object``, with `section` as the rule that asks for a JSON object.
        UsageError: `data` is of another type, or `max_size` is not a positive int.
    """
    if isinstance(max_size, bool) or not isinstance(max_size, int) or max_size <= 0:
        raise UsageError(f"max_size must be a positive int, not {max_size!r}")
    if isinstance(data, Mapping):
        return _from_mapping(data, kind=kind)
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
        if len(raw) > max_size:
            _fail(
                "too_large",
                f"document is {len(raw)} bytes; the cap is {max_size}",
                kind=kind,
                section="rfcauth limit",
            )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            _fail(
                "invalid_encoding",
                f"not UTF-8: invalid byte at offset {exc.start}",
                kind=kind,
                section="RFC 8259 §8.1",
            )
    elif isinstance(data, str):
        text = data
        if len(text) > max_size or (
            len(text) * 4 > max_size and len(text.encode("utf-8", "surrogatepass")) > max_size
        ):
            _fail(
                "too_large",
                f"document is larger than the cap of {max_size} bytes",
                kind=kind,
                section="rfcauth limit",
            )
        if not text.isascii():
            bad = _SURROGATE.search(text)
            if bad is not None:
                _fail(
                    "unpaired_surrogate",
                    f"the text {_UNPAIRED}: {bad.group()!a} at offset {bad.start()}",
                    kind=kind,
                    section="RFC 8259 §8.2",
                )
    else:
        raise UsageError(f"data must be bytes, str or a Mapping, not {type(data).__name__}")
    return _from_text(text, kind=kind, section=section)


# How many objects with repeated names the shared decoder has seen (ever, in any thread). A
# parse that sees this change walks its own result to find its duplicates; a change caused by
# another thread only costs that (exact) walk, so no lock is needed.
_duplicate_events = [0]


def _pairs_hook(pairs: list[tuple[str, object]]) -> dict[str, object]:
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj
    _duplicate_events[0] += 1
    marked = _DuplicateMarkedDict(obj)
    repeated: dict[str, list[object]] = {}
    for name, value in pairs:
        repeated.setdefault(name, []).append(value)
    marked.repeated = {k: v for k, v in repeated.items() if len(v) > 1}
    return marked


_DECODER: Final = json.JSONDecoder(
    object_pairs_hook=_pairs_hook,
    parse_constant=_reject_constant,
    parse_float=_json_float,
    parse_int=_json_int,
)


def _from_text(text: str, *, kind: str, section: str) -> LoadedDocument:
    events_before = _duplicate_events[0]
    try:
        value = _DECODER.decode(text)
    except RecursionError:
        _too_deep(kind)
    except _NumberRangeError as exc:
        _fail("invalid_json", f"{exc} (rfcauth limit)", kind=kind, section="RFC 8259 §6")
    except ValueError as exc:  # json.JSONDecodeError and the constant hook
        where = (
            f" (line {exc.lineno}, column {exc.colno})"
            if isinstance(exc, json.JSONDecodeError)
            else ""
        )
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        _fail("invalid_json", f"not JSON: {reason}{where}", kind=kind, section="RFC 8259")
    if not isinstance(value, dict):
        _fail(
            "not_an_object",
            f"the document is a JSON {_json_type(value)}, not an object",
            kind=kind,
            section=section,
        )
    if text.count("{") + text.count("[") > MAX_DEPTH:
        _check_depth(value, kind=kind)
    problems: tuple[Violation, ...] = ()
    if "\\u" in text and _ESCAPED_SURROGATE.search(text) is not None:
        problems = _unpaired_surrogates(value)
    if _duplicate_events[0] == events_before:
        return LoadedDocument(members=value, duplicates=(), problems=problems)
    return LoadedDocument(members=value, duplicates=_duplicates(value), problems=problems)


def _check_depth(root: object, *, kind: str) -> None:
    stack: list[tuple[object, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            _too_deep(kind)
        if isinstance(node, dict):
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)


# A node's path from the root: (parent's path, member name or index); None for the root.
_Path: TypeAlias = "tuple[_Path, str | int] | None"


def _where(path: _Path) -> str:
    """The JSON Pointer of `path`."""
    tokens: list[str | int] = []
    while path is not None:
        path, token = path
        tokens.append(token)
    return pointer(*reversed(tokens))


class _Listing:
    """Findings up to `MAX_LISTED`, then one more finding per code that counts the rest."""

    __slots__ = ("more", "violations")

    def __init__(self) -> None:
        self.violations: list[Violation] = []
        self.more: dict[tuple[str, str], int] = {}

    def add(self, path: _Path, code: str, section: str, message: str) -> None:
        if len(self.violations) < MAX_LISTED:
            violation = Violation(
                location=_where(path), code=code, section=section, message=message
            )
            self.violations.append(violation)
        else:
            self.more[code, section] = self.more.get((code, section), 0) + 1

    def all(self, more: str = "findings like the above") -> tuple[Violation, ...]:
        listed = sorted(self.violations, key=lambda v: v.location)
        for (code, section), count in self.more.items():
            message = f"{count} more {more} (only {MAX_LISTED} are listed)"
            listed.append(Violation(location="", code=code, section=section, message=message))
        return tuple(listed)


def _unpaired_surrogates(root: object) -> tuple[Violation, ...]:
    """A finding for each string of `root` (names included) with an unpaired surrogate."""
    listing = _Listing()
    stack: list[tuple[object, _Path]] = [(root, None)]
    while stack:
        node, path = stack.pop()
        if isinstance(node, str):
            _check_string(node, path, "the string", listing)
        elif isinstance(node, dict):
            for name, child in node.items():  # a bad name is reported at its parent
                if _check_string(name, path, "the member name", listing):
                    stack.append((child, (path, name)))
        elif isinstance(node, list):
            stack.extend((child, (path, i)) for i, child in enumerate(node))
    return listing.all()


def _duplicates(root: object) -> tuple[Violation, ...]:
    """A finding for each repeated member name in `root` (RFC 8259 §4)."""
    listing = _Listing()
    stack: list[tuple[object, _Path]] = [(root, None)]
    while stack:
        current, path = stack.pop()
        if isinstance(current, dict):
            if isinstance(current, _DuplicateMarkedDict):
                for name, values in current.repeated.items():
                    first = values[0]
                    same = all(v == first and type(v) is type(first) for v in values)
                    how = "the same value" if same else "different values"
                    message = f"member {name[:80]!r} occurs more than once (with {how})"
                    listing.add((path, name), "duplicate_member", "RFC 8259 §4", message)
            stack.extend((v, (path, k)) for k, v in current.items())
        elif isinstance(current, list):
            stack.extend((v, (path, i)) for i, v in enumerate(current))
    return listing.all(more="member names occur more than once")


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return type(value).__name__


def _from_mapping(data: Mapping[object, object], *, kind: str) -> LoadedDocument:
    """Copy an already-decoded mapping into plain JSON values (tuples become lists)."""
    listing = _Listing()
    members = _convert(data, None, 1, listing, kind=kind)
    if not isinstance(members, dict):  # pragma: no cover - a Mapping converts to a dict
        _fail("not_an_object", "the document is not an object", kind=kind, section="RFC 8259")
    return LoadedDocument(members=members, duplicates=(), problems=listing.all())


def _check_string(value: str, path: _Path, what: str, listing: _Listing) -> bool:
    """False (and a finding) when `value` holds an unpaired surrogate (RFC 8259 §8.2)."""
    if value.isascii() or _SURROGATE.search(value) is None:
        return True
    message = f"{what} {ascii(value)[:80]} {_UNPAIRED}"
    listing.add(path, "unpaired_surrogate", "RFC 8259 §8.2", message)
    return False


def _convert(value: object, path: _Path, depth: int, listing: _Listing, *, kind: str) -> object:
    if depth > MAX_DEPTH:
        _too_deep(kind)
    if value is None or isinstance(value, (str, int, float)):
        _check_scalar(value, path, listing)
        return value
    if isinstance(value, Mapping):
        return _convert_members(value, path, depth, listing, kind=kind)
    if isinstance(value, (list, tuple)):
        return [
            _convert(item, (path, i), depth + 1, listing, kind=kind) for i, item in enumerate(value)
        ]
    listing.add(path, "invalid_json", "RFC 8259", f"a {type(value).__name__} is not a JSON value")
    return value


def _check_scalar(value: object, path: _Path, listing: _Listing) -> None:
    """Add what keeps a scalar from a faithful JSON round trip (RFC 8259 §6, §8.2)."""
    if isinstance(value, str):
        _check_string(value, path, "the string", listing)
    elif isinstance(value, float):
        if not math.isfinite(value):
            listing.add(path, "invalid_json", "RFC 8259 §6", f"{value!r} is not a JSON number")
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _INT_LIMIT:
        message = f"an integer has more than {MAX_INT_DIGITS} digits (rfcauth limit)"
        listing.add(path, "invalid_json", "RFC 8259 §6", message)


def _convert_members(
    value: Mapping[object, object], path: _Path, depth: int, listing: _Listing, *, kind: str
) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, item in value.items():
        if not isinstance(key, str):
            message = f"member name {ascii(key)[:80]} is not a string"
            listing.add(path, "invalid_json", "RFC 8259 §4", message)
        elif _check_string(key, path, "member name", listing):
            out[key] = _convert(item, (path, key), depth + 1, listing, kind=kind)
    return out
