"""``probe`` and ``login`` on a terminal and piped: colour and a spinner only on a terminal.

The same runs as piped, styled: the words are the same once the escape codes are gone. Piped
output, ``--json`` and ``NO_COLOR`` carry no escape code at all. Both subcommands run against
the loopback seed world (`rfcauth.http._testserver.World`), in process with a stream that says
it is a terminal, and once each through a real pseudo-terminal.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from rfcauth.cli import main
from rfcauth.http._testserver import World

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

ESC = "\x1b["
_SGR = re.compile(r"\x1b\[[0-9;]*m")
_CONTROL = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
#: What a login draws at random: the registered client, PKCE challenge, state and code.
_DRAWN = re.compile(r"dyn-[0-9a-f]+|\b(code_challenge|state|code)=[^&\s]+")
#: rich's styles for the verdicts (rfcauth.cli._output): bold red, bold green.
_BAD, _OK = "\x1b[1;31m", "\x1b[1;32m"


class Terminal(io.StringIO):
    """A captured stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture(scope="module")
def seed() -> Iterator[World]:
    with World.seed(mcp=True) as world:
        yield world


@pytest.fixture(autouse=True)
def _colour_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)


def run(argv: list[str], out: io.StringIO) -> tuple[int, str]:
    return main(argv, out), out.getvalue()


def _same_login(text: str) -> str:
    return _DRAWN.sub("…", text)


def test_probe_colours_its_verdicts_and_spins_on_a_terminal_only(seed: World) -> None:
    argv = ["probe", seed.resource_url]
    piped_code, piped = run(argv, io.StringIO())
    tty_code, coloured = run(argv, Terminal())
    assert piped_code == tty_code == 0
    assert ESC not in piped
    # The spinner (cursor hidden, the message, the line cleared) comes first, then the report.
    spinner, report = coloured.split("\x1b[?25h", 1)
    assert spinner.startswith("\x1b[?25l")
    assert f"probing {seed.resource_url}" in spinner
    assert f"probing {seed.resource_url}" not in piped
    assert f"{_BAD}strict current-spec client: FAILS, no_authorization_server" in report
    assert f"{_OK}rfcauth (compatible): authorizes with {seed.resource_base}" in report
    # the same words, only styled
    assert _CONTROL.sub("", report.replace("\r", "")) == piped


def test_login_colours_its_outcome_on_a_terminal_only(seed: World) -> None:
    argv = ["login", "--no-browser", seed.resource_url]
    piped_code, piped = run(argv, io.StringIO())
    tty_code, coloured = run(argv, Terminal())
    assert piped_code == tty_code == 0
    assert ESC not in piped
    assert f"{_OK}logged in: authorization_code grant at {seed.resource_base}" in coloured
    assert "\x1b[2m   [0] == FetchResourceMetadata" in coloured  # the trace is dimmed
    # Two logins draw different client IDs and PKCE values; everything else reads the same.
    assert _same_login(_SGR.sub("", coloured)) == _same_login(piped)
    assert _SGR.sub("", coloured) != coloured


@pytest.mark.parametrize("argv", [["probe"], ["login", "--no-browser"]])
def test_no_color_and_json_are_plain_on_a_terminal(
    argv: list[str], seed: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, text = run([*argv, "--json", seed.resource_url], Terminal())
    assert code == 0
    assert ESC not in text
    json.loads(text)
    monkeypatch.setenv("NO_COLOR", "1")
    code, text = run([*argv, seed.resource_url], Terminal())
    assert code == 0
    assert ESC not in text
    assert seed.resource_base in text


def _through_a_pty(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[int, bytes]:
    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    result = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-m", "rfcauth.cli", *argv],
        stdout=slave,
        stderr=subprocess.PIPE,
        env=env,
        check=False,
        cwd=cwd,
        timeout=60,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # Linux: EIO once the other side is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    return result.returncode, b"".join(chunks)


@pytest.mark.parametrize(
    ("argv", "verdict"),
    [
        (["probe"], _OK + "rfcauth (compatible): authorizes"),
        (["login", "--no-browser"], _OK + "logged in: authorization_code grant"),
    ],
)
def test_through_a_real_pseudo_terminal(
    argv: list[str], verdict: str, seed: World, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env["TERM"] = "xterm-256color"
    code, seen = _through_a_pty([*argv, seed.resource_url], env, tmp_path)
    assert code == 0
    assert verdict.encode() in seen
