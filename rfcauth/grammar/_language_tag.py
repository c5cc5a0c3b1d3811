"""Well-formed BCP 47 language tags (RFC 5646 §2.1), for RFC 9728 §2.1 member names.

RFC 9728 §2.1 names a human-readable value in another language ``<member>#<tag>``, where the tag
is a BCP 47 language tag; `rfcauth.metadata._members.translated_member` applies that rule with
`is_language_tag`. Well-formed, not valid: the subtags are not looked up in the IANA registry
(RFC 5646 §2.2.9).

The pattern is compiled from grammars/rfc5646-language-tag.abnf. Each repetition in it is of a
bounded subtag that no neighbouring rule also matches, so matching is linear.
"""

from __future__ import annotations

import re
from typing import Final

from rfcauth.grammar._abnf import LANGUAGE_TAG

__all__ = ["LANGUAGE_TAG", "is_language_tag"]

_TAG: Final = re.compile(f"(?:{LANGUAGE_TAG})")


def is_language_tag(tag: str) -> bool:
    """True when `tag` is a well-formed RFC 5646 language tag (case-insensitive, ASCII only).

    >>> [is_language_tag(t) for t in ("ja", "zh-Hant-TW", "de-CH-1996", "i-klingon", "", "en_US")]
    [True, True, True, True, False, False]
    """
    return tag.isascii() and _TAG.fullmatch(tag) is not None
