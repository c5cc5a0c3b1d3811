"""The step-by-step ``WWW-Authenticate`` parser: where and why a value breaks, and recovery.

`rfcauth.challenge._parser` tries its one-pattern-per-element fast path first; when that does
not reach the end (the value is malformed, repeats a name, or the lenient tolerances are
wanted), `StepParser` parses the value again rule by rule. It is authoritative: it says at
which offset which rule failed, and in lenient mode it skips the broken challenge and resumes
at the next challenge boundary (the theory of operation is in `rfcauth.challenge._parser`).
Imported only then, so a valid header never compiles its patterns.
"""

from __future__ import annotations

import re

from rfcauth._errors import ChallengeParseError
from rfcauth.challenge._parser import unquote
from rfcauth.challenge._values import Challenge, SkippedChallenge, Tolerated
from rfcauth.grammar import _abnf

__all__ = ["StepParser"]

_SCHEME = re.compile(_abnf.AUTH_SCHEME)
_SPACE = re.compile(_abnf.CHALLENGE_SPACE)
_TOKEN68 = re.compile(_abnf.TOKEN68)
_OWS = re.compile(_abnf.OWS)
_BWS = re.compile(_abnf.BWS)
_DELIMITER = re.compile(_abnf.LIST_DELIMITER)
_PARAM = re.compile(_abnf.AUTH_PARAM_PARTS)
_PARAM_START = re.compile(_abnf.AUTH_PARAM_START)
_QUOTED_PREFIX = re.compile(_abnf.QUOTED_STRING_PREFIX)
_UNQUOTED_URI = re.compile(_abnf.LENIENT_URI_VALUE)
# Not a grammar rule: the lenient resynchroniser's scanner, which deliberately reads quoted
# text more loosely than qdtext so that it can step over broken quoted-strings.
_QUOTE_OR_ESCAPE = re.compile(r'["\\]')
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


class StepParser:
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
            value = unquote(raw)
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
