"""``rfcauth vectors``: conformance vectors as JSON Lines, for implementations in any language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rfcauth.cli._commands import Command, Example
from rfcauth.cli._output import EXIT_OK

if TYPE_CHECKING:
    import argparse
    from types import SimpleNamespace

    from rfcauth.cli._output import Output

__all__ = ["COMMAND"]


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "kind",
        choices=["challenges", "metadata", "discovery"],
        help="WWW-Authenticate values, RFC 8414 / RFC 9728 documents, or discovery worlds",
    )
    parser.add_argument("--count", type=int, default=100, metavar="N", help="lines (default 100)")
    parser.add_argument(
        "--seed", type=int, default=0, metavar="S", help="the same seed gives the same lines"
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="accepted like every subcommand's --json: the output is JSON (Lines) either way, "
        "and so is an error with it",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--curated",
        action="store_true",
        help="the curated, versioned set shipped with rfcauth instead (challenges only)",
    )
    source.add_argument(
        "--schema", action="store_true", help="print the JSON Schema of the lines instead"
    )


def _run(args: SimpleNamespace, out: Output) -> int:
    from rfcauth._errors import UsageError  # noqa: PLC0415 - lazy, like every command
    from rfcauth.testing import _vectors  # noqa: PLC0415 - lazy: hypothesis, pydantic

    if args.schema:
        full = _vectors.schema()
        kind = args.kind.removesuffix("s") if args.kind == "challenges" else args.kind
        out.document({**full, "oneOf": [{"$ref": f"#/$defs/{kind}"}]})
        return EXIT_OK
    if args.curated:
        if args.kind != "challenges":
            raise UsageError("--curated: the curated set holds challenge vectors only")
        lines = _vectors.load_curated()
    else:
        lines = _vectors.generate_vectors(args.kind, count=args.count, seed=args.seed)
    for line in lines:
        out.stream.write(_vectors.dumps(line) + "\n")
    return EXIT_OK


COMMAND = Command(
    name="vectors",
    help="write conformance vectors (JSON Lines) for implementations in other languages",
    description="Write generated test vectors, one JSON object per line: WWW-Authenticate values "
    "with their parse or the rule they break, metadata documents valid or breaking one named "
    "rule, or discovery worlds with the outcome and requests of rfcauth's discovery. The same "
    "--seed gives the same lines; --schema prints the lines' JSON Schema; --curated prints the "
    "curated set of RFC examples and real-world headers shipped with rfcauth. Exit codes: 0, 2 "
    "usage.",
    configure=_configure,
    run=_run,
    examples=(
        Example(argv=("vectors", "challenges", "--count", "3", "--seed", "1")),
        Example(argv=("vectors", "challenges", "--curated"), max_lines=3),
    ),
)
