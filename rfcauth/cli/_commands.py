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
    from collections.abc import Callable, Iterable, Mapping

    from rfcauth.cli._output import Output

__all__ = ["MODULES", "Command", "Example", "load_commands"]

#: The subcommands in the order ``rfcauth --help`` lists them: name -> the module defining it.
MODULES: Final = {
    "parse": "rfcauth.cli._parse",
    "validate": "rfcauth.cli._validate",
    "simulate": "rfcauth.cli._simulate",
    "schema": "rfcauth.cli._schema",
    "vectors": "rfcauth.cli._vectors",
    "demo": "rfcauth.cli._demo",
    "probe": "rfcauth.cli._probe",
    "login": "rfcauth.cli._login",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Example:
    """One example run shown in the generated reference.

    Attributes:
        argv: the arguments after ``rfcauth``.
        stdin: what is piped in, if anything.
        max_lines: the output is cut after this many lines in the reference.
        world: run against this loopback test world (``"seed"`` or ``"modern"``, see
            `rfcauth.http._testserver.World`), started for the run; ``{url}`` in `argv` becomes
            its resource URL, and the reference shows the run-specific values (ports, client
            IDs, PKCE and state values, tokens) as fixed placeholders.
    """

    argv: tuple[str, ...]
    stdin: bytes | None = None
    max_lines: int = 40
    world: str | None = None


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


def load_commands(names: Iterable[str] | None = None) -> tuple[Command, ...]:
    """The rows named (default: every row), in `MODULES` order; each module imported on demand."""
    wanted = set(MODULES if names is None else names)
    return tuple(
        importlib.import_module(module).COMMAND
        for name, module in MODULES.items()
        if name in wanted
    )
