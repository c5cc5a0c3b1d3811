"""Strategies for ``WWW-Authenticate`` field values (RFC 9110 §11, RFC 6750 §3, RFC 9728 §5.1).

Theory of operation
-------------------
Generation is constructive: a `Challenge` is drawn first (scheme, then token68 or unique
auth-params), and a field value is *rendered* from it in one of the many spellings the
recipient grammar accepts (RFC 9110 §5.6.1.2 empty list elements, §5.6.3 OWS/BWS, §11.1/§11.2
case of names, §5.6.4 token or quoted-string values with optional quoted-pairs). So every
valid value comes with the parse it must give, and shrinking moves towards one short
challenge with no parameters.

Malformed values are built the same way and then broken in one named place (a duplicated
parameter, an unterminated quoted-string, a token68 followed by auth-params, a comma where a
space must be, a control character), so each carries the rule it breaks and where.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from rfcauth._errors import ChallengeParseError
from rfcauth.challenge import Challenge, parse_www_authenticate, scan_www_authenticate

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "MALFORMATIONS",
    "MalformedValue",
    "WwwAuthenticateValue",
    "bearer_challenges",
    "challenges",
    "check_strategy",
    "malformed_www_authenticate_values",
    "near_valid_www_authenticate_values",
    "www_authenticate_values",
]

# RFC 9110 §5.6.2 tchar
TCHAR = "!#$%&'*+-.^_`|~" + string.digits + string.ascii_letters
# RFC 9110 §11.2 token68 (without its trailing "=" padding)
TOKEN68_CHARS = string.ascii_letters + string.digits + "-._~+/"
# RFC 9110 §5.6.4 qdtext and quoted-pair content: HTAB, SP, VCHAR, obs-text
QUOTED_CHARS = (
    "\t" + "".join(chr(c) for c in range(0x20, 0x7F)) + "".join(chr(c) for c in range(0x80, 0x100))
)
# RFC 6749 Appendix A: scope-token, and error / error_description (NQSCHAR, no '"' or '\')
_SCOPE_TOKEN_CHARS = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in '"\\')
_NQSCHAR = " " + _SCOPE_TOKEN_CHARS

_tokens = st.text(alphabet=TCHAR, min_size=1, max_size=8)
_token68s = st.builds(
    lambda body, pad: body + "=" * pad,
    st.text(alphabet=TOKEN68_CHARS, min_size=1, max_size=12),
    st.integers(0, 3),
)
_values = st.text(alphabet=QUOTED_CHARS, max_size=12)
_names = _tokens.map(str.lower)
_ows = st.sampled_from(["", "", " ", "\t", "  "])


@dataclass(frozen=True, slots=True, kw_only=True)
class WwwAuthenticateValue:
    """A valid field value and the parse it must give (RFC 9110 §11.6.1).

    Attributes:
        value: the field value, as a server would send it.
        challenges: what a conforming recipient reads: every challenge in order, scheme as
            sent, parameter names lower-cased, quoted-string values unescaped.
    """

    value: str
    challenges: tuple[Challenge, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class MalformedValue:
    """A field value that breaks the grammar in one named place.

    Attributes:
        value: the field value.
        kind: how it was broken (one of `MALFORMATIONS`).
        code: rfcauth's error code for it (as in ``SkippedChallenge.code``).
        rule: the ABNF rule it breaks (as in ``ChallengeParseError.rule``).
        position: the offset where a strict parser must stop.
        section: the RFC section that makes it invalid.
    """

    value: str
    kind: str
    code: str
    rule: str
    position: int
    section: str


#: The ways `malformed_www_authenticate_values` breaks a value, with the section each breaks.
MALFORMATIONS: dict[str, str] = {
    "duplicate_parameter": "RFC 9110 §11.2",
    "unterminated_quoted_string": "RFC 9110 §5.6.4",
    "token68_with_parameters": "RFC 9110 §11.3",
    "parameters_without_space": "RFC 9110 §11.3",
    "missing_comma": "RFC 9110 §5.6.1",
    "control_character": "RFC 9110 §5.5",
    "mutation": "RFC 9110 §11.6.1",
}


def check_strategy(name: str, value: object) -> None:
    """Raise `InvalidArgument` unless `value` is a strategy or None (called at draw time)."""
    if value is not None and not isinstance(value, st.SearchStrategy):
        raise InvalidArgument(f"{name}={value!r} must be a strategy or None")


@st.composite
def _challenges(draw: st.DrawFn, schemes: st.SearchStrategy[str]) -> Challenge:
    scheme = draw(schemes)
    kind = draw(st.sampled_from(["bare", "params", "params", "token68"]))
    if kind == "token68":
        return Challenge(scheme=scheme, token68=draw(_token68s))
    if kind == "bare":
        return Challenge(scheme=scheme)
    params = draw(st.dictionaries(_names, _values, min_size=1, max_size=4))
    return Challenge(scheme=scheme, params=params)


def challenges(*, schemes: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[Challenge]:
    """Challenges (RFC 9110 §11.3): a token68, unique auth-params, or neither.

    Args:
        schemes: the auth-schemes to use (default: any token).

    >>> from hypothesis import given
    >>> @given(challenges(schemes=st.just("Bearer")))
    ... def test(challenge):
    ...     assert challenge.token68 is None or not challenge.params
    >>> test()
    """

    def build() -> st.SearchStrategy[Challenge]:
        check_strategy("schemes", schemes)
        return _challenges(_tokens if schemes is None else schemes)

    return st.deferred(build)


@st.composite
def _bearer(draw: st.DrawFn) -> Challenge:
    params: dict[str, str] = {}
    optional = {
        "realm": st.text(alphabet=QUOTED_CHARS, max_size=10),
        "scope": st.lists(
            st.text(alphabet=_SCOPE_TOKEN_CHARS, min_size=1, max_size=8), min_size=1, max_size=3
        ).map(" ".join),
        "error": st.sampled_from(["invalid_request", "invalid_token", "insufficient_scope"]),
        "error_description": st.text(alphabet=_NQSCHAR, min_size=1, max_size=16),
        "error_uri": st.from_regex(r"https://[a-z]{1,8}\.example/[a-z]{0,6}", fullmatch=True),
        "resource_metadata": st.from_regex(
            r"https://[a-z]{1,8}\.example/\.well-known/oauth-protected-resource(/[a-z]{1,5})?",
            fullmatch=True,
        ),
    }
    for name in draw(st.lists(st.sampled_from(sorted(optional)), min_size=1, unique=True)):
        params[name] = draw(optional[name])
    scheme = draw(st.sampled_from(["Bearer", "bearer", "BEARER"]))
    return Challenge(scheme=scheme, params=params)


def bearer_challenges() -> st.SearchStrategy[Challenge]:
    """Bearer challenges that conform to RFC 6750 §3 and RFC 9728 §5.1.

    Each has at least one of ``realm``, ``scope``, ``error``, ``error_description``,
    ``error_uri``, ``resource_metadata``, every value in its RFC 6749 Appendix A grammar, so
    ``BearerChallenge.from_challenge`` reports no problem.
    """
    return _bearer()


def _quote(value: str, draw: st.DrawFn) -> str:
    out = []
    for ch in value:
        # RFC 9110 §5.6.4: '"' and '\' must be escaped; any other octet may be.
        if ch in '"\\' or draw(st.integers(0, 9)) == 0:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _render_value(value: str, draw: st.DrawFn) -> str:
    if value and all(c in TCHAR for c in value) and draw(st.booleans()):
        return value
    return _quote(value, draw)


def _recase(text: str, draw: st.DrawFn) -> str:
    return draw(st.sampled_from([text, text.lower(), text.upper(), text.swapcase()]))


def _delimiter(draw: st.DrawFn) -> str:
    commas = draw(st.integers(1, 3))  # more than one: empty list elements (§5.6.1.2)
    return "".join(draw(_ows) + "," + draw(_ows) for _ in range(commas))


def _render_challenge(challenge: Challenge, draw: st.DrawFn) -> str:
    text = challenge.scheme
    if challenge.token68 is not None:
        return text + " " * draw(st.integers(1, 2)) + challenge.token68
    if not challenge.params:
        return text
    params = []
    for name, value in challenge.params.items():
        before, after = draw(_ows), draw(_ows)
        params.append(f"{_recase(name, draw)}{before}={after}{_render_value(value, draw)}")
    text += " " * draw(st.integers(1, 2)) + draw(st.sampled_from(["", "", ", "])) + params[0]
    for param in params[1:]:
        text += _delimiter(draw) + param
    return text


def _render(items: Sequence[Challenge], draw: st.DrawFn) -> str:
    value = ""
    for index, challenge in enumerate(items):
        lead = _delimiter(draw) if index else draw(st.sampled_from(["", ", "]))
        value += lead + _render_challenge(challenge, draw)
    return value


@st.composite
def _www_authenticate(
    draw: st.DrawFn, items: st.SearchStrategy[Sequence[Challenge]]
) -> WwwAuthenticateValue:
    drawn = tuple(draw(items))
    return WwwAuthenticateValue(value=_render(drawn, draw), challenges=drawn)


def www_authenticate_values(
    *, items: st.SearchStrategy[Sequence[Challenge]] | None = None
) -> st.SearchStrategy[WwwAuthenticateValue]:
    """Valid ``WWW-Authenticate`` field values with the parse each must give.

    RFC 9110 §11.6.1 (``#challenge``, recipient form): names in any case, OWS and BWS,
    empty list elements, values as token or quoted-string with optional quoted-pairs.

    Args:
        items: the challenges to render (default: up to four drawn by `challenges`).

    >>> from rfcauth import parse_www_authenticate
    >>> from hypothesis import given
    >>> @given(www_authenticate_values())
    ... def test(case):
    ...     assert parse_www_authenticate(case.value) == case.challenges
    >>> test()
    """

    def build() -> st.SearchStrategy[WwwAuthenticateValue]:
        check_strategy("items", items)
        return _www_authenticate(st.lists(challenges(), max_size=4) if items is None else items)

    return st.deferred(build)


# Characters a mutation inserts: the grammar's delimiters, whitespace it forbids in places,
# invalid octets, and characters beyond ISO-8859-1.
_MUTATION_CHARS = '",=\\ \t;:/\r\n\x00\x7f\xe9\u20ac\ud800aZ0'


@st.composite
def _near_valid(draw: st.DrawFn) -> str:
    value = draw(www_authenticate_values()).value
    for _ in range(draw(st.integers(1, 3))):
        pos = draw(st.integers(0, len(value)))
        op = draw(st.sampled_from(["insert", "delete", "replace"]))
        ch = draw(st.sampled_from(_MUTATION_CHARS))
        if op == "insert" or not value:
            value = value[:pos] + ch + value[pos:]
        elif op == "delete":
            value = value[:pos] + value[pos + 1 :]
        else:
            value = value[:pos] + ch + value[pos + 1 :]
    return value


def near_valid_www_authenticate_values() -> st.SearchStrategy[str]:
    """Valid field values with one to three characters inserted, deleted or replaced.

    Some stay valid, most do not: the input for differential tests ("my parser and
    rfcauth's agree on everything near the grammar").
    """
    return _near_valid()


def _params_challenge(draw: st.DrawFn, *, min_size: int = 1) -> Challenge:
    params = draw(st.dictionaries(_names, _values, min_size=min_size, max_size=3))
    return Challenge(scheme=draw(_tokens), params=params)


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _simple_params(params: dict[str, str]) -> str:
    return ", ".join(f"{name}={_quoted(value)}" for name, value in params.items())


@st.composite
def _malformed(draw: st.DrawFn, kinds: Sequence[str]) -> MalformedValue:  # noqa: PLR0911 -- one return per kind
    kind = draw(st.sampled_from(kinds))
    before = draw(st.lists(challenges(), max_size=2))
    prefix = _render(before, draw)
    prefix += ", " if prefix else ""
    scheme = draw(_tokens)
    params = draw(st.dictionaries(_names, _values, max_size=2))
    head = f"{prefix}{scheme} "
    if kind == "duplicate_parameter":
        name = draw(_names)
        params.pop(name, None)
        first = f"{name}={_quoted(draw(_values))}"
        rest = _simple_params(params)
        body = first + (", " + rest if rest else "") + ", "
        again = _recase(name, draw)
        value = head + body + f"{again}={_quoted(draw(_values))}"
        return _case(value, kind, "auth-param", len(head) + len(body))
    if kind == "unterminated_quoted_string":
        name = draw(_names)
        params.pop(name, None)
        rest = _simple_params(params)
        body = rest + ", " if rest else ""
        text = draw(st.text(alphabet=QUOTED_CHARS.replace('"', "").replace("\\", ""), max_size=8))
        value = head + body + f'{name}="' + text
        return _case(value, kind, "quoted-string", len(head) + len(body) + len(name) + 1)
    if kind == "token68_with_parameters":
        token68 = draw(_token68s)
        extra = _params_challenge(draw)
        value = head + token68 + ", " + _simple_params(dict(extra.params))
        return _case(value, kind, "challenge", len(head) + len(token68) + 2)
    if kind == "parameters_without_space":
        extra = _params_challenge(draw)
        value = f"{prefix}{scheme}, " + _simple_params(dict(extra.params))
        return _case(value, kind, "challenge", len(prefix) + len(scheme) + 2)
    if kind == "missing_comma":
        extra = _params_challenge(draw, min_size=2)
        (name_1, value_1), (name_2, value_2) = list(extra.params.items())[:2]
        left = f"{name_1}={_quoted(value_1)}"
        value = head + left + " " + f"{name_2}={_quoted(value_2)}"
        return _case(value, kind, "auth-param", len(head) + len(left) + 1)
    if kind == "control_character":
        name = draw(_names)
        text = draw(_values)
        at = draw(st.integers(0, len(text)))
        ctl = draw(st.sampled_from(["\x00", "\r", "\n", "\x01", "\x1f", "\x7f"]))
        # the escaped prefix is what precedes the control character inside the quotes
        prefix_quoted = _quoted(text[:at])[1:-1]
        value = head + f'{name}="' + prefix_quoted + ctl + _quoted(text[at:])[1:]
        position = len(head) + len(name) + 2 + len(prefix_quoted)
        return _case(value, kind, "quoted-string", position)
    mutated = draw(_near_valid())
    try:
        parse_www_authenticate(mutated)
    except ChallengeParseError as exc:
        skipped = scan_www_authenticate(mutated).skipped
        code = skipped[0].code if skipped else "invalid_character"
        return MalformedValue(
            value=mutated,
            kind=kind,
            code=code,
            rule=exc.rule,
            position=exc.position,
            section=MALFORMATIONS[kind],
        )
    # the mutation kept the value valid: reject this draw (rare; Hypothesis draws again)
    return draw(st.nothing())


def _case(value: str, kind: str, rule: str, position: int) -> MalformedValue:
    return MalformedValue(
        value=value,
        kind=kind,
        code=kind,
        rule=rule,
        position=position,
        section=MALFORMATIONS[kind],
    )


def malformed_www_authenticate_values(
    *, kinds: Sequence[str] | None = None
) -> st.SearchStrategy[MalformedValue]:
    """Near-valid field values that break the grammar in one named place.

    Each `MalformedValue` says how it was broken and where a strict parser must stop. The
    kinds (`MALFORMATIONS`): a parameter named twice (RFC 9110 §11.2), an unterminated
    quoted-string (§5.6.4), a token68 followed by auth-params (§11.3), auth-params after the
    scheme with no space (§11.3), two parameters without a comma (§5.6.1), a control
    character in a quoted-string (§5.5), and one-to-three-character mutations (whose rule and
    position are what rfcauth's strict parser reports).

    Args:
        kinds: the kinds to draw from (default: all).

    Raises:
        InvalidArgument: an unknown kind, or no kinds.
    """
    chosen = tuple(MALFORMATIONS) if kinds is None else tuple(kinds)

    def build() -> st.SearchStrategy[MalformedValue]:
        if not chosen or any(kind not in MALFORMATIONS for kind in chosen):
            raise InvalidArgument(f"kinds must be a non-empty subset of {sorted(MALFORMATIONS)}")
        return _malformed(chosen)

    return st.deferred(build)
