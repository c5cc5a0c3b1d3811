"""The grammar files are the single source: the generated module matches them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from rfcauth.challenge import _stepwise
from rfcauth.grammar import _abnf, _generate

ROOT = Path(__file__).resolve().parents[2]


def test_generated_module_matches_the_grammar_files() -> None:
    # Regenerate in memory and compare: edit a .abnf file and forget `make regenerate`,
    # and this fails.
    committed = (ROOT / "rfcauth" / "grammar" / "_abnf.py").read_text("utf-8")
    assert _generate.generate(ROOT / "grammars") == committed


def test_generator_check_mode_agrees() -> None:
    assert _generate.main(["--check"]) == 0


@pytest.mark.parametrize("name", _abnf.__all__)
def test_every_constant_compiles(name: str) -> None:
    re.compile(getattr(_abnf, name))


def test_every_grammar_file_cites_its_rfc_and_is_ascii() -> None:
    files = sorted((ROOT / "grammars").glob("*.abnf"))
    assert len(files) >= 5
    for path in files:
        text = path.read_text("ascii")
        assert re.search(r"https://www\.rfc-editor\.org/rfc/rfc\d+|NOT from any RFC", text)


def test_recipient_list_form_is_written_out() -> None:
    text = (ROOT / "grammars" / "rfc9110-auth.abnf").read_text("ascii")
    assert 'WWW-Authenticate = [ challenge ] *( OWS "," OWS [ challenge ] )' in text
    assert "5.6.1.2" in text


def test_each_constant_quotes_its_abnf_above_it() -> None:
    lines = (ROOT / "rfcauth" / "grammar" / "_abnf.py").read_text("utf-8").splitlines()
    for index, line in enumerate(lines):
        if re.match(r"^[A-Z0-9_]+ = r", line):
            assert lines[index - 1].startswith("#"), line


@pytest.mark.parametrize("module", ["_parser.py", "_stepwise.py", "_bearer.py", "_format.py"])
def test_parser_compiles_only_generated_patterns(module: str) -> None:
    # No hand-written regex may duplicate a grammar rule: every pattern the challenge layer
    # compiles or matches takes an _abnf constant, except the two documented below.
    tree = ast.parse((ROOT / "rfcauth" / "challenge" / module).read_text("utf-8"))
    literal_patterns = [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "attr", "") in {"compile", "match", "fullmatch", "sub", "search"}
        and getattr(node.func, "value", None) is not None
        and getattr(node.func.value, "id", "") == "re"  # type: ignore[attr-defined]
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ]
    literal_names = [
        node.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        and any(isinstance(t, ast.Name) and t.id == "_NEEDS_ESCAPE" for t in node.targets)
    ]
    expected = {
        # the lenient resynchroniser's scanner: reads quoted text more loosely than qdtext
        "_stepwise.py": ['["\\\\]'],
        # the two characters qdtext excludes, escaped when a value is quoted (RFC 9110 §5.6.4)
        "_format.py": [],
    }
    assert literal_patterns == expected.get(module, [])
    assert literal_names == (['(["\\\\])'] if module == "_format.py" else [])
    if module == "_stepwise.py":
        assert _stepwise._QUOTE_OR_ESCAPE.pattern == '["\\\\]'


def test_structural_rules_are_quoted_not_compiled() -> None:
    assert not hasattr(_abnf, "WWW_AUTHENTICATE")
    assert not hasattr(_abnf, "CHALLENGE")
    text = (ROOT / "rfcauth" / "grammar" / "_abnf.py").read_text("utf-8")
    assert "# challenge   = auth-scheme [ 1*SP ( token68 /" in text


def test_an_optional_repetition_stays_optional() -> None:
    """``[ h16 ]`` (h16 = 1*4HEXDIG) must compile to ``(?:X{1,4})?``, not the lazy ``X{1,4}?``.

    The lazy form needs at least one digit, so RFC 3986's IP-literal lost ``[::1:2:3:4:5:6]``.
    """
    assert "}?" not in "".join(getattr(_abnf, name) for name in _abnf.__all__)
    for address in ("::1:2:3:4:5:6", "1::", "::", "::ffff:192.0.2.1", "2001:db8::8:800:200c:417a"):
        assert re.fullmatch(_abnf.IP_LITERAL, f"[{address}]"), address
    for bad in (":::", "1:2:3:4:5:6:7:8:9", "12345::", "::1::"):
        assert re.fullmatch(_abnf.IP_LITERAL, f"[{bad}]") is None, bad
