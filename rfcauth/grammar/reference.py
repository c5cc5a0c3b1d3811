"""The reference ``WWW-Authenticate`` parser: slow, strict, obviously correct.

It hands ``grammars/*.abnf`` to the ``abnf`` package (a general parser for ABNF) and reads
the challenges off the parse tree; the only rule it adds is RFC 9110 Section 11.2's "each
parameter name MUST only occur once per challenge", which ABNF can't express. It exists to
check the fast parser (``rfcauth.parse_www_authenticate``) in differential tests, and gives
the same result types. It is not imported by ``import rfcauth``; importing this module
imports ``abnf``, and the grammar is loaded on first use.

It implements strict mode only: lenient recovery is a policy of the fast parser, not a
grammar.

>>> from rfcauth.grammar import reference
>>> [(c.scheme, dict(c.params)) for c in reference.parse_www_authenticate('Bearer error="x"')]
[('Bearer', {'error': 'x'})]
"""

from __future__ import annotations

import functools
from typing import Any

from abnf.parser import ParseError, Rule

from rfcauth._errors import ChallengeParseError
from rfcauth.challenge._parser import DEFAULT_MAX_LENGTH, combine_field_lines
from rfcauth.challenge._values import Challenge
from rfcauth.grammar._generate import grammar_dir, load_grammar

__all__ = ["grammar", "matches", "parse_www_authenticate"]


@functools.cache
def grammar() -> type[Rule]:
    """The ``abnf`` rule class holding every rule of ``grammars/*.abnf`` (loaded once)."""

    class Grammar(Rule):
        """Rules from grammars/*.abnf (RFC 9110, RFC 6750, RFC 9728, RFC 3986, tolerances)."""

    load_grammar(Grammar, grammar_dir())
    return Grammar


def matches(rule: str, text: str) -> bool:
    """Whether all of `text` matches the ABNF rule named `rule` (e.g. ``"scope"``)."""
    try:
        grammar()(rule).parse_all(text)
    except ParseError:
        return False
    return True


def _offset(node: Any) -> int:  # noqa: ANN401 -- abnf's tree is untyped
    while node.name != "literal":
        node = node.children[0]
    return int(node.offset)


def _unquote(node: Any) -> str:  # noqa: ANN401 -- abnf's tree is untyped
    """The value of a quoted-string node: qdtext as is, quoted-pair without its backslash."""
    between_quotes = node.children[1:-1]
    return "".join(c.value[1:] if c.name == "quoted-pair" else c.value for c in between_quotes)


def _challenge(node: Any, value: str) -> Challenge:  # noqa: ANN401 -- abnf's tree is untyped
    scheme = ""
    token68 = None
    params: dict[str, str] = {}
    for child in node.children:
        if child.name == "auth-scheme":
            scheme = child.value
        elif child.name == "token68":
            token68 = child.value
        elif child.name == "auth-param":
            name = child.children[0].value.lower()
            data = child.children[-1]
            if name in params:
                raise ChallengeParseError(
                    f"parameter {name!r} occurs twice in one challenge (RFC 9110 §11.2)",
                    value=value,
                    position=_offset(child),
                    rule="auth-param",
                )
            params[name] = _unquote(data) if data.name == "quoted-string" else data.value
    return Challenge(scheme=scheme, token68=token68, params=params)


def parse_www_authenticate(
    value: object, *, max_length: int = DEFAULT_MAX_LENGTH
) -> tuple[Challenge, ...]:
    """Parse like ``rfcauth.parse_www_authenticate(value, strict=True)``, via ``abnf``.

    Raises:
        ChallengeParseError: the value does not match ``WWW-Authenticate`` (position where
            the ``abnf`` parse stopped), repeats a parameter name, or is too long.
        UsageError: `value` is not str, bytes or a sequence of them.
    """
    text = combine_field_lines(value, max_length=max_length).strip(" \t")
    try:
        tree = grammar()("WWW-Authenticate").parse_all(text)
    except ParseError as exc:
        raise ChallengeParseError(
            "does not match the WWW-Authenticate grammar",
            value=text,
            position=exc.start,
            rule="WWW-Authenticate",
        ) from None
    except RecursionError:  # pragma: no cover -- inputs far beyond what tests use
        raise ChallengeParseError(
            "too deeply nested for the reference parser",
            value=text,
            position=0,
            rule="WWW-Authenticate",
        ) from None
    return tuple(_challenge(c, text) for c in tree.children if c.name == "challenge")
