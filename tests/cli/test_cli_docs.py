"""docs/cli.md is generated from the parser and the command table; it must be fresh."""

from __future__ import annotations

import io
import re

from rfcauth.cli import _docs
from rfcauth.cli._commands import Example, load_commands


def test_docs_cli_md_is_fresh() -> None:
    assert _docs.DOCS_PATH.read_text("utf-8") == _docs.render(), (
        "docs/cli.md is stale: run `make docs` (python -m rfcauth.cli._docs)"
    )


def test_the_reference_documents_every_subcommand_with_an_example() -> None:
    text = _docs.render()
    for command in load_commands():
        assert f"## `rfcauth {command.name}`" in text
        assert command.examples, command.name
        assert f"$ rfcauth {command.name}" in text


def test_check_mode_reports_staleness(tmp_path, monkeypatch) -> None:
    stale = tmp_path / "cli.md"
    stale.write_text("old\n", "utf-8")
    monkeypatch.setattr(_docs, "DOCS_PATH", stale)
    assert _docs.main_docs(["--check"]) == 1
    assert _docs.main_docs([]) == 0
    assert _docs.main_docs(["--check"]) == 0


def test_a_new_subcommand_is_one_module_and_one_line(tmp_path, monkeypatch) -> None:
    """What adding ``vectors``/``probe``/``login`` takes: its module and one row in the table."""
    (tmp_path / "rfcauth_cli_hello.py").write_text(
        "from rfcauth.cli._commands import Command, Example\n"
        "def configure(parser):\n"
        "    parser.add_argument('--json', action='store_true')\n"
        "def run(args, out):\n"
        "    out.line('hello')\n"
        "    return 0\n"
        "COMMAND = Command(name='hello', help='say hello', description='Say hello.',\n"
        "                  configure=configure, run=run, examples=(Example(argv=('hello',)),))\n",
        "utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    from rfcauth.cli import _commands, _main  # noqa: PLC0415

    monkeypatch.setitem(_commands.MODULES, "hello", "rfcauth_cli_hello")
    assert "hello" in _main.build_parser().format_help()
    text = _docs.render()
    assert "## `rfcauth hello`" in text
    assert "$ rfcauth hello\nhello\n```\nexit code 0" in text
    assert _main.main(["hello", "--json", "--bad"], io.StringIO()) == 2


def test_probe_and_login_examples_are_real_runs_with_placeholders() -> None:
    """The reference shows live runs against the test worlds, with nothing run-specific left."""
    text = _docs.render()
    assert "$ rfcauth probe http://127.0.0.1:PORT/mcp\n" in text
    assert "rfcauth (compatible): authorizes with http://127.0.0.1:PORT (2025-03-26" in text
    assert "participant AS1 as Authorization server http://127.0.0.1:AS_PORT" in text
    assert "logged in: authorization_code grant at http://127.0.0.1:PORT\n" in text
    assert "   call echo: ok\n      hi\n" in text
    assert "client_id=CLIENT_ID&" in text
    assert "code_challenge=…&" in text
    assert not re.search(r"127\.0\.0\.1(:|%3A)\d", text)
    assert not re.search(r"dyn-[0-9a-f]{8}", text)
    # A fenced diagram inside an example does not end the example's own fence.
    assert "````console\n$ rfcauth probe --diagram" in text


def test_a_server_that_answers_differently_changes_the_reference(monkeypatch) -> None:
    """The placeholders hide only what is drawn at random: other changes make the file stale."""
    from rfcauth.http._testserver import World  # noqa: PLC0415

    example = Example(argv=("probe", "{url}"), world="seed")
    live = _docs._live.__wrapped__  # uncached
    line, before, code = live(example)
    assert (line, code) == ("$ rfcauth probe http://127.0.0.1:PORT/mcp", 0)
    assert live(example) == (line, before, code)  # deterministic
    monkeypatch.setattr(World, "seed", lambda **o: World(prm="root", hint=False, **o))
    _, after, _ = live(example)
    assert after != before
    assert "GET http://127.0.0.1:PORT/.well-known/oauth-protected-resource -> HTTP 200" in after
