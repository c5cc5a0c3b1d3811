"""The fast ``WWW-Authenticate`` parser: a list loop over the generated leaf patterns.

Theory of operation
-------------------
RFC 9110 Section 11.6.1 makes the field ``#challenge`` and Section 11.3 makes a challenge
``auth-scheme [ 1*SP ( token68 / #auth-param ) ]``. Both lists use the recipient form of
``#rule`` (Section 5.6.1.2): ``[ element ] *( OWS "," OWS [ element ] )``. The grammar is
ambiguous only at a comma: what follows may be the next auth-param of the current challenge
or the next challenge. One token of lookahead decides it, because a token68 can't start with
"=" and an auth-scheme is never followed by "=":

    after a comma (and any empty elements), ``token BWS "="`` continues the parameters;
    anything else ends the challenge.

Every pattern comes from ``rfcauth/grammar/_abnf.py``, generated from ``grammars/*.abnf``; this
module adds only the loop, the duplicate-name rule (Section 11.2, not expressible in ABNF),
and the lenient recovery. Each step moves forward, so a parse is linear in the input.

Two parsers share that loop's grammar: the fast path here (one C-level match per list element)
takes every valid value; the step-by-step `rfcauth.challenge._stepwise.StepParser`, imported
only when the fast path stops short, says where and why a value breaks, and recovers.

Lenient recovery (``strict=False``): when a challenge breaks, it is skipped as a whole (no
parameter is ever salvaged from it) and parsing resumes at the next challenge boundary: a
comma outside quoted strings followed by a token that does not start an auth-param. If the
broken text opens a quoted-string that never closes, quote pairing can't be trusted, and
boundaries are searched ignoring quotes (from the broken challenge's start the first time,
so ``Negotiate realm="x, Bearer ...`` does not swallow the Bearer challenge).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from rfcauth._errors import ChallengeParseError, UsageError
from rfcauth._frozen import Frozen, set_field
from rfcauth.challenge._values import Challenge, ChallengeScan
from rfcauth.grammar import _abnf

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see rfcauth._frozen)
if TYPE_CHECKING:
    from rfcauth.challenge._stepwise import StepParser

__all__ = [
    "DEFAULT_MAX_LENGTH",
    "TOLERANCES",
    "Tolerance",
    "combine_field_lines",
    "parse_www_authenticate",
    "scan_www_authenticate",
]

#: Default limit on the combined field value, in characters (= octets, ISO-8859-1).
DEFAULT_MAX_LENGTH = 16_384


class Tolerance(Frozen):
    """Something the lenient parser accepts beyond RFC 9110, and who needs it.

    Attributes:
        name: stable snake_case name, reported in ``ChallengeScan.tolerated``.
        accepts: what is accepted.
        rule: the rule it relaxes.
        needed_by: the real server that sends it.
        link: where that is documented.
    """

    __slots__ = ("accepts", "link", "name", "needed_by", "rule")
    name: str
    accepts: str
    rule: str
    needed_by: str
    link: str

    def __init__(self, *, name: str, accepts: str, rule: str, needed_by: str, link: str) -> None:
        """Set the fields."""
        set_field(self, "name", name)
        set_field(self, "accepts", accepts)
        set_field(self, "rule", rule)
        set_field(self, "needed_by", needed_by)
        set_field(self, "link", link)


#: Every tolerance of ``strict=False`` (the grammar is in grammars/rfcauth-tolerances.abnf).
TOLERANCES: tuple[Tolerance, ...] = (
    Tolerance(
        name="unquoted_uri_value",
        accepts="an auth-param value that is a bare URL (`resource_metadata=https://...`), "
        "read up to the next comma or whitespace",
        rule="RFC 9110 Section 11.2 auth-param (token / quoted-string)",
        needed_by="MCP servers on modelcontextprotocol/go-sdk before PR #834",
        link="https://github.com/modelcontextprotocol/go-sdk/pull/834",
    ),
)

# The fast path (see _fast_parse), composed only of generated patterns. One list element
# per match: (a) a challenge with its first auth-param, (b) a further auth-param, (c) a
# challenge with a token68, (d) a bare challenge. Each but the first starts with list
# delimiters (an atomic group: an element starts with a tchar, so giving back whitespace or
# commas can never help, and must not be retried). The order is the grammar's lookahead:
# "token 1*SP token" starts a challenge, "token BWS =" an auth-param, and where an auth-param
# matches, a token68 can't end the challenge.
_ELEMENT = re.compile(
    f"((?:\\A|(?>(?:{_abnf.LIST_DELIMITER})+))"
    f"(?:(?:({_abnf.AUTH_SCHEME}){_abnf.CHALLENGE_SPACE})?{_abnf.AUTH_PARAM_FIELDS}"
    f"|({_abnf.AUTH_SCHEME})(?:{_abnf.CHALLENGE_SPACE}({_abnf.TOKEN68}))?))"
)


def _fast_parse(s: str) -> list[Challenge] | None:
    """The common case: one C-level match per list element, from the start to the end.

    Each `_ELEMENT` match starts where the previous one ended; if they reach the end, the
    value is valid unless an auth-param follows a token68 or a bare challenge or a name
    repeats. Anything else returns None, and the step-by-step `StepParser`, which is
    authoritative, parses the value again (it says where and why); the differential tests
    hold both to the reference parser.
    """
    n = len(s)
    pos = 0
    match = _ELEMENT.match
    parsed = Challenge._parsed  # noqa: SLF001 -- our own value, built without re-validation
    challenges: list[Challenge] = []
    scheme = ""
    params: dict[str, str] | None = None
    count = 0
    while pos < n:
        element = match(s, pos)
        if element is None:
            return None
        pos = element.end()
        _, first, name, token, quoted, bare, token68 = element.groups()
        if name and not first:  # a further auth-param of the current challenge
            if params is None:
                return None  # after a token68 or a bare scheme
            params[name.lower()] = token or (
                quoted[1:-1] if "\\" not in quoted else unquote(quoted)
            )
            count += 1
            continue
        if params is not None:  # the current challenge is complete
            if len(params) != count:
                return None  # a duplicate name: the slow path says where
            challenges.append(parsed(scheme, None, params))
            params = None
        if name:
            scheme, params, count = first, {name.lower(): token or unquote(quoted)}, 1
        else:
            challenges.append(parsed(bare, token68 or None, {}))
    if params is not None:
        if len(params) != count:
            return None
        challenges.append(parsed(scheme, None, params))
    return challenges


@functools.cache
def _quoted_pair() -> re.Pattern[str]:
    # compiled on first use: most values have no quoted-pair
    return re.compile(_abnf.QUOTED_PAIR_PARTS)


@functools.cache
def _step_parser() -> type[StepParser]:
    # imported on first use: a valid value never needs the step-by-step parser
    from rfcauth.challenge._stepwise import StepParser  # noqa: PLC0415

    return StepParser


def unquote(quoted: str) -> str:
    """The value of a quoted-string (RFC 9110 §5.6.4): quotes off, quoted-pairs unescaped."""
    value = quoted[1:-1]
    return _quoted_pair().sub(r"\g<char>", value) if "\\" in value else value


# --- entry points ---------------------------------------------------------------------------


def _check_options(max_length: object) -> int:
    if isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 0:
        raise UsageError(f"max_length must be a non-negative int, not {max_length!r}")
    return max_length


def _line(line: object) -> str:
    if isinstance(line, str):
        return line
    if isinstance(line, (bytes, bytearray)):
        return bytes(line).decode("iso-8859-1")
    raise UsageError(f"a field line must be str or bytes, not {type(line).__name__}")


def combine_field_lines(value: object, *, max_length: int = DEFAULT_MAX_LENGTH) -> str:
    """The one field value that `value` stands for (RFC 9110 Sections 5.3 and 5.5).

    `value` is a ``str``, ``bytes`` (decoded as ISO-8859-1) or a sequence of field lines,
    each stripped of surrounding SP/HTAB and joined with ``", "``.

    Raises:
        UsageError: `value` is none of those.
        ChallengeParseError: the value is longer than `max_length` (rule ``max_length``);
            checked before it is decoded or joined.
    """
    limit = _check_options(max_length)
    if isinstance(value, (str, bytes, bytearray)):
        lines: Sequence[object] = (value,)
    elif isinstance(value, Sequence):
        lines = value
    else:
        raise UsageError(
            "WWW-Authenticate value must be str, bytes or a sequence of field lines, "
            f"not {type(value).__name__}"
        )
    size = 0
    for line in lines:
        if not isinstance(line, (str, bytes, bytearray)):
            raise UsageError(f"a field line must be str or bytes, not {type(line).__name__}")
        size += len(line) + 2
    if size - 2 > limit:
        prefix = ", ".join(_line(line)[: limit + 1] for line in lines[: limit + 1])[: limit + 1]
        raise ChallengeParseError(
            f"field value longer than max_length={limit}",
            value=prefix,
            position=limit,
            rule="max_length",
        )
    return ", ".join(_line(line).strip(" \t") for line in lines)


def scan_www_authenticate(value: object, *, max_length: int = DEFAULT_MAX_LENGTH) -> ChallengeScan:
    """Parse ``WWW-Authenticate`` leniently and report what was skipped (RFC 9110 §11).

    A malformed challenge is skipped as a whole and reported (nothing is salvaged from it);
    the valid challenges around it are kept. The named tolerances in ``TOLERANCES`` apply
    and are reported in ``ChallengeScan.tolerated``.

    Args:
        value: the field value: ``str``, ``bytes`` (ISO-8859-1) or a sequence of field lines.
        max_length: the longest combined value accepted, checked before any work.

    Returns:
        The challenges, the skipped ones and the tolerances applied.

    Raises:
        UsageError: `value` has the wrong type.
        ChallengeParseError: only for ``max_length``.

    >>> scan = scan_www_authenticate('Negotiate realm="x, Bearer error="invalid_token"')
    >>> [c.scheme for c in scan.challenges], [(s.scheme, s.code) for s in scan.skipped]
    (['Bearer'], [('Negotiate', 'missing_comma')])
    """
    text = combine_field_lines(value, max_length=max_length).strip(" \t")
    fast = _fast_parse(text)
    if fast is not None:
        return ChallengeScan(value=text, challenges=tuple(fast))
    parser = _step_parser()(text, lenient=True)
    challenges, skipped = parser.run()
    return ChallengeScan(
        value=text,
        challenges=tuple(challenges),
        skipped=tuple(skipped),
        tolerated=tuple(parser.tolerated),
    )


def parse_www_authenticate(
    value: object, *, strict: bool = True, max_length: int = DEFAULT_MAX_LENGTH
) -> tuple[Challenge, ...]:
    """Parse a ``WWW-Authenticate`` field value into its challenges (RFC 9110 Section 11).

    Args:
        value: ``str``, ``bytes`` (decoded as ISO-8859-1, RFC 9110 §5.5) or a sequence of
            field lines (combined per RFC 9110 §5.3: joined with ``", "``). Surrounding
            whitespace is ignored; an empty or all-commas value gives ``()``.
        strict: follow RFC 9110 to the letter (the default). With ``strict=False`` malformed
            challenges are skipped and the named tolerances apply; see
            `scan_www_authenticate` for the report of what was skipped.
        max_length: the longest combined value accepted, checked before any work.

    Returns:
        The challenges in order.

    Raises:
        ChallengeParseError: the value breaks the grammar (strict), or is too long.
        UsageError: `value` is not str, bytes or a sequence of them.

    >>> [(c.scheme, dict(c.params)) for c in parse_www_authenticate('Bearer error="invalid_token"')]
    [('Bearer', {'error': 'invalid_token'})]
    """
    if strict is True and type(value) is str and type(max_length) is int:
        if len(value) <= max_length:  # the common case, without the general input handling
            fast = _fast_parse(value.strip(" \t"))
            if fast is not None:
                return tuple(fast)
    elif not isinstance(strict, bool):
        raise UsageError(f"strict must be a bool, not {type(strict).__name__}")
    elif not strict:
        return scan_www_authenticate(value, max_length=max_length).challenges
    text = combine_field_lines(value, max_length=max_length).strip(" \t")
    fast = _fast_parse(text)
    if fast is not None:
        return tuple(fast)
    challenges, _ = _step_parser()(text, lenient=False).run()
    return tuple(challenges)
