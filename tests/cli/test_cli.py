"""The `rfcauth` command: ``demo`` and ``parse``."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rfcauth.challenge import parse_www_authenticate
from rfcauth.challenge._examples import EXAMPLES
from rfcauth.cli import _main as _cli
from rfcauth.cli._explain import _text


def run(*argv: str, stdin: str | None = None, monkeypatch=None) -> tuple[int, str]:
    out = io.StringIO()
    if stdin is not None and monkeypatch is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return _cli.main(list(argv), out), out.getvalue()


def test_demo_explains_every_example_seed_first() -> None:
    code, text = run("demo")
    assert code == 0
    first = text.index("1. seed-invalid-token-no-hint")
    assert text.index('WWW-Authenticate: Bearer error="invalid_token"') > first
    assert "No resource_metadata hint: fall back to well-known discovery" in text
    for example in EXAMPLES:
        assert example.name in text
    assert "skipped Bearer" in text  # the duplicate resource_metadata header
    assert "duplicate_parameter" in text
    assert "tolerated unquoted_uri_value" in text


def test_demo_json_is_machine_readable() -> None:
    code, text = run("demo", "--json")
    data = json.loads(text)
    rows = data["headers"]
    assert code == 0
    assert [r["name"] for r in rows] == [e.name for e in EXAMPLES]
    assert rows[0]["bearer"]["error"] == "invalid_token"
    assert rows[0]["bearer"]["resource_metadata"] is None
    assert rows[0]["strict"] == {"valid": True}
    # the discovery part the text output ends with is there too
    discovery = data["discovery"]
    assert discovery["scenario"] == "seed-legacy-origin-metadata"
    assert discovery["outcome"]["action"] == "Authorize"
    assert discovery["exchanges"][-1]["url"] == (
        "https://mcp.example.com/.well-known/oauth-authorization-server"
    )


def test_parse_ok_and_several_field_lines() -> None:
    code, text = run("parse", 'Basic realm="a"', 'Bearer resource_metadata="https://x/prm"')
    assert code == 0
    assert 'challenge "Basic"' in text
    assert 'resource_metadata = "https://x/prm"' in text


def test_parse_error_exits_1_with_a_caret(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run("parse", 'Bearer realm="x')
    assert code == 1
    err = capsys.readouterr().err
    assert "never closed" in err
    assert "^" in err


def test_parse_lenient_json_reports_skipped() -> None:
    code, text = run("parse", "--lenient", "--json", 'Bearer a="1", a="2', "Basic realm=x")
    data = json.loads(text)
    assert code == 0
    assert [c["scheme"] for c in data["challenges"]] == ["Basic"]
    assert data["skipped"][0]["scheme"] == "Bearer"


def test_parse_json_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, text = run("parse", "--json", "Bearer a=1, a=2")
    assert code == 1
    assert json.loads(text) == {
        "error": {
            "code": "challenge_parse_error",
            "message": "parameter 'a' occurs twice in one challenge (RFC 9110 §11.2: each "
            "parameter name MUST only occur once)",
            "exit": 1,
            "rule": "auth-param",
            "position": 12,
        }
    }
    assert "^" in capsys.readouterr().err


def test_parse_reads_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    code, text = run(
        "parse", "-", stdin='Bearer error="x"\nresource_metadata="u"\n', monkeypatch=monkeypatch
    )
    assert code == 0
    assert 'error = "x"' in text
    assert 'resource_metadata = "u"' in text


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("nonsense")[0] == 2
    assert run("parse")[0] == 2
    assert run()[0] == 2
    capsys.readouterr()


def test_control_characters_are_escaped_in_output() -> None:
    code, text = run("parse", "--lenient", 'Basic realm="\x1b[31m", Bearer realm="\xe9"')
    assert code == 0
    assert "\x1b" not in text


def test_c1_controls_are_escaped_in_output_too() -> None:
    # obs-text (RFC 9110 §5.6.4) lets a quoted-string carry U+0080..U+009F; U+009B is CSI,
    # which some terminals read as ESC [
    # (argv is read as the bytes the shell passed: U+009B arrives as UTF-8, C2 9B, and each
    # byte is one ISO-8859-1 character, RFC 9110 §5.5)
    code, text = run("parse", 'Bearer realm="\x9b31m\x85"')
    assert code == 0
    assert 'realm = "\u00c2\\u009b31m\u00c2\\u0085"' in text
    assert not any(0x7F <= ord(c) <= 0x9F for c in text)


@given(st.text())
def test_a_shown_value_is_a_json_string_without_control_characters(value: str) -> None:
    shown = _text(value)
    assert json.loads(shown) == value
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in shown)


def test_console_script_runs() -> None:
    code = "import sys, rfcauth.cli._main as c; sys.exit(c.main(['parse', 'Basic realm=x']))"
    result = subprocess.run(  # noqa: S603 -- our own interpreter, fixed arguments
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert 'realm = "x"' in result.stdout


def test_parse_reads_arguments_as_bytes() -> None:
    """An obs-text byte (RFC 9110 §5.5) parses from argv as the library parses the bytes."""
    # Python hands a non-UTF-8 argv byte over as a lone surrogate (PEP 383)
    argument = b'Bearer realm="\xff"'.decode(sys.getfilesystemencoding(), "surrogateescape")
    code, text = run("parse", "--json", argument)
    assert code == 0
    assert json.loads(text)["challenges"][0]["params"] == {"realm": "\xff"}
    library = parse_www_authenticate(b'Bearer realm="\xff"')
    assert json.loads(text)["challenges"][0]["params"] == dict(library[0].params)


def test_parse_reads_raw_bytes_from_a_real_command_line() -> None:
    result = subprocess.run(  # noqa: S603 -- our own interpreter, fixed arguments
        [sys.executable, "-m", "rfcauth.cli", "parse", "--json", b'Bearer realm="caf\xe9"'],
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["bearer"]["realm"] == "caf\xe9"


def test_parse_reads_stdin_as_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(b'Bearer realm="\xff"\r\nerror="invalid_token"\n'))
    monkeypatch.setattr(sys, "stdin", stdin)
    code, text = run("parse", "--json", "-")
    data = json.loads(text)
    assert code == 0
    assert data["bearer"]["realm"] == "\xff"
    assert data["bearer"]["error"] == "invalid_token"


def test_parse_refuses_a_character_that_is_not_a_byte(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run("parse", 'Bearer realm="\ud800"')
    assert code == 2
    assert "not a sequence of bytes" in capsys.readouterr().err


def test_parse_lenient_shows_the_strict_verdict() -> None:
    code, text = run("parse", "--lenient", 'Bearer a="1", a="2", Basic realm=x')
    assert code == 0
    assert "strict: valid" not in text
    assert text.startswith("  strict: rejected, parameter 'a' occurs twice")
    code, text = run("parse", "--lenient", "--json", 'Bearer a="1", a="2"')
    assert json.loads(text)["strict"] == {
        "valid": False,
        "rule": "auth-param",
        "position": 14,
        "reason": "parameter 'a' occurs twice in one challenge (RFC 9110 §11.2: each parameter "
        "name MUST only occur once)",
    }
    code, text = run("parse", "--lenient", "Basic realm=x")
    assert text.startswith("  strict: valid RFC 9110 field value")


@pytest.mark.parametrize(
    ("hint", "expected"),
    [
        ("https://mcp.example.com/prm", "Fetch protected resource metadata from"),
        ("http://mcp.example.com/prm", "is http, so it fails the https check"),
        ("/relative/prm", "The resource_metadata hint is malformed"),
        ("https://mcp.example.com/prm#frag", "is not an absolute https URL without a fragment"),
    ],
)
def test_parse_advice_on_the_hint(hint: str, expected: str) -> None:
    code, text = run("parse", "--json", f'Bearer resource_metadata="{hint}"')
    assert code == 0
    advice = json.loads(text)["advice"]
    assert len(advice) == 1
    assert expected in advice[0]
    if not hint.startswith("https") or "#" in hint:
        assert "fall back to well-known discovery" in advice[0]
        assert "Fetch" not in advice[0]


@pytest.mark.parametrize(
    "argv",
    [
        ("parse", "--json", 'Bearer error="invalid_token"'),
        ("parse", "--json", "--lenient", 'Negotiate "broken, Bearer realm="api", scope="a b"'),
        ("parse", "--json", 'Bearer scope="a\\"b", error=x, DPoP algs="ES256"', "Basic x==="),
        ("demo", "--json"),
    ],
)
def test_json_output_matches_its_documented_shape(argv: tuple[str, ...]) -> None:
    from rfcauth.cli._commands import load_commands  # noqa: PLC0415

    json_shape = {c.name: c.json_shape for c in load_commands()}[argv[0]]
    assert json_shape is not None
    shape = json_shape()
    code, text = run(*argv)
    assert code == 0
    jsonschema.validate(json.loads(text), shape)
