"""``rfcauth parse``: parse WWW-Authenticate field values (RFC 9110 §11) and explain them."""

from __future__ import annotations

import os
from types import SimpleNamespace

from rfcauth._errors import UsageError
from rfcauth.cli._commands import Command, Example
from rfcauth.cli._output import EXIT_OK

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see rfcauth._frozen)
if TYPE_CHECKING:
    import argparse
    from collections.abc import Mapping, Sequence
    from typing import Any

    from rfcauth._errors import ChallengeParseError
    from rfcauth.cli._output import Output

__all__ = ["COMMAND"]


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "header",
        nargs="+",
        metavar="HEADER",
        help="a WWW-Authenticate field value, read as bytes (ISO-8859-1, RFC 9110 §5.5); "
        "several = several field lines; - reads stdin (one field line per line)",
    )
    parser.add_argument(
        "--lenient",
        action="store_true",
        help="skip malformed challenges and report them (strict=False); the strict verdict "
        "is still shown",
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")


_FLAGS = {"--lenient": "lenient", "--json": "json"}


def _plain(arguments: Sequence[str]) -> SimpleNamespace | None:
    """``[FLAG ...] HEADER ... [FLAG ...]`` read as argparse reads it, without argparse.

    A FLAG is ``--lenient`` or ``--json``, a HEADER anything that does not start with "-" (or
    is "-"). That is how the command is nearly always run; what else argparse accepts (``--``,
    a header starting with "-", flags between headers: an error) is left to argparse.
    """
    headers: list[str] = []
    flags = dict.fromkeys(_FLAGS.values(), False)
    flags_after_headers = False
    for argument in arguments:
        if argument in _FLAGS:
            flags[_FLAGS[argument]] = True
            flags_after_headers = bool(headers)
        elif (argument == "-" or not argument.startswith("-")) and not flags_after_headers:
            headers.append(argument)
        else:
            return None
    return SimpleNamespace(header=headers, **flags) if headers else None


def _json_shape() -> Mapping[str, Any]:
    from rfcauth.cli._shapes import PARSE  # noqa: PLC0415 - the docs and tests ask, a run never

    return PARSE


def _field_lines(arguments: list[str]) -> list[bytes]:
    """The field lines, as the bytes received (see `rfcauth.cli._inputs`)."""
    lines: list[bytes] = []
    for argument in arguments:
        if argument == "-":
            from rfcauth.cli._inputs import stdin_bytes  # noqa: PLC0415 - only for "-"

            lines.extend(line.rstrip(b"\r") for line in stdin_bytes().split(b"\n") if line.strip())
        else:
            lines.append(_argument_bytes(argument))
    return lines


def _argument_bytes(value: str) -> bytes:
    """A command-line argument as the bytes the shell passed (`os.fsencode` undoes the decoding)."""
    try:
        return os.fsencode(value)
    except UnicodeEncodeError:
        raise UsageError(f"argument {value!r} is not a sequence of bytes") from None


def _run(args: SimpleNamespace, out: Output) -> int:
    from rfcauth._errors import ChallengeParseError  # noqa: PLC0415 - lazy
    from rfcauth.challenge import (  # noqa: PLC0415 - lazy
        ChallengeScan,
        combine_field_lines,
        parse_www_authenticate,
        scan_www_authenticate,
    )
    from rfcauth.cli._explain import explain, scan_report  # noqa: PLC0415 - lazy

    lines = _field_lines(args.header)
    strict_error: ChallengeParseError | None = None
    if args.lenient:
        try:
            parse_www_authenticate(lines)
        except ChallengeParseError as error:
            strict_error = error
        scan = scan_www_authenticate(lines)
    else:
        challenges = parse_www_authenticate(lines)  # raises: exit 1 with the rule and a caret
        scan = ChallengeScan(value=combine_field_lines(lines), challenges=challenges)
    if out.json:
        out.document(scan_report(scan, strict_error))
    else:
        out.lines(explain(scan, strict_error))
    return EXIT_OK


COMMAND = Command(
    name="parse",
    help="parse WWW-Authenticate field values (RFC 9110 §11) and explain them",
    description="Parse WWW-Authenticate field values by the RFC 9110 §11 grammar and say what "
    "a client does with them (RFC 6750 §3, RFC 9728 §5.1). Strict by default: a header that "
    "breaks the grammar exits 1 with the rule and a caret under the offending character. "
    "Exit codes: 0 parsed, 1 does not parse (strict), 2 usage.",
    configure=_configure,
    run=_run,
    examples=(
        Example(argv=("parse", 'Bearer error="invalid_token"')),
        Example(
            argv=(
                "parse",
                (
                    'Basic realm="corp", Bearer error="insufficient_scope", scope="files:read", '
                    'resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource"'
                ),
            )
        ),
        Example(argv=("parse", 'Bearer a="1", a="2"')),
        Example(argv=("parse", "--lenient", 'Bearer a="1", a="2", Basic realm=x')),
        Example(argv=("parse", "--json", "Bearer resource_metadata=https://r.example/prm")),
    ),
    json_shape=_json_shape,
    plain=_plain,
)
