"""The command table: which subcommands ``rfcauth`` has, one module each.

Each module named in `MODULES` defines ``COMMAND``, a `Command` row: its name, one-line help,
how to add its arguments, what to run, and the example runs that ``docs/cli.md`` shows. Adding a
subcommand is a new module plus one line in `MODULES`; ``rfcauth --help`` and the generated
reference (``python -m rfcauth.cli._docs``) pick it up from here.

A command module imports only argparse-level names at its top; whatever its work needs (the
challenge parser, the metadata models, the discovery walk, rich) is imported inside ``run``, so
``rfcauth parse`` never loads pydantic and ``rfcauth --help`` loads no layer at all.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Mapping

    from rfcauth.cli._output import Output

__all__ = ["MODULES", "Command", "Example", "load_commands"]

#: The subcommands in the order ``rfcauth --help`` lists them.
MODULES: Final = (
    "rfcauth.cli._parse",
    "rfcauth.cli._validate",
    "rfcauth.cli._simulate",
    "rfcauth.cli._schema",
    "rfcauth.cli._demo",
    "rfcauth.cli._probe",
    "rfcauth.cli._login",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Example:
    """One example run shown in the generated reference.

    Attributes:
        argv: the arguments after ``rfcauth``.
        stdin: what is piped in, if anything.
        max_lines: the output is cut after this many lines in the reference.
    """

    argv: tuple[str, ...]
    stdin: bytes | None = None
    max_lines: int = 40


@dataclass(frozen=True, slots=True, kw_only=True)
class Command:
    """One subcommand.

    Attributes:
        name: what follows ``rfcauth`` on the command line.
        help: one line for ``rfcauth --help``.
        description: the paragraph ``rfcauth NAME --help`` starts with.
        configure: adds the subcommand's arguments to its parser.
        run: does the work and returns the exit code (errors are raised, see `rfcauth.cli`).
        examples: example runs for the reference.
        json_shape: the JSON Schema of its ``--json`` output (None: it has no ``--json``).
    """

    name: str
    help: str
    description: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, Output], int]
    examples: tuple[Example, ...] = ()
    json_shape: Mapping[str, Any] | None = None


def load_commands() -> tuple[Command, ...]:
    """Every row of the table, in `MODULES` order."""
    return tuple(importlib.import_module(name).COMMAND for name in MODULES)
