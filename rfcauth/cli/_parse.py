"""``rfcauth parse``: parse WWW-Authenticate field values (RFC 9110 §11) and explain them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rfcauth.cli._commands import Command, Example
from rfcauth.cli._output import EXIT_OK
from rfcauth.cli._shapes import PARSE

if TYPE_CHECKING:
    import argparse

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


def _field_lines(arguments: list[str]) -> list[bytes]:
    from rfcauth.cli._inputs import argument_bytes, stdin_bytes  # noqa: PLC0415 - lazy

    lines: list[bytes] = []
    for argument in arguments:
        if argument == "-":
            lines.extend(line.rstrip(b"\r") for line in stdin_bytes().split(b"\n") if line.strip())
        else:
            lines.append(argument_bytes(argument))
    return lines


def _run(args: argparse.Namespace, out: Output) -> int:
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
    json_shape=PARSE,
)
