"""Compile ``grammars/*.abnf`` into the committed regex module ``rfcauth/grammar/_abnf.py``.

Theory of operation: the ``abnf`` package reads the grammar files (the single source of
truth) into its rule tree; this module walks that tree and writes one Python regular
expression per rule, with the rule's ABNF text quoted above it. Rule references are
inlined, alternations of single characters are merged into one character class, and
ABNF strings are case-insensitive (RFC 5234 Section 2.3). Two rules are *structural*
(``WWW-Authenticate`` and ``challenge``): nested comma lists would backtrack badly as one
regex, so they are parsed by the short loop in ``rfcauth/challenge/_parser.py`` over the leaf
patterns instead, and the generated module only quotes them. A second section emits the
pieces of those rules the loop needs (the list delimiter, the ``1*SP`` after the scheme,
the one-step lookahead ``token BWS "="``), taken from the same rule tree.

Run ``python -m rfcauth.grammar._generate`` (or ``make regenerate``) after editing a grammar;
``--check`` exits 1 when the committed module is stale. This module imports ``abnf`` and
is never imported by ``rfcauth`` itself.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from abnf.parser import Alternation, Concatenation, Literal, Option, Prose, Repetition, Rule

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

__all__ = ["GRAMMAR_DIR", "OUTPUT", "generate", "grammar_dir", "load_grammar", "main"]

OUTPUT = Path(__file__).with_name("_abnf.py")
GRAMMAR_DIR = Path(__file__).resolve().parents[2] / "grammars"

#: Rules whose comma lists the parser loop walks instead of one regex (see module docstring).
STRUCTURAL = frozenset({"WWW-Authenticate", "challenge"})

_LATIN1_MAX = 0xFF
_RULE_START = re.compile(r"^([A-Za-z][A-Za-z0-9-]*)\s*=")


def grammar_dir() -> Path:
    """Where ``grammars/`` is: next to the package in a checkout, inside it in a wheel."""
    for candidate in (GRAMMAR_DIR, Path(__file__).resolve().parents[1] / "grammars"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("grammars/*.abnf not found next to or inside the rfcauth package")


def load_grammar(rule_class: type[Any], directory: Path) -> list[tuple[Path, list[str]]]:
    """Load every ``*.abnf`` file into `rule_class`; return each file with its rule names."""
    files = []
    for path in sorted(directory.glob("*.abnf")):
        rule_class.from_file(path)
        lines = path.read_text("ascii").splitlines()
        names = [m.group(1) for m in map(_RULE_START.match, lines) if m]
        files.append((path, names))
    return files


def rule_sources(path: Path) -> dict[str, str]:
    """The verbatim ABNF text of each rule in `path` (continuation lines included)."""
    sources: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in path.read_text("ascii").splitlines():
        match = _RULE_START.match(line)
        if match:
            current = sources.setdefault(match.group(1), [])
            current.append(line.rstrip())
        elif current is not None and line[:1] in {" ", "\t"} and line.strip():
            current.append(line.rstrip())
        else:
            current = None
    return {name: "\n".join(lines) for name, lines in sources.items()}


# --- regex construction ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Chars:
    """A set of code points, kept as sorted inclusive ranges."""

    ranges: tuple[tuple[int, int], ...]

    def union(self, other: _Chars) -> _Chars:
        merged: list[tuple[int, int]] = []
        for lo, hi in sorted(self.ranges + other.ranges):
            if merged and lo <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
            else:
                merged.append((lo, hi))
        return _Chars(tuple(merged))

    def regex(self) -> str:
        if len(self.ranges) == 1 and self.ranges[0][0] == self.ranges[0][1]:
            return _char(self.ranges[0][0], in_class=False)
        parts = []
        for lo, hi in self.ranges:
            if lo == hi:
                parts.append(_char(lo, in_class=True))
            elif hi == lo + 1:
                parts.append(_char(lo, in_class=True) + _char(hi, in_class=True))
            else:
                parts.append(f"{_char(lo, in_class=True)}-{_char(hi, in_class=True)}")
        return f"[{''.join(parts)}]"


def _char(code: int, *, in_class: bool) -> str:
    ch = chr(code)
    if ch.isascii() and ch.isalnum():
        return ch
    if not in_class and ch in "!#%&',-/:;<=>@_`~":
        return ch
    if in_class and ch in "!#%&',/:;<=>@_`~.+*?$|(){}":
        return ch
    return f"\\x{code:02x}" if code <= _LATIN1_MAX else f"\\u{code:04x}"


@dataclass(frozen=True, slots=True)
class _Regex:
    """A regex fragment.

    `atomic` when it needs no group inside a sequence; `quantified` when it ends in a quantifier,
    so that a second one needs a group (``X{1,4}?`` would be lazy, not optional).
    """

    text: str
    atomic: bool
    quantified: bool = False


_Fragment = _Chars | _Regex


def _as_regex(fragment: _Fragment) -> _Regex:
    if isinstance(fragment, _Chars):
        return _Regex(fragment.regex(), atomic=True)
    return fragment


def _group(fragment: _Fragment) -> str:
    """`fragment` ready for a quantifier."""
    regex = _as_regex(fragment)
    return regex.text if regex.atomic and not regex.quantified else f"(?:{regex.text})"


def _in_sequence(fragment: _Fragment) -> str:
    """`fragment` ready to be concatenated with others."""
    regex = _as_regex(fragment)
    return regex.text if regex.atomic else f"(?:{regex.text})"


def _literal(node: Any) -> _Fragment:  # noqa: ANN401 -- abnf's tree is untyped
    if isinstance(node.value, tuple):
        return _Chars(((ord(node.value[0]), ord(node.value[1])),))
    pieces: list[_Fragment] = []
    for ch in node.value:
        chars = _Chars(((ord(ch), ord(ch)),))
        if not node.case_sensitive and ch.isascii() and ch.isalpha():
            other = ch.swapcase()
            chars = chars.union(_Chars(((ord(other), ord(other)),)))
        pieces.append(chars)
    if len(pieces) == 1:
        return pieces[0]
    return _Regex("".join(_as_regex(p).text for p in pieces), atomic=False)


def _quantifier(low: int, high: int | None) -> str:
    if (low, high) == (0, None):
        return "*"
    if (low, high) == (1, None):
        return "+"
    if (low, high) == (0, 1):
        return "?"
    if high is None:
        return f"{{{low},}}"
    if low == high:
        return f"{{{low}}}"
    return f"{{{low},{high}}}"


def compile_node(  # noqa: C901, PLR0911, PLR0912 -- one branch per ABNF operator
    node: Any,  # noqa: ANN401 -- abnf's tree is untyped
    captures: dict[int, str | tuple[str, ...]] | None = None,
) -> _Fragment:
    """The regex for one node of the ``abnf`` rule tree (rule references are inlined).

    `captures` maps element indexes of a top-level concatenation to a named group, or to a
    tuple of names, one group per alternative of the alternation at that index.
    """
    if isinstance(node, Rule):
        return compile_node(node.definition)
    if isinstance(node, Literal):
        return _literal(node)
    if isinstance(node, Alternation):
        alternatives = [compile_node(p) for p in node.parsers]
        if all(isinstance(a, _Chars) for a in alternatives):
            merged = _Chars(())
            for alternative in alternatives:
                assert isinstance(alternative, _Chars)  # noqa: S101 -- narrowed by all() above
                merged = merged.union(alternative)
            return merged
        return _Regex("|".join(_as_regex(a).text for a in alternatives), atomic=False)
    if isinstance(node, Concatenation):
        parts = []
        for index, part in enumerate(node.parsers):
            capture = captures.get(index) if captures else None
            if isinstance(capture, tuple):  # one group per alternative of an alternation
                branches = [
                    f"(?P<{name}>{_as_regex(compile_node(branch)).text})"
                    for name, branch in zip(capture, part.parsers, strict=True)
                ]
                parts.append(f"(?:{'|'.join(branches)})")
            elif capture:
                parts.append(f"(?P<{capture}>{_as_regex(compile_node(part)).text})")
            else:
                parts.append(_in_sequence(compile_node(part)))
        return _Regex("".join(parts), atomic=False)
    if isinstance(node, Option):
        return _Regex(f"{_group(compile_node(node.alternation))}?", atomic=True, quantified=True)
    if isinstance(node, Repetition):
        low, high = node.repeat.min, node.repeat.max
        if high == 0:
            return _Regex("", atomic=False)
        unrolled = _unrolled(node) if (low, high) == (0, None) else None
        if unrolled is not None:
            return unrolled
        quantified = f"{_group(compile_node(node.element))}{_quantifier(low, high)}"
        return _Regex(quantified, atomic=True, quantified=True)
    if isinstance(node, Prose):  # pragma: no cover -- grammars use prose only as 0<...>
        raise TypeError("prose-val cannot be compiled to a regex")
    raise TypeError(f"unknown abnf node {node!r}")  # pragma: no cover


def _alternatives(node: Any) -> list[Any]:  # noqa: ANN401 -- abnf's tree is untyped
    """The alternatives of `node`, looking through rule references and nested alternations."""
    while isinstance(node, Rule):
        node = node.definition
    if not isinstance(node, Alternation):
        return [node]
    return [leaf for parser in node.parsers for leaf in _alternatives(parser)]


def _unrolled(node: Any) -> _Regex | None:  # noqa: ANN401 -- abnf's tree is untyped
    """``*( chars / other )`` as ``chars*(?:other chars*)*`` ("unrolling the loop").

    All single-character alternatives are merged into one class. The same language (a
    sequence of both is runs of `chars` between `other`s), but the
    regex engine spends its time in a tight single-class loop instead of trying an
    alternation per character: quoted-string matching gets several times faster.
    """
    alternatives = [compile_node(p) for p in _alternatives(node.element)]
    if len(alternatives) < 2:  # noqa: PLR2004 -- an alternation has two or more
        return None
    chars = _Chars(())
    for alternative in alternatives:
        if isinstance(alternative, _Chars):
            chars = chars.union(alternative)
    others = [_as_regex(a).text for a in alternatives if not isinstance(a, _Chars)]
    if not chars.ranges or not others:
        return None
    run = f"{chars.regex()}*"
    other = f"(?:{'|'.join(others)})"
    return _Regex(f"{run}(?:{other}{run})*", atomic=False)


def constant_name(rule_name: str) -> str:
    """``auth-param`` -> ``AUTH_PARAM`` (the generated module's naming rule)."""
    return rule_name.upper().replace("-", "_")


# --- parser patterns: pieces of the structural rules ------------------------------------


@dataclass(frozen=True, slots=True)
class _Piece:
    name: str
    rule: str
    what: str
    select: Callable[[Any], Any]
    captures: dict[int, str | tuple[str, ...]] | None = None


def _subsequence(node: Any, start: int, stop: int) -> Any:  # noqa: ANN401 -- abnf's tree
    return Concatenation(*node.parsers[start:stop])


_PIECES = (
    _Piece(
        "LIST_DELIMITER",
        "WWW-Authenticate",
        'OWS "," OWS: the delimiter of the recipient #rule expansion (RFC 9110 Section 5.6.1.2)',
        lambda d: _subsequence(d.parsers[1].element, 0, 3),
    ),
    _Piece(
        "CHALLENGE_SPACE",
        "challenge",
        "1*SP: between auth-scheme and token68 / auth-params (RFC 9110 Section 11.3)",
        lambda d: d.parsers[1].alternation.parsers[0],
    ),
    _Piece(
        "AUTH_PARAM_START",
        "auth-param",
        'token BWS "=": the one-step lookahead after a comma; a bare token starts a challenge',
        lambda d: _subsequence(d, 0, 3),
    ),
    _Piece(
        "AUTH_PARAM_PARTS",
        "auth-param",
        "the whole rule, with groups for the name and the value",
        lambda d: d,
        {0: "name", 4: "value"},
    ),
    _Piece(
        "AUTH_PARAM_FIELDS",
        "auth-param",
        "the whole rule, with groups for the name, a token value and a quoted-string value",
        lambda d: d,
        {0: "name", 4: ("token", "quoted")},
    ),
    _Piece(
        "AUTH_PARAM_VALUE",
        "auth-param",
        "( token / quoted-string ): the value alone",
        lambda d: d.parsers[4],
    ),
    _Piece(
        "QUOTED_STRING_PREFIX",
        "quoted-string",
        "DQUOTE *( qdtext / quoted-pair ): how far a broken quoted-string is valid",
        lambda d: _subsequence(d, 0, 2),
    ),
    _Piece(
        "QUOTED_PAIR_PARTS",
        "quoted-pair",
        "the whole rule, with a group for the escaped character (for unescaping)",
        lambda d: d,
        {1: "char"},
    ),
)


def _emit_constant(name: str, regex: str) -> str:
    quote = '"' if '"' not in regex else "'"
    return f"{name} = r{quote}{regex}{quote}"


def _lines(rule_class: type[Any], files: list[tuple[Path, list[str]]]) -> Iterator[str]:
    yield '"""Regular expressions compiled from ``grammars/*.abnf``: GENERATED, do not edit.'
    yield ""
    yield "Regenerate with ``python -m rfcauth.grammar._generate`` (``make regenerate``). A test"
    yield "regenerates this module and fails on any difference, so the grammar files stay the"
    yield "single source. One constant per rule, named after it (``auth-param`` -> ``AUTH_PARAM``),"
    yield "with the rule's ABNF quoted above it; each is a standalone pattern string (rule"
    yield "references inlined). Compile them where they are used."
    yield '"""'
    yield ""
    yield "# The ABNF comments are not commented-out code, the patterns are not passwords, and a"
    yield "# pattern is one line however long it is."
    yield "# ruff: noqa: E501, ERA001, S105"
    yield ""
    yield "from __future__ import annotations"
    all_names: list[str] = []
    for path, names in files:
        sources = rule_sources(path)
        yield ""
        yield f"# --- grammars/{path.name} " + "-" * max(3, 80 - len(path.name))
        for rule_name in names:
            yield ""
            yield from (f"# {line}" if line else "#" for line in sources[rule_name].splitlines())
            if rule_name in STRUCTURAL:
                yield "# (structural: walked by the list loop in rfcauth/challenge/_parser.py)"
                continue
            name = constant_name(rule_name)
            all_names.append(name)
            yield _emit_constant(name, _as_regex(compile_node(rule_class(rule_name))).text)
    yield ""
    yield "# --- parser patterns: pieces of the rules above, for the list loop " + "-" * 27
    for piece in _PIECES:
        yield ""
        yield f"# {piece.rule}: {piece.what}"
        node = piece.select(rule_class(piece.rule).definition)
        all_names.append(piece.name)
        yield _emit_constant(piece.name, _as_regex(compile_node(node, piece.captures)).text)
    yield ""
    yield "__all__ = ["
    yield from (f'    "{name}",' for name in sorted(all_names))
    yield "]"


def generate(directory: Path | None = None) -> str:
    """The text of the generated module for the grammars in `directory`."""

    class _Grammar(Rule):  # a fresh symbol table per call
        pass

    files = load_grammar(_Grammar, directory or grammar_dir())
    return "\n".join(_lines(_Grammar, files)) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check`` compare) ``rfcauth/grammar/_abnf.py``."""
    parser = argparse.ArgumentParser(
        prog="python -m rfcauth.grammar._generate", description=__doc__
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if the module is stale")
    args = parser.parse_args(argv)
    text = generate()
    if args.check:
        current = OUTPUT.read_text("utf-8") if OUTPUT.exists() else ""
        if current != text:
            sys.stderr.write(f"{OUTPUT} is stale: run `make regenerate`\n")
            return 1
        return 0
    OUTPUT.write_text(text, "utf-8")
    sys.stdout.write(f"wrote {OUTPUT}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
