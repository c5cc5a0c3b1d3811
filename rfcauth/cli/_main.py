"""``rfcauth``: the parser built from the command table, and the one place errors are caught.

Every subcommand raises rfcauth's own errors (`rfcauth.RfcAuthError`); `main` turns each into a
message and an exit code (see `rfcauth.cli._output`), so no traceback reaches a user. Anything
else escaping is a bug in rfcauth and is left visible on purpose.

A command line a command reads plainly (`rfcauth.cli._commands.Command.plain`: ``rfcauth
parse HEADER``) skips argparse, and this module imports argparse only when it builds a parser.
"""

from __future__ import annotations

import os
import sys
from types import SimpleNamespace

from rfcauth._errors import RfcAuthError
from rfcauth.cli._commands import MODULES, load_commands
from rfcauth.cli._output import EXIT_USAGE, Output, report_error

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see rfcauth._frozen)
if TYPE_CHECKING:
    import argparse
    from collections.abc import Iterable, Sequence
    from typing import TextIO

    from rfcauth.cli._commands import Command

__all__ = ["EPILOG", "build_parser", "main"]

#: As a shell reports a program stopped by SIGPIPE / SIGINT (128 + the signal number).
EXIT_BROKEN_PIPE = 141
EXIT_INTERRUPTED = 130

DESCRIPTION = (
    "OAuth discovery for HTTP APIs and MCP servers: parse WWW-Authenticate, validate RFC 8414 / "
    "RFC 9728 metadata, and simulate discovery step by step, every decision explained."
)

EPILOG = """\
exit codes: 0 success; 1 the input does not parse or the document is invalid; 2 usage error;
3 discovery fails (simulate); 130 interrupted; 141 the reader closed the pipe.
With --json an error is one object on stdout: {"error": {"code": ..., "message": ..., "exit": ...}}.
Colour on a terminal needs the cli extra (pip install 'rfcauth[cli]'); NO_COLOR turns it off.
"""


def _terminal_width() -> int:
    """What `shutil.get_terminal_size` answers, without importing shutil (and zlib, bz2, lzma).

    argparse asks for the width whenever it builds a formatter, which it does for every option
    it adds; with the width given, a run that prints no help never imports shutil.
    """
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80


def build_parser(*, width: int | None = None, only: str | None = None) -> argparse.ArgumentParser:
    """The argparse parser: one subparser per row of the command table.

    Args:
        width: wrap help at this many columns (default: the terminal's width).
        only: build just this subcommand's parser (what a run of it needs; the full table is
            built for ``rfcauth --help`` and for anything that is not a subcommand's name).
    """
    return _build_parser(load_commands(None if only is None else [only]), width=width)


def _build_parser(commands: Iterable[Command], *, width: int | None) -> argparse.ArgumentParser:
    import argparse  # noqa: PLC0415 - only when a command line needs a parser
    import functools  # noqa: PLC0415

    from rfcauth import __version__  # noqa: PLC0415 - cheap; keeps this module's imports flat
    from rfcauth.cli._arguments import ArgumentParser  # noqa: PLC0415 - imports argparse

    formatter = functools.partial(
        argparse.HelpFormatter, width=width if width is not None else _terminal_width() - 2
    )
    parser = ArgumentParser(
        prog="rfcauth",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=formatter,
        allow_abbrev=False,  # `--js` is not `--json`: options stay unambiguous as more arrive
    )
    parser.add_argument("--version", action="version", version=f"rfcauth {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in commands:
        sub = subparsers.add_parser(
            command.name,
            help=command.help,
            description=command.description,
            formatter_class=formatter,
            allow_abbrev=False,
        )
        command.configure(sub)
        sub.set_defaults(run=command.run)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run ``rfcauth`` with `argv` (default: the process's), writing to `out`; the exit code."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    stream = out if out is not None else sys.stdout
    json_output = "--json" in arguments
    try:
        first = arguments[0] if arguments else None
        commands = load_commands([first] if first in MODULES else None)
        plain = commands[0].plain if len(commands) == 1 else None
        args = plain(arguments[1:]) if plain is not None else None
        if args is None:
            try:
                args = _build_parser(commands, width=None).parse_args(
                    arguments, namespace=SimpleNamespace()
                )
            except SystemExit as exc:  # --help and --version print, then exit 0
                return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
        json_output = bool(getattr(args, "json", False))
        run = commands[0].run if len(commands) == 1 else args.run
        return int(run(args, Output(stream, json_output=json_output)))
    except RfcAuthError as error:
        return report_error(error, stream, json_output=json_output)
    except BrokenPipeError:  # the reader went away (`rfcauth demo | head`): stop quietly
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # not a real file (an embedding, a test double)
        pass
