"""Every exception rfcauth raises, under one root.

::

    RfcAuthError                      root: `except rfcauth.RfcAuthError` catches them all
     ├── ChallengeParseError          (also ValueError) WWW-Authenticate does not parse;
     │                                .value, .position, .rule, caret excerpt in the message
     ├── MetadataError                (also ValueError) a metadata document breaks RFC 8414 /
     │                                RFC 9728 / OIDC rules; .violations lists *all* of them
     └── UsageError                   (also TypeError) the caller passed something rfcauth
                                      cannot work with (wrong type, bad option); never raised
                                      for bad *server* data

Server data is never a reason for anything else to escape: parsers raise their own error type,
and the decision function turns malformed documents into reasoned actions instead of raising.
"""

from __future__ import annotations

import functools
import re

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see rfcauth._frozen)
if TYPE_CHECKING:
    from rfcauth._violation import Violation

__all__ = [
    "ChallengeParseError",
    "MetadataError",
    "RfcAuthError",
    "UsageError",
]

_EXCERPT_RADIUS = 32


class RfcAuthError(Exception):
    """Root of every exception rfcauth raises."""


class UsageError(RfcAuthError, TypeError):
    """The caller used the API wrongly (wrong argument type, contradictory options)."""


def _escape_char(ch: str) -> str:
    if " " <= ch <= "~":
        return ch
    return ascii(ch)[1:-1] if ch != "\t" else "\\t"


@functools.cache
def _not_printable() -> re.Pattern[str]:
    # compiled on first use: only an error needs it, and a parse should start fast
    return re.compile(r"[^ -~]")


def _escape(text: str) -> str:
    # one C-level pass; only the rare non-printable characters reach _escape_char
    return _not_printable().sub(lambda m: _escape_char(m.group()), text)


def caret_excerpt(value: str, position: int, radius: int = _EXCERPT_RADIUS) -> str:
    """Two lines: an escaped window of `value` around `position`, and a caret under it.

    Non-printable characters are shown escaped so that the excerpt is safe to log; the caret
    accounts for the width of each escape.

    >>> print(caret_excerpt('Bearer realm="x', 13))
    Bearer realm="x
                 ^
    """
    position = max(0, min(position, len(value)))
    start = max(0, position - radius)
    end = min(len(value), position + radius)
    before = _escape(value[start:position])
    after = _escape(value[position:end])
    lead = "..." if start > 0 else ""
    tail = "..." if end < len(value) else ""
    return f"{lead}{before}{after}{tail}\n{' ' * (len(lead) + len(before))}^"


class ChallengeParseError(RfcAuthError, ValueError):
    """A ``WWW-Authenticate`` field value does not match RFC 9110 §11.

    Attributes:
        value: the (combined, stripped) field value that was parsed.
        position: offset into `value` where parsing failed.
        rule: the ABNF rule (or RFC rule name) that was expected there.
        reason: a short human-readable description, without the excerpt.
    """

    def __init__(self, reason: str, *, value: str, position: int, rule: str) -> None:
        """Build the error; the message gets the rule, the offset and a caret excerpt."""
        self.reason = reason
        self.value = value
        self.position = position
        self.rule = rule
        excerpt = caret_excerpt(value, position)
        super().__init__(f"{reason} (rule {rule}, position {position})\n{excerpt}")


class MetadataError(RfcAuthError, ValueError):
    """A metadata document breaks one or more rules; `violations` lists every one of them."""

    def __init__(self, violations: tuple[Violation, ...] | list[Violation], *, kind: str) -> None:
        """Build the error from every violation found in a document of `kind`."""
        self.violations: tuple[Violation, ...] = tuple(violations)
        self.kind = kind
        lines = "\n".join(f"  - {v}" for v in self.violations)
        count = len(self.violations)
        noun = "violation" if count == 1 else "violations"
        super().__init__(f"invalid {kind}: {count} {noun}\n{lines}")

    @property
    def codes(self) -> frozenset[str]:
        """The set of rule ids that were broken."""
        return frozenset(v.code for v in self.violations)
