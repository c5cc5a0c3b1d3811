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

Lenient recovery (``strict=False``): when a challenge breaks, it is skipped as a whole (no
parameter is ever salvaged from it) and parsing resumes at the next challenge boundary: a
comma outside quoted strings followed by a token that does not start an auth-param. If the
broken text opens a quoted-string that never closes, quote pairing can't be trusted, and
boundaries are searched ignoring quotes (from the broken challenge's start the first time,
so ``Negotiate realm="x, Bearer ...`` does not swallow the Bearer challenge).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rfcauth._errors import ChallengeParseError, UsageError
from rfcauth.challenge._values import Challenge, ChallengeScan, SkippedChallenge, Tolerated
from rfcauth.grammar import _abnf

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


@dataclass(frozen=True, slots=True, kw_only=True)
class Tolerance:
    """Something the lenient parser accepts beyond RFC 9110, and who needs it.

    Attributes:
        name: stable snake_case name, reported in ``ChallengeScan.tolerated``.
        accepts: what is accepted.
        rule: the rule it relaxes.
        needed_by: the real server that sends it.
        link: where that is documented.
    """

    name: str
    accepts: str
    rule: str
    needed_by: str
    link: str


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

_SCHEME = re.compile(_abnf.AUTH_SCHEME)
_SPACE = re.compile(_abnf.CHALLENGE_SPACE)
_TOKEN68 = re.compile(_abnf.TOKEN68)
_OWS = re.compile(_abnf.OWS)
_BWS = re.compile(_abnf.BWS)
_DELIMITER = re.compile(_abnf.LIST_DELIMITER)
_PARAM = re.compile(_abnf.AUTH_PARAM_PARTS)
_PARAM_START = re.compile(_abnf.AUTH_PARAM_START)
_QUOTED_PREFIX = re.compile(_abnf.QUOTED_STRING_PREFIX)
_QUOTED_PAIR = re.compile(_abnf.QUOTED_PAIR_PARTS)
_UNQUOTED_URI = re.compile(_abnf.LENIENT_URI_VALUE)
# Not a grammar rule: the lenient resynchroniser's scanner, which deliberately reads quoted
# text more loosely than qdtext so that it can step over broken quoted-strings.
_QUOTE_OR_ESCAPE = re.compile(r'["\\]')
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

_DEL = 0x7F
_LATIN1_MAX = 0xFF


class _Broken(Exception):  # noqa: N818 -- internal signal, never escapes this module
    """Raised inside the loop; strict mode turns it into ChallengeParseError."""

    def __init__(
        self, position: int, code: str, rule: str, reason: str, resume: int | None = None
    ) -> None:
        super().__init__(reason)
        self.position = position
        self.code = code
        self.rule = rule
        self.reason = reason
        self.resume = position if resume is None else resume


def _describe(value: str, pos: int) -> tuple[str, str]:
    """A (code, phrase) for the character at `pos` that no rule accepts there."""
    if pos >= len(value):
        return "unexpected_end", "the field value ends"
    ch = value[pos]
    code = ord(ch)
    if ch in "\r\n\x00":
        return "control_character", f"{ch!a} (CR, LF and NUL are invalid, RFC 9110 §5.5)"
    if code < 0x20 or code == _DEL:  # noqa: PLR2004 -- the C0 controls
        return "control_character", f"control character {ch!a}"
    if code > _LATIN1_MAX:
        return "non_latin1_character", f"{ch!a}, which is not an octet (RFC 9110 §5.5)"
    if code > _DEL:
        return "non_ascii_outside_quoted_string", f"obs-text {ch!a} outside a quoted-string"
    return "invalid_character", repr(ch)


class _Parser:
    """One parse of one combined field value."""

    def __init__(self, value: str, *, lenient: bool) -> None:
        self.s = value
        self.n = len(value)
        self.lenient = lenient
        self.unbalanced = False  # lenient: an unterminated quote was seen; ignore quotes
        self.tolerated: list[Tolerated] = []

    # --- the field: [ challenge ] *( OWS "," OWS [ challenge ] ) -----------------------

    def run(self) -> tuple[list[Challenge], list[SkippedChallenge]]:
        s, n = self.s, self.n
        challenges: list[Challenge] = []
        skipped: list[SkippedChallenge] = []
        pos = 0
        while pos < n:
            if s[pos] == ",":  # an empty list element
                pos = _DELIMITER.match(s, pos).end()  # type: ignore[union-attr]
                continue
            start = pos
            mark = len(self.tolerated)
            try:
                challenge, pos = self.challenge(pos)
                after = _OWS.match(s, pos).end()  # type: ignore[union-attr]
                if after < n and s[after] != ",":
                    raise self.unexpected(after, "missing_comma", "WWW-Authenticate", "after")
                challenges.append(challenge)
                pos = after
            except _Broken as broken:
                if not self.lenient:
                    raise ChallengeParseError(
                        broken.reason, value=s, position=broken.position, rule=broken.rule
                    ) from None
                del self.tolerated[mark:]
                pos = self.resync(start, broken.resume)
                skipped.append(self.skip(start, pos, broken))
        return challenges, skipped

    def unexpected(self, pos: int, code: str, rule: str, where: str) -> _Broken:
        """A _Broken for an unexpected character at `pos`, named by what it is."""
        what_code, what = _describe(self.s, pos)
        if what_code != "invalid_character":
            code = what_code
        return _Broken(pos, code, rule, f"unexpected {what} {where} at offset {pos}")

    # --- challenge = auth-scheme [ 1*SP ( token68 / #auth-param ) ] ----------------------

    def challenge(self, start: int) -> tuple[Challenge, int]:
        s, n = self.s, self.n
        match = _SCHEME.match(s, start)
        if match is None:
            raise self.unexpected(
                start, "invalid_character", "auth-scheme", "where a challenge starts"
            )
        scheme = match.group()
        pos = match.end()
        space = _SPACE.match(s, pos)
        if space is None:
            after = _OWS.match(s, pos).end()  # type: ignore[union-attr]
            if pos < n and s[pos] == "\t" and after < n and s[after] != ",":
                raise _Broken(
                    pos, "htab_after_scheme", "challenge",
                    "HTAB after the auth-scheme; RFC 9110 §11.3 requires 1*SP",
                )  # fmt: skip
            self.no_params_follow(
                pos, "parameters_without_space", "after an auth-scheme without SP"
            )
            return Challenge._parsed(scheme, None, {}), pos  # noqa: SLF001
        pos = space.end()
        token68 = _TOKEN68.match(s, pos)
        if token68 is not None:
            after = _OWS.match(s, token68.end()).end()  # type: ignore[union-attr]
            if after == n or s[after] == ",":
                self.no_params_follow(token68.end(), "token68_with_parameters", "after a token68")
                return Challenge._parsed(scheme, token68.group(), {}), token68.end()  # noqa: SLF001
            if _PARAM_START.match(s, pos) is None:
                raise self.unexpected(after, "missing_comma", "challenge", "after a token68")
        params: dict[str, str] = {}
        pos = self.params(pos, params, scheme)
        return Challenge._parsed(scheme, None, params), pos  # noqa: SLF001

    def no_params_follow(self, pos: int, code: str, where: str) -> None:
        """Raise if an auth-param follows the comma(s) after `pos` (it has no challenge)."""
        s, n = self.s, self.n
        after = _OWS.match(s, pos).end()  # type: ignore[union-attr]
        if after == n or s[after] != ",":
            return
        while after < n and s[after] == ",":
            after = _DELIMITER.match(s, after).end()  # type: ignore[union-attr]
        if after < n and _PARAM_START.match(s, after):
            raise _Broken(
                after, code, "challenge",
                f"auth-param {where} (RFC 9110 §11.3: token68 / #auth-param, after 1*SP)",
            )  # fmt: skip

    # --- [ auth-param ] *( OWS "," OWS [ auth-param ] ), with the one-step lookahead -----

    def params(self, pos: int, params: dict[str, str], scheme: str) -> int:
        s, n = self.s, self.n
        while True:
            if pos < n and s[pos] not in ", \t":  # else an empty element (maybe OWS ",")
                pos = self.param(pos, params, scheme)
            end = pos
            pos = _OWS.match(s, pos).end()  # type: ignore[union-attr]
            if pos == n:
                return end
            if s[pos] != ",":
                raise self.unexpected(pos, "missing_comma", "auth-param", "after an auth-param")
            while pos < n and s[pos] == ",":
                pos = _DELIMITER.match(s, pos).end()  # type: ignore[union-attr]
            if pos == n or _PARAM_START.match(s, pos) is None:
                return end  # a new challenge (or the end) follows

    def param(self, pos: int, params: dict[str, str], scheme: str) -> int:
        """auth-param = token BWS "=" BWS ( token / quoted-string ), at `pos`."""
        s = self.s
        match = _PARAM.match(s, pos)
        if match is None:
            return self.broken_param(pos, params, scheme)
        end = match.end()
        raw = match.group("value")
        if raw[0] == '"':
            value = _unquote(raw)
        else:
            value = raw
            if self.lenient:
                after = _OWS.match(s, end).end()  # type: ignore[union-attr]
                if after < self.n and s[after] != ",":
                    return self.unquoted_uri(pos, match.start("value"), params, scheme)
        self.store(pos, match.group("name"), value, params)
        return end

    def store(self, pos: int, name: str, value: str, params: dict[str, str]) -> None:
        key = name.lower()
        if key in params:
            raise _Broken(
                pos, "duplicate_parameter", "auth-param",
                f"parameter {key!r} occurs twice in one challenge "
                "(RFC 9110 §11.2: each parameter name MUST only occur once)",
            )  # fmt: skip
        params[key] = value

    def broken_param(self, pos: int, params: dict[str, str], scheme: str) -> int:
        """Say why no auth-param starts at `pos` (or apply a tolerance)."""
        s, n = self.s, self.n
        start = _PARAM_START.match(s, pos)
        if start is None:
            raise self.unexpected(
                pos, "invalid_character", "auth-param", "where an auth-param starts"
            )
        at = _BWS.match(s, start.end()).end()  # type: ignore[union-attr]
        if at < n and s[at] == '"':
            valid = _QUOTED_PREFIX.match(s, at).end()  # type: ignore[union-attr]
            if valid == n or (s[valid] == "\\" and valid + 1 == n):
                raise _Broken(
                    at, "unterminated_quoted_string", "quoted-string",
                    f"quoted-string opened at offset {at} is never closed",
                )  # fmt: skip
            code, what = _describe(s, valid + (s[valid] == "\\"))
            raise _Broken(
                valid, code, "quoted-string", f"unexpected {what} inside a quoted-string", at
            )
        if self.lenient:
            return self.unquoted_uri(pos, at, params, scheme)
        if at == n or s[at] == ",":
            raise _Broken(at, "missing_value", "auth-param", "auth-param without a value")
        raise self.unexpected(at, "invalid_character", "auth-param", "in an auth-param value")

    def unquoted_uri(self, pos: int, at: int, params: dict[str, str], scheme: str) -> int:
        """Tolerance ``unquoted_uri_value`` (lenient only; see TOLERANCES)."""
        s, n = self.s, self.n
        match = _UNQUOTED_URI.match(s, at)
        after = _OWS.match(s, match.end()).end() if match else at  # type: ignore[union-attr]
        if match is None or (after < n and s[after] != ","):
            if match is not None:
                raise self.unexpected(after, "missing_comma", "auth-param", "after an auth-param")
            if at == n or s[at] == ",":
                raise _Broken(at, "missing_value", "auth-param", "auth-param without a value")
            raise self.unexpected(
                after, "invalid_character", "auth-param", "in an auth-param value"
            )
        name = _PARAM_START.match(s, pos).group().rstrip(" \t=")  # type: ignore[union-attr]
        self.store(pos, name, match.group(), params)
        self.tolerated.append(
            Tolerated(name="unquoted_uri_value", position=at, scheme=scheme, param=name.lower())
        )
        return match.end()

    # --- lenient recovery -------------------------------------------------------------------

    def resync(self, start: int, error: int) -> int:
        """The offset of the next challenge boundary after a broken challenge."""
        if not self.unbalanced:
            boundary = self.boundary(error, quotes=True)
            if boundary is not None:
                return boundary
            self.unbalanced = True
            error = start
        return self.boundary(error, quotes=False) or self.n

    def boundary(self, pos: int, *, quotes: bool) -> int | None:
        """Next comma before a challenge start; n at the end; None in an open quote."""
        s, n = self.s, self.n
        comma = -1
        while pos < n:
            if comma < pos:  # find each comma once: the scan stays linear
                comma = s.find(",", pos)
                if comma < 0:
                    comma = n
            if quotes:
                quote = s.find('"', pos, comma)
                if quote >= 0:
                    pos = self.skip_quoted(quote)
                    if pos < 0:
                        return None
                    continue
            if comma == n:
                return n
            after = comma
            while after < n and s[after] == ",":
                after = _DELIMITER.match(s, after).end()  # type: ignore[union-attr]
            if after == n or (_SCHEME.match(s, after) and not _PARAM_START.match(s, after)):
                return comma
            pos = after
        return n

    def skip_quoted(self, quote: int) -> int:
        """Offset after the quoted text opened at `quote`, or -1 if it never closes."""
        s = self.s
        pos = quote + 1
        while True:
            found = _QUOTE_OR_ESCAPE.search(s, pos)
            if found is None:
                return -1
            if found.group() == '"':
                return found.end()
            pos = found.end() + 1

    def skip(self, start: int, end: int, broken: _Broken) -> SkippedChallenge:
        text = self.s[start:end].rstrip(" \t")
        scheme = _SCHEME.match(self.s, start)
        return SkippedChallenge(
            scheme=scheme.group() if scheme else None,
            position=start,
            end=start + len(text),
            error_position=broken.position,
            code=broken.code,
            rule=broken.rule,
            reason=broken.reason,
            text=text,
        )


def _fast_parse(s: str) -> list[Challenge] | None:
    """The common case: one C-level match per list element, from the start to the end.

    Each `_ELEMENT` match starts where the previous one ended; if they reach the end, the
    value is valid unless an auth-param follows a token68 or a bare challenge or a name
    repeats. Anything else returns None, and the step-by-step `_Parser`, which is
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
                quoted[1:-1] if "\\" not in quoted else _unquote(quoted)
            )
            count += 1
            continue
        if params is not None:  # the current challenge is complete
            if len(params) != count:
                return None  # a duplicate name: the slow path says where
            challenges.append(parsed(scheme, None, params))
            params = None
        if name:
            scheme, params, count = first, {name.lower(): token or _unquote(quoted)}, 1
        else:
            challenges.append(parsed(bare, token68 or None, {}))
    if params is not None:
        if len(params) != count:
            return None
        challenges.append(parsed(scheme, None, params))
    return challenges


def _skip_delimiters(s: str, pos: int) -> int:
    """Past any ``OWS "," OWS`` at `pos` (empty list elements)."""
    n = len(s)
    while pos < n and s[pos] == ",":
        pos = _DELIMITER.match(s, pos).end()  # type: ignore[union-attr]
    return pos


def _unquote(quoted: str) -> str:
    """The value of a quoted-string (RFC 9110 §5.6.4): quotes off, quoted-pairs unescaped."""
    value = quoted[1:-1]
    return _QUOTED_PAIR.sub(r"\g<char>", value) if "\\" in value else value


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
    parser = _Parser(text, lenient=True)
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
    challenges, _ = _Parser(text, lenient=False).run()
    return tuple(challenges)
