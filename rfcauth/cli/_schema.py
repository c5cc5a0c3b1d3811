"""``rfcauth schema``: the JSON Schema (2020-12) of an RFC 8414 or RFC 9728 document."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rfcauth.cli._commands import Command, Example
from rfcauth.cli._output import EXIT_OK
from rfcauth.cli._shapes import SCHEMA

if TYPE_CHECKING:
    import argparse
    from types import SimpleNamespace
    from typing import Any

    from rfcauth.cli._output import Output

__all__ = ["COMMAND"]


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", choices=["asm", "prm"], help="which document's JSON Schema")
    parser.add_argument(
        "--json",
        action="store_true",
        help="accepted like every subcommand's --json: the output is JSON either way, and so "
        "is an error with it",
    )


def _run(args: SimpleNamespace, out: Output) -> int:
    from rfcauth.metadata import schema  # noqa: PLC0415 - lazy: pydantic

    out.document(
        schema.authorization_server_metadata_schema()
        if args.kind == "asm"
        else schema.protected_resource_metadata_schema()
    )
    return EXIT_OK


def _json_shape() -> dict[str, Any]:
    return SCHEMA


COMMAND = Command(
    name="schema",
    help="print the JSON Schema of an RFC 8414 or RFC 9728 document",
    description="Print the JSON Schema (2020-12) of an authorization server metadata document "
    "(asm) or a protected resource metadata document (prm), generated from the same member "
    "tables as the parser, for implementations in other languages. The output is always JSON. "
    "Exit codes: 0, 2 usage.",
    configure=_configure,
    run=_run,
    examples=(Example(argv=("schema", "prm"), max_lines=25),),
    json_shape=_json_shape,
)
