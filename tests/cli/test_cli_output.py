"""What every subcommand shares: the table, errors and exit codes, JSON errors, colour, startup."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import rfcauth
from rfcauth.cli import _main as _cli
from rfcauth.cli._commands import MODULES, load_commands
from rfcauth.cli._shapes import ERROR

ESC = "\x1b["
CORPUS = Path(__file__).parent.parent / "data" / "metadata"


class Terminal(io.StringIO):
    """A captured stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def run(*argv: str, out: io.StringIO | None = None) -> tuple[int, str]:
    stream = out if out is not None else io.StringIO()
    return _cli.main(list(argv), stream), stream.getvalue()


def json_options() -> list[str]:
    """Every subcommand that has --json, read from the parser (future rows included)."""
    parser = _cli.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return [
        name
        for name, subparser in sub.choices.items()  # type: ignore[union-attr]
        if any("--json" in a.option_strings for a in subparser._actions)
    ]


def test_the_table_is_the_parser() -> None:
    names = [c.name for c in load_commands()]
    assert names == list(MODULES)  # each module's row carries the name the table files it under
    parser = _cli.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert list(sub.choices) == names  # type: ignore[arg-type]


def test_a_run_builds_only_its_own_subcommand(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded: list[object] = []
    real = _cli.load_commands

    def spy(names=None):
        loaded.append(None if names is None else list(names))
        return real(names)

    monkeypatch.setattr(_cli, "load_commands", spy)
    assert run("parse", "Bearer x=1")[0] == 0
    assert loaded == [["parse"]]
    assert run("nonsense")[0] == 2  # not a subcommand: the whole table, for the message
    assert loaded[-1] is None


#: Arguments that matter to argparse after ``parse``, and some that do not.
_ARGUMENTS = st.one_of(
    st.sampled_from(
        ["--json", "--lenient", "-", "--", "-h", "--help", "--js", "--json=1", "-1", "-x y", ""]
    ),
    st.sampled_from(['Bearer error="invalid_token"', "Basic realm=x", "x", "-x"]),
    st.text(max_size=6),
)


@given(st.lists(_ARGUMENTS, max_size=6))
@example(["Bearer x=1"])
@example(["--json", "a", "b", "--lenient"])
@example(["a", "--json", "b"])
@example(["-"])
def test_a_plain_parse_command_line_reads_as_argparse_reads_it(arguments: list[str]) -> None:
    (command,) = load_commands(["parse"])
    assert command.plain is not None
    plain = command.plain(arguments)
    if plain is None:  # left to argparse
        return
    parsed = _cli.build_parser(only="parse").parse_args(["parse", *arguments])
    assert (plain.header, plain.lenient, plain.json) == (parsed.header, parsed.lenient, parsed.json)


def test_the_usual_parse_command_lines_are_plain() -> None:
    (command,) = load_commands(["parse"])
    assert command.plain is not None
    for arguments in (["Bearer x=1"], ["--json", "a", "-"], ["a", "b", "--lenient", "--json"]):
        assert command.plain(arguments) is not None, arguments
    for arguments in ([], ["--json"], ["--", "a"], ["a", "--json", "b"], ["-h"], ["--js", "a"]):
        assert command.plain(arguments) is None, arguments


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("--version")[0] == 0
    assert capsys.readouterr().out == f"rfcauth {rfcauth.__version__}\n"


def test_help_lists_every_command_and_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("--help")[0] == 0
    text = capsys.readouterr().out
    for command in load_commands():
        assert command.name in text
    assert "exit codes: 0 success" in text
    for command in load_commands():
        assert run(command.name, "--help")[0] == 0
        assert command.description.split(":")[0] in " ".join(capsys.readouterr().out.split())


@pytest.mark.parametrize("name", json_options())
def test_json_usage_error_is_one_object_on_stdout(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, text = run(name, "--json", "--no-such-option")
    assert code == 2
    report = json.loads(text)  # exactly one JSON document
    jsonschema.validate(report, ERROR)
    assert report["error"]["code"] == "usage_error"
    assert report["error"]["exit"] == 2
    assert "usage: rfcauth" in report["error"]["message"]
    err = capsys.readouterr().err
    assert err.startswith("rfcauth: ")
    assert "Traceback" not in err


def test_every_command_with_json_is_covered() -> None:
    assert set(json_options()) == {c.name for c in load_commands()}


@pytest.mark.parametrize(
    ("argv", "code", "exit_code"),
    [
        (("parse", "--json", "Bearer realm="), "usage_error", 2),  # no: a token68 is valid
        (("parse", "--json", 'Bearer realm="x'), "challenge_parse_error", 1),
        (("simulate", "--json"), "usage_error", 2),
        (("simulate", "--json", "--scenario", "nope"), "usage_error", 2),
        (("validate", "asm", "/nonexistent/doc.json", "--json"), "usage_error", 2),
    ],
)
def test_json_errors_per_command(
    argv: tuple[str, ...], code: str, exit_code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    status, text = run(*argv)
    capsys.readouterr()
    if argv[-1] == "Bearer realm=":
        assert status == 0  # the control row: valid input is not an error
        assert "error" not in json.loads(text)
        return
    assert status == exit_code
    report = json.loads(text)
    jsonschema.validate(report, ERROR)
    assert report["error"]["code"] == code
    assert report["error"]["exit"] == exit_code


def test_options_are_never_abbreviated(capsys: pytest.CaptureFixture[str]) -> None:
    code, text = run("parse", "--js", "Bearer x=1")
    assert (code, text) == (2, "")
    assert "unrecognized arguments: --js" in capsys.readouterr().err


def test_text_errors_go_to_stderr_only(capsys: pytest.CaptureFixture[str]) -> None:
    code, text = run("simulate")
    assert (code, text) == (2, "")
    assert capsys.readouterr().err == (
        "rfcauth: give exactly one of WORLD.json, --scenario ID or --list\n"
    )
    code, text = run("parse")
    assert (code, text) == (2, "")
    err = capsys.readouterr().err
    assert err.startswith("rfcauth: parse: the following arguments are required: HEADER")
    assert "usage: rfcauth parse" in err


def test_a_bug_is_not_swallowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only rfcauth's own errors become messages; anything else is a bug and stays visible."""
    from rfcauth.cli import _schema  # noqa: PLC0415

    def broken(*_: object) -> int:
        raise RuntimeError("a bug")

    monkeypatch.setattr(_schema, "_run", broken)
    monkeypatch.setattr(
        _schema,
        "COMMAND",
        _schema.COMMAND.__class__(
            name="schema",
            help="h",
            description="d",
            configure=_schema.COMMAND.configure,
            run=broken,
        ),
    )
    with pytest.raises(RuntimeError, match="a bug"):
        run("schema", "asm")


# --- colour on a terminal, plain when piped ----------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ("parse", 'Bearer error="invalid_token"'),
        ("parse", "--lenient", "Bearer a=1, a=2"),
        ("simulate", "--scenario", "prm-5xx"),
        ("simulate", "--scenario", "seed-legacy-origin-metadata"),
        ("validate", "prm", str(CORPUS / "prm-github-mcp.json")),
        ("validate", "asm", str(CORPUS / "asm-google.json"), "--expected", "https://x.example"),
        ("demo",),
    ],
)
def test_colour_on_a_terminal_plain_when_piped(
    argv: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    piped_code, piped = run(*argv)
    tty_code, coloured = run(*argv, out=Terminal())
    assert piped_code == tty_code
    assert ESC not in piped
    assert ESC in coloured
    # the same words, only styled
    assert _strip_ansi(coloured) == piped


def _strip_ansi(text: str) -> str:
    import re  # noqa: PLC0415

    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def test_no_color_and_json_and_missing_rich_give_plain_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    argv = ("parse", 'Bearer error="invalid_token"')
    monkeypatch.setenv("NO_COLOR", "1")
    assert ESC not in run(*argv, out=Terminal())[1]
    monkeypatch.setenv("NO_COLOR", "")  # empty means unset (no-color.org)
    assert ESC in run(*argv, out=Terminal())[1]
    code, text = run("parse", "--json", 'Bearer error="invalid_token"', out=Terminal())
    assert code == 0
    assert ESC not in text
    json.loads(text)
    monkeypatch.setitem(sys.modules, "rich.console", None)  # as if the cli extra were missing
    code, text = run(*argv, out=Terminal())
    assert code == 0
    assert ESC not in text
    assert "strict: valid RFC 9110 field value" in text


def test_colour_through_a_real_pseudo_terminal(tmp_path: Path) -> None:
    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env["TERM"] = "xterm-256color"
    result = subprocess.run(
        [sys.executable, "-m", "rfcauth.cli", "parse", 'Bearer error="invalid_token"'],
        stdout=slave,
        stderr=subprocess.PIPE,
        env=env,
        check=False,
        cwd=tmp_path,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert result.returncode == 0
    assert ESC.encode() in b"".join(chunks)
    piped = subprocess.run(
        [sys.executable, "-m", "rfcauth.cli", "parse", 'Bearer error="invalid_token"'],
        capture_output=True,
        env=env,
        check=False,
        cwd=tmp_path,
    )
    assert piped.returncode == 0
    assert ESC.encode() not in piped.stdout


# --- start-up ---------------------------------------------------------------------------------


def test_parse_imports_neither_pydantic_nor_abnf(tmp_path: Path) -> None:
    """``rfcauth parse`` needs no model and no reference parser: it must not load them."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "rfcauth.cli", "parse", "Bearer x=1"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0
    assert 'x = "1"' in result.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()}
    assert "rfcauth.challenge" in imported  # the measurement saw the import list
    for heavy in ("pydantic", "abnf", "hypothesis", "rich", "rfcauth.metadata", "shutil"):
        assert heavy not in imported, heavy


#: What a plain ``rfcauth parse HEADER`` must not import: each costs a good part of the start-up
#: budget (ARCHITECTURE.md, benchmarks/README.md). argparse and json are for other command lines.
NOT_AT_START_UP = (
    "argparse",
    "dataclasses",
    "inspect",
    "typing",
    "json",
    "contextlib",
    "importlib",
    "rfcauth.challenge._stepwise",
    "rfcauth._violation",
    "rfcauth.cli._arguments",
)


def _imported_by(*argv: str, cwd: Path) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run the command as its console script does, and the modules it imported."""
    script = "import sys; from rfcauth.cli import main; sys.exit(main())"
    result = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-X", "importtime", "-c", script, *argv],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
    )
    return result, {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()}


def test_plain_parse_stays_inside_its_start_up_budget(tmp_path: Path) -> None:
    result, imported = _imported_by("parse", 'Bearer error="invalid_token"', cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "rfcauth.challenge._parser" in imported  # the measurement saw the import list
    assert sorted(set(NOT_AT_START_UP) & imported) == []


def test_the_budget_check_sees_the_slow_paths(tmp_path: Path) -> None:
    # A malformed header needs the step-by-step parser, --json needs json and an unusual
    # command line needs argparse: the check above would notice each of them.
    result, imported = _imported_by("parse", "--json", 'Bearer a="1", a="2"', cwd=tmp_path)
    assert result.returncode == 1
    assert {"rfcauth.challenge._stepwise", "json"} <= imported
    result, imported = _imported_by("parse", "--", "Bearer x=1", cwd=tmp_path)
    assert result.returncode == 0
    assert {"argparse", "rfcauth.cli._arguments"} <= imported


def test_status_spins_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from rfcauth.cli._output import Output  # noqa: PLC0415

    monkeypatch.delenv("NO_COLOR", raising=False)
    piped = io.StringIO()
    with Output(piped).status("probing"):
        pass
    assert piped.getvalue() == ""
    terminal = Terminal()
    output = Output(terminal)
    assert output.coloured
    with output.status("probing"):
        output.line("done", "ok")
    assert "done" in terminal.getvalue()
    assert ESC in terminal.getvalue()


def test_a_closed_pipe_is_not_a_traceback(tmp_path: Path) -> None:
    """``rfcauth demo | head -1``: the reader goes away; rfcauth stops without a traceback."""
    process = subprocess.Popen(
        [sys.executable, "-m", "rfcauth.cli", "demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdout.read(10)
    process.stdout.close()
    err = process.stderr.read()
    process.stderr.close()
    assert process.wait(timeout=60) == 141
    assert b"Traceback" not in err
