"""Build a ``WWW-Authenticate`` field value from challenges (the parser's inverse)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rfcauth._errors import UsageError
from rfcauth.challenge._values import Challenge
from rfcauth.grammar import _abnf

__all__ = ["format_www_authenticate"]

# The patterns go through re's own cache (compiled on first use: parsing never formats).
_NEEDS_ESCAPE = r'(["\\])'  # the two characters qdtext excludes (RFC 9110 §5.6.4)


def _quote(value: str, what: str) -> str:
    quoted = '"' + re.sub(_NEEDS_ESCAPE, r"\\\1", value) + '"'
    if not re.fullmatch(_abnf.QUOTED_STRING, quoted):
        raise UsageError(
            f"{what} {value!r} can't be sent: a quoted-string holds only HTAB, SP, visible "
            "ASCII and obs-text (RFC 9110 §5.6.4)"
        )
    return quoted


def format_www_authenticate(challenges: Iterable[Challenge] | Challenge) -> str:
    r"""The ``WWW-Authenticate`` field value for `challenges` (RFC 9110 Section 11.6.1).

    Writes the sender form: challenges joined by ``", "``, ``scheme SP token68`` or
    ``scheme SP name="value", ...``. Every parameter value is sent as a quoted-string (RFC
    9110 §11.5 requires it for ``realm``; it is always valid) with ``"`` and ``\`` escaped,
    so ``parse_www_authenticate(format_www_authenticate(x)) == x``.

    Args:
        challenges: the challenges in order (or a single `Challenge`).

    Returns:
        The field value (``""`` for no challenges).

    Raises:
        UsageError: something can't be represented: a scheme or parameter name that is not
            a token, a token68 that is not a token68, a value with CR, LF, NUL, another
            control character or a character above U+00FF; or an item that is not a
            `Challenge`.

    >>> format_www_authenticate([Challenge(scheme="Bearer", params={
    ...     "error": "invalid_token", "resource_metadata": "https://rs.example/.well-known/x"})])
    'Bearer error="invalid_token", resource_metadata="https://rs.example/.well-known/x"'
    """
    if isinstance(challenges, Challenge):
        challenges = (challenges,)
    given: object = challenges  # the annotation is a promise; check it
    if isinstance(given, (str, bytes)) or not isinstance(given, Iterable):
        raise UsageError("format_www_authenticate takes a Challenge or an iterable of them")
    parts = []
    for challenge in challenges:
        if not isinstance(challenge, Challenge):
            raise UsageError(f"expected Challenge values, not {type(challenge).__name__}")
        if not re.fullmatch(_abnf.TOKEN, challenge.scheme):
            raise UsageError(f"auth-scheme {challenge.scheme!r} is not a token (RFC 9110 §11.1)")
        if challenge.token68 is not None:
            if not re.fullmatch(_abnf.TOKEN68, challenge.token68):
                raise UsageError(f"{challenge.token68!r} is not a token68 (RFC 9110 §11.2)")
            parts.append(f"{challenge.scheme} {challenge.token68}")
            continue
        params = []
        for name, value in challenge.params.items():
            if not re.fullmatch(_abnf.TOKEN, name):
                raise UsageError(f"parameter name {name!r} is not a token (RFC 9110 §11.2)")
            params.append(f"{name}={_quote(value, f'parameter {name}')}")
        parts.append(f"{challenge.scheme} {', '.join(params)}" if params else challenge.scheme)
    return ", ".join(parts)
