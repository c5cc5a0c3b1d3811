"""``docs/cli.md``, generated from the parser ``rfcauth`` itself runs.

``python -m rfcauth.cli._docs`` (``make docs``) rewrites the file; ``--check`` exits 1 when it is
stale, and a test does the same. Each subcommand's section is its ``--help`` text, its example
runs with their real output (run in process, as piped: no colour) and the JSON Schema of its
``--json`` output, all taken from the command table, so a new subcommand appears by itself.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import re
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Final

from rfcauth.cli._commands import load_commands
from rfcauth.cli._main import build_parser, main
from rfcauth.cli._shapes import ERROR

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rfcauth.cli._commands import Command, Example
    from rfcauth.http._testserver import World

__all__ = ["DOCS_PATH", "render"]

DOCS_PATH: Final = Path(__file__).resolve().parents[2] / "docs" / "cli.md"
_WIDTH: Final = 100
_LIVE_NOTE: Final = (
    "These run against the loopback test servers `rfcauth demo --live` starts (an MCP server "
    "from the `mcp` SDK behind OAuth): the seed (no Protected Resource Metadata, RFC 8414 "
    "metadata at its origin) and a modern RFC 9728 server. What differs from run to run is "
    "shown as a placeholder: `PORT` and `AS_PORT` for the ports, `CLIENT_ID` for the "
    "dynamically registered client, `…` for the PKCE challenge, state and code."
)


def _compact(value: object, indent: str = "") -> str:
    """JSON with every object or array that fits in 90 characters on one line."""
    flat = json.dumps(value, ensure_ascii=False)
    if len(indent) + len(flat) <= 90 or not isinstance(value, (dict, list)) or not value:  # noqa: PLR2004
        return flat
    inner = indent + "  "
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(k)}: {_compact(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{indent}}}"
    items = [inner + _compact(v, inner) for v in value]
    return "[\n" + ",\n".join(items) + f"\n{indent}]"


def _help(argv: list[str]) -> str:
    parser = build_parser(width=_WIDTH)
    stream = io.StringIO()
    with contextlib.redirect_stdout(stream), contextlib.suppress(SystemExit):
        parser.parse_args([*argv, "--help"])
    return stream.getvalue().rstrip()


def _command_line(example: Example, argv: Sequence[str] | None = None) -> str:
    line = "$ rfcauth " + shlex.join(example.argv if argv is None else argv)
    if example.stdin is None:
        return line
    return f"{line} <<'EOF'\n{example.stdin.decode('utf-8').rstrip()}\nEOF"


def _invoke(example: Example, argv: list[str]) -> tuple[str, int]:
    out, err = io.StringIO(), io.StringIO()
    stdin = io.TextIOWrapper(io.BytesIO(example.stdin or b""), encoding="utf-8")
    saved = sys.stdin
    sys.stdin = stdin
    try:
        with contextlib.redirect_stderr(err):
            code = main(argv, out)
    finally:
        sys.stdin = saved
    return out.getvalue() + err.getvalue(), code


#: Values a run against a test world draws at random, found by the query parameter naming them.
_DRAWN: Final = re.compile(r"\b(code_challenge|state|code)=[A-Za-z0-9_.~%-]+")


def _placeholders(world: World) -> list[tuple[str, str]]:
    """What differs from run to run in `world`, longest first, and what the reference shows."""
    pairs = [(f"127.0.0.1:{_port(world.resource_base)}", "127.0.0.1:PORT")]
    if world.as_base != world.resource_base:
        pairs.append((f"127.0.0.1:{_port(world.as_base)}", "127.0.0.1:AS_PORT"))
    pairs += [(old.replace(":", "%3A"), new.replace(":", "%3A")) for old, new in pairs]
    pairs += [(client, "CLIENT_ID") for client in world.clients]
    pairs += [(token, "ACCESS_TOKEN") for token in world.tokens]
    pairs += [(token, "REFRESH_TOKEN") for token in world.refresh_tokens]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


def _port(base: str) -> str:
    return base.rsplit(":", 1)[1]


@functools.cache
def _live(example: Example) -> tuple[str, str, int]:
    """Run `example` against a fresh test world; its run-specific values become placeholders.

    Cached: the servers take a moment to start, and within one process a second run says the
    same (once the placeholders are in).
    """
    from rfcauth.http._testserver import World  # noqa: PLC0415 - the demo extra, lazily

    worlds = {"seed": World.seed, "modern": World.modern}
    with worlds[str(example.world)](mcp=True) as world:
        argv = [arg.replace("{url}", world.resource_url) for arg in example.argv]
        output, code = _invoke(example, argv)
        replacements = _placeholders(world)
    line = _command_line(example, argv)
    for old, new in replacements:
        output, line = output.replace(old, new), line.replace(old, new)
    return line, _DRAWN.sub(r"\1=…", output), code


def _run(example: Example) -> tuple[str, str, int]:
    """The command line shown, the output (cut after ``max_lines``), the exit code."""
    if example.world is None:
        line = _command_line(example)
        output, code = _invoke(example, list(example.argv))
    else:
        line, output, code = _live(example)
    lines = output.rstrip("\n").split("\n")
    if len(lines) > example.max_lines:
        cut = len(lines) - example.max_lines
        lines = [*lines[: example.max_lines], f"[… {cut} more lines]"]
    return line, "\n".join(lines), code


def _section(command: Command) -> list[str]:
    parts = [f"## `rfcauth {command.name}`", "", "```text", _help([command.name]), "```", ""]
    if command.examples:
        parts += ["Examples (output as piped; on a terminal the verdicts are coloured):", ""]
    if any(example.world is not None for example in command.examples):
        parts += [_LIVE_NOTE, ""]
    for example in command.examples:
        line, output, code = _run(example)
        fence = "````" if "```" in output else "```"  # probe --diagram prints a fenced block
        parts += [fence + "console", line, output, fence, f"exit code {code}", ""]
    if command.json_shape is not None:
        shape = _compact(command.json_shape())
        parts += [
            "<details><summary>JSON Schema of the <code>--json</code> output</summary>",
            "",
            "```json",
            shape,
            "```",
            "",
            "</details>",
            "",
        ]
    return parts


def render() -> str:
    """The whole reference, as Markdown."""
    commands = load_commands()
    parts = [
        "# The `rfcauth` command line",
        "",
        (
            "<!-- generated by `python -m rfcauth.cli._docs` (make docs) from the parser and the "
            "command table in rfcauth/cli; edit those, not this file -->"
        ),
        "",
        "Every subcommand: "
        + ", ".join(f"[`{c.name}`](#rfcauth-{c.name})" for c in commands)
        + ". `rfcauth --help` and `rfcauth COMMAND --help` print the same text.",
        "",
        "```text",
        _help([]),
        "```",
        "",
        "## Errors and exit codes",
        "",
        (
            "No subcommand prints a traceback for bad input: rfcauth's own errors become a message "
            "on stderr (`rfcauth: …`, a caret under the offending character for a header that does "
            "not parse) and an exit code:"
        ),
        "",
        "| exit | meaning |",
        "|---|---|",
        (
            "| 0 | success: the header parses, the document is valid, discovery authorizes or "
            "needs no authorization |"
        ),
        "| 1 | the input does not parse (`parse`), or the document is invalid (`validate`) |",
        "| 2 | usage error: bad arguments, an unreadable file, a world file of the wrong shape |",
        "| 3 | discovery fails: `simulate` ends in a `Fail` action |",
        (
            "| 130, 141 | interrupted (Ctrl-C), or the reader closed the pipe (`rfcauth demo "
            "\\| head`), as a shell reports SIGINT and SIGPIPE; no traceback either way |"
        ),
        "",
        (
            "With `--json`, an error is also one JSON object on stdout, the same for every "
            "subcommand: `code` is `usage_error`, `challenge_parse_error` (with `rule` and "
            "`position`), `metadata_error` (with `violations`) or `rfcauth_error`."
        ),
        "",
        "```console",
        *_run(_json_error_example())[:2],
        "```",
        "",
        "<details><summary>JSON Schema of the error object</summary>",
        "",
        "```json",
        _compact(ERROR),
        "```",
        "",
        "</details>",
        "",
        "## Colour",
        "",
        (
            "On a terminal, verdicts and warnings are coloured with "
            "[rich](https://pypi.org/project/rich/) "
            "when it is installed (`pip install 'rfcauth[cli]'`); piped output, `--json` and "
            "`NO_COLOR` (set and not empty, https://no-color.org) give plain text."
        ),
        "",
    ]
    for command in commands:
        parts += _section(command)
    return "\n".join(parts).rstrip("\n") + "\n"


def _json_error_example() -> Example:
    from rfcauth.cli._commands import Example  # noqa: PLC0415 - the runtime class

    return Example(argv=("parse", "--json", "Bearer realm=a, realm=b"))


def main_docs(argv: list[str] | None = None) -> int:
    """Write `DOCS_PATH`; with ``--check``, exit 1 when it differs instead."""
    text = render()
    if argv and argv[0] == "--check":
        current = DOCS_PATH.read_text("utf-8") if DOCS_PATH.exists() else ""
        if current != text:
            sys.stderr.write(f"{DOCS_PATH} is stale: run python -m rfcauth.cli._docs\n")
            return 1
        return 0
    DOCS_PATH.parent.mkdir(exist_ok=True)
    DOCS_PATH.write_text(text, "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main_docs(sys.argv[1:]))
