"""The `rfcauth` command: demo and parse (challenge parsing, issue 2)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from typing import TYPE_CHECKING

from rfcauth.challenge._examples import EXAMPLES
from rfcauth.cli import _main as _cli

if TYPE_CHECKING:
    import pytest


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
    rows = json.loads(text)
    assert code == 0
    assert [r["name"] for r in rows] == [e.name for e in EXAMPLES]
    assert rows[0]["bearer"]["error"] == "invalid_token"
    assert rows[0]["bearer"]["resource_metadata"] is None


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
    assert json.loads(text)["rule"] == "auth-param"
    capsys.readouterr()


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


def test_console_script_runs() -> None:
    code = "import sys, rfcauth.cli._main as c; sys.exit(c.main(['parse', 'Basic realm=x']))"
    result = subprocess.run(  # noqa: S603 -- our own interpreter, fixed arguments
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert 'realm = "x"' in result.stdout
