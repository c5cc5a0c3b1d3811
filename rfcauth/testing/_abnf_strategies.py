"""`from_abnf`: values of any rule in ``grammars/*.abnf``, by walking its ABNF (RFC 5234).

Theory of operation
-------------------
The ``abnf`` package loads the same grammar files the parsers are generated from and keeps
each rule's definition as a tree of parser objects: ``Alternation`` (RFC 5234 §3.2),
``Concatenation`` (§3.1), ``Repetition`` with a ``Repeat`` (§3.6, §3.7), ``Option`` (§3.8),
``Literal`` (a string, case-insensitive unless given as %s or numerically, §2.3, or a
``(first, last)`` value range, §3.4) and references to other rules. The walk turns each node
into a strategy: alternatives are ``one_of`` in grammar order (so shrinking prefers the first
one), repetitions are lists that shrink to their minimum, case-insensitive literals are drawn
in any case. Every rule becomes a ``deferred`` strategy, so a recursive grammar still works.
Unbounded repetitions are capped (`MAX_REPEAT` beyond the minimum) to keep values short.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["MAX_REPEAT", "from_abnf"]

#: How many repetitions beyond the minimum an unbounded ``*`` may draw.
MAX_REPEAT = 4


class _Walker:
    def __init__(self, grammar: Any, explicit: Mapping[str, st.SearchStrategy[str]]) -> None:  # noqa: ANN401 -- abnf's rule class is untyped
        self.grammar = grammar
        self.explicit = explicit
        self.rules: dict[str, st.SearchStrategy[str]] = {}

    def rule(self, name: str) -> st.SearchStrategy[str]:
        if name in self.explicit:
            return self.explicit[name]
        if name not in self.rules:
            definition = self.grammar(name).definition
            self.rules[name] = st.deferred(lambda: self.node(definition))
        return self.rules[name]

    def node(self, node: Any) -> st.SearchStrategy[str]:  # noqa: ANN401 -- one return per node type of abnf's untyped tree
        kind = type(node).__name__
        if kind == "Literal":
            return self.literal(node.value, case_sensitive=node.case_sensitive)
        if kind == "Alternation":
            return st.one_of([self.node(p) for p in node.parsers])
        if kind == "Concatenation":
            return st.tuples(*(self.node(p) for p in node.parsers)).map("".join)
        if kind == "Option":
            return st.one_of(st.just(""), self.node(node.alternation))
        if kind == "Repetition":
            low = node.repeat.min
            high = node.repeat.max if node.repeat.max is not None else low + MAX_REPEAT
            element = self.node(node.element)
            return st.lists(element, min_size=low, max_size=high).map("".join)
        if hasattr(node, "name") and hasattr(node, "definition"):
            return self.rule(node.name)
        raise InvalidArgument(f"the ABNF node {node!r} ({kind}) is not supported")

    @staticmethod
    def literal(value: str | tuple[str, str], *, case_sensitive: bool) -> st.SearchStrategy[str]:
        if isinstance(value, tuple):
            first, last = value
            return st.integers(ord(first), ord(last)).map(chr)
        if case_sensitive or value.lower() == value.upper():
            return st.just(value)
        return st.tuples(*(st.sampled_from([c.lower(), c.upper()]) for c in value)).map("".join)


def from_abnf(
    rule: str, *, explicit: Mapping[str, st.SearchStrategy[str]] | None = None
) -> st.SearchStrategy[str]:
    """Strings that match the ABNF rule `rule` of ``grammars/*.abnf``.

    The grammar is the one rfcauth's parsers are generated from (RFC 9110 §11 for
    ``WWW-Authenticate``, RFC 6750 §3 and RFC 6749 Appendix A for ``scope`` and ``error``,
    RFC 3986 for ``URI``, RFC 5646 for ``Language-Tag``, RFC 9728 §5.1). Shrinks towards the
    first alternative and the fewest repetitions.

    Args:
        rule: a rule name, e.g. ``"challenge"``, ``"quoted-string"``, ``"scope"``.
        explicit: strategies to use instead of walking the named rules (e.g.
            ``{"token": st.sampled_from(["Bearer", "DPoP"])}``).

    Raises:
        InvalidArgument: (when drawn) an unknown rule, or an `explicit` value that is not a
            strategy.

    >>> from hypothesis import given
    >>> from rfcauth.grammar import reference
    >>> @given(from_abnf("auth-param"))
    ... def test(text):
    ...     assert reference.matches("auth-param", text)
    >>> test()
    """
    chosen = dict(explicit or {})

    def build() -> st.SearchStrategy[str]:
        from rfcauth.grammar.reference import grammar  # noqa: PLC0415 -- abnf loads when drawn

        if not isinstance(rule, str):
            raise InvalidArgument(f"rule={rule!r} must be a rule name")
        for name, value in chosen.items():
            if not isinstance(value, st.SearchStrategy):
                raise InvalidArgument(f"explicit[{name!r}]={value!r} must be a strategy")
        rules = grammar()
        if rules.get(rule) is None:
            raise InvalidArgument(f"no rule named {rule!r} in grammars/*.abnf")
        return _Walker(rules, chosen).rule(rule)

    return st.deferred(build)
