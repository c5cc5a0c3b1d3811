"""The values a ``WWW-Authenticate`` parse produces (RFC 9110 Section 11)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from rfcauth._errors import UsageError
from rfcauth._frozen import Frozen, set_field

__all__ = ["Challenge", "ChallengeScan", "SkippedChallenge", "Tolerated"]

_NO_PARAMS: Mapping[str, str] = MappingProxyType({})


class Challenge(Frozen):
    """One challenge of a ``WWW-Authenticate`` field (RFC 9110 Section 11.3).

    A challenge carries either a `token68` or `params`, never both.

    Attributes:
        scheme: the auth-scheme exactly as received (compare it with `is_scheme`; schemes are
            case-insensitive, RFC 9110 Section 11.1).
        token68: the token68 form of the challenge's data, or None.
        params: the auth-params, names lower-cased (RFC 9110 Section 11.2 matches them
            case-insensitively), quoted-string values unescaped; read-only, in received order.

    >>> ch = Challenge(scheme="Bearer", params={"Realm": "example"})
    >>> ch.is_scheme("bearer"), dict(ch.params)
    (True, {'realm': 'example'})
    """

    __slots__ = ("params", "scheme", "token68")
    scheme: str
    token68: str | None
    params: Mapping[str, str]

    def __init__(
        self, *, scheme: str, token68: str | None = None, params: Mapping[str, str] = _NO_PARAMS
    ) -> None:
        """Freeze `params` (lower-cased names) and check the value is representable."""
        if not isinstance(scheme, str) or not scheme:
            raise UsageError("Challenge.scheme must be a non-empty str")
        if token68 is not None and not isinstance(token68, str):
            raise UsageError("Challenge.token68 must be a str or None")
        if not isinstance(params, Mapping):
            raise UsageError("Challenge.params must be a mapping of str to str")
        checked: dict[str, str] = {}
        for name, value in params.items():
            if not isinstance(name, str) or not isinstance(value, str):
                raise UsageError("Challenge.params must map str to str")
            key = name.lower()
            if key in checked:
                raise UsageError(f"Challenge.params names {name!r} twice (case-insensitively)")
            checked[key] = value
        if token68 is not None and checked:
            raise UsageError("a challenge has a token68 or auth-params, not both (RFC 9110 §11.3)")
        _set_scheme(self, scheme)
        _set_token68(self, token68)
        _set_params(self, MappingProxyType(checked) if checked else _NO_PARAMS)

    @classmethod
    def _parsed(cls, scheme: str, token68: str | None, params: dict[str, str]) -> Challenge:
        """A challenge from the parser, whose parts are already checked (no re-validation)."""
        self = object.__new__(cls)
        _set_scheme(self, scheme)
        _set_token68(self, token68)
        _set_params(self, MappingProxyType(params) if params else _NO_PARAMS)
        return self

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle and copy with `params` as a dict (a mappingproxy does not pickle)."""
        return (self._parsed, (self.scheme, self.token68, dict(self.params)))

    def __hash__(self) -> int:
        """Hash by value (params as an unordered set of items)."""
        return hash((self.scheme, self.token68, frozenset(self.params.items())))

    def is_scheme(self, name: str) -> bool:
        """Whether this challenge's scheme is `name`, compared case-insensitively."""
        return self.scheme.lower() == name.lower()

    def param(self, name: str) -> str | None:
        """The value of parameter `name` (case-insensitive), or None."""
        return self.params.get(name.lower())


# The slots' own setters: how the parser fills a frozen Challenge without __init__.
_set_scheme = vars(Challenge)["scheme"].__set__
_set_token68 = vars(Challenge)["token68"].__set__
_set_params = vars(Challenge)["params"].__set__


class SkippedChallenge(Frozen):
    """A malformed challenge the lenient parser skipped (nothing from it is used).

    Attributes:
        scheme: the auth-scheme token at the start of the broken text, if one could be read.
        position: offset of the skipped text in the combined field value.
        end: offset just past the skipped text.
        error_position: where the challenge stopped matching the grammar.
        code: stable snake_case reason, e.g. ``"duplicate_parameter"``.
        rule: the ABNF rule (or RFC rule) that was broken.
        reason: a sentence for humans.
        text: the skipped text itself.
    """

    __slots__ = ("code", "end", "error_position", "position", "reason", "rule", "scheme", "text")
    scheme: str | None
    position: int
    end: int
    error_position: int
    code: str
    rule: str
    reason: str
    text: str

    def __init__(
        self,
        *,
        scheme: str | None,
        position: int,
        end: int,
        error_position: int,
        code: str,
        rule: str,
        reason: str,
        text: str,
    ) -> None:
        """Set the fields."""
        set_field(self, "scheme", scheme)
        set_field(self, "position", position)
        set_field(self, "end", end)
        set_field(self, "error_position", error_position)
        set_field(self, "code", code)
        set_field(self, "rule", rule)
        set_field(self, "reason", reason)
        set_field(self, "text", text)


class Tolerated(Frozen):
    """A named tolerance the lenient parser applied (see ``TOLERANCES``).

    Attributes:
        name: the tolerance, e.g. ``"unquoted_uri_value"``.
        position: where in the combined field value it was applied.
        scheme: the challenge it was applied in.
        param: the parameter it was applied to, if any.
    """

    __slots__ = ("name", "param", "position", "scheme")
    name: str
    position: int
    scheme: str
    param: str | None

    def __init__(self, *, name: str, position: int, scheme: str, param: str | None) -> None:
        """Set the fields."""
        set_field(self, "name", name)
        set_field(self, "position", position)
        set_field(self, "scheme", scheme)
        set_field(self, "param", param)


class ChallengeScan(Frozen):
    """What a lenient parse found: the valid challenges and what it skipped.

    Attributes:
        value: the combined field value that was scanned (positions refer to it).
        challenges: the challenges that parsed, in order.
        skipped: the malformed challenges that were skipped, in order.
        tolerated: the named tolerances applied to accepted challenges.
    """

    __slots__ = ("challenges", "skipped", "tolerated", "value")
    value: str
    challenges: tuple[Challenge, ...]
    skipped: tuple[SkippedChallenge, ...]
    tolerated: tuple[Tolerated, ...]

    def __init__(
        self,
        *,
        value: str,
        challenges: tuple[Challenge, ...],
        skipped: tuple[SkippedChallenge, ...] = (),
        tolerated: tuple[Tolerated, ...] = (),
    ) -> None:
        """Set the fields."""
        set_field(self, "value", value)
        set_field(self, "challenges", challenges)
        set_field(self, "skipped", skipped)
        set_field(self, "tolerated", tolerated)

    @property
    def clean(self) -> bool:
        """True when the strict parser would have returned the same challenges."""
        return not self.skipped and not self.tolerated
