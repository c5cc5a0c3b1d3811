"""The command table: which subcommands ``rfcauth`` has, one module each.

Each module named in `MODULES` defines ``COMMAND``, a `Command` row: its name, one-line help,
how to add its arguments, what to run, and the example runs that ``docs/cli.md`` shows. Adding a
subcommand is a new module plus one line in `MODULES`; ``rfcauth --help`` and the generated
reference (``python -m rfcauth.cli._docs``) pick it up from here.

A command module imports only argparse-level names at its top; whatever its work needs (the
challenge parser, the metadata models, the discovery walk, rich) is imported inside ``run``, so
``rfcauth parse`` never loads pydantic and ``rfcauth --help`` loads no layer at all. A command
may also read its plainest command lines itself (``plain``), so that they skip argparse, whose
parser building costs ``rfcauth parse`` a third of its start-up budget; the rows are `Frozen`
values for the same reason (no `dataclasses` import).
"""

from __future__ import annotations

from rfcauth._frozen import Frozen, set_field

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see rfcauth._frozen)
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Iterable, Mapping, Sequence
    from types import SimpleNamespace
    from typing import Any, Final

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


class Example(Frozen):
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

    __slots__ = ("argv", "max_lines", "stdin", "world")
    argv: tuple[str, ...]
    stdin: bytes | None
    max_lines: int
    world: str | None

    def __init__(
        self,
        *,
        argv: tuple[str, ...],
        stdin: bytes | None = None,
        max_lines: int = 40,
        world: str | None = None,
    ) -> None:
        """Set the fields."""
        set_field(self, "argv", argv)
        set_field(self, "stdin", stdin)
        set_field(self, "max_lines", max_lines)
        set_field(self, "world", world)


class Command(Frozen):
    """One subcommand.

    Attributes:
        name: what follows ``rfcauth`` on the command line.
        help: one line for ``rfcauth --help``.
        description: the paragraph ``rfcauth NAME --help`` starts with.
        configure: adds the subcommand's arguments to its parser.
        run: does the work and returns the exit code (errors are raised, see `rfcauth.cli`).
        examples: example runs for the reference.
        json_shape: returns the JSON Schema of its ``--json`` output (None: it has no
            ``--json``); a function, so that running the command never builds it.
        plain: reads the arguments after the name without argparse: the namespace argparse
            would build from them, or None to leave them to argparse (anything unusual: help,
            a misspelt option, a usage error). ``tests/cli`` checks it against argparse.
    """

    __slots__ = (
        "configure",
        "description",
        "examples",
        "help",
        "json_shape",
        "name",
        "plain",
        "run",
    )
    name: str
    help: str
    description: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[SimpleNamespace, Output], int]
    examples: tuple[Example, ...]
    json_shape: Callable[[], Mapping[str, Any]] | None
    plain: Callable[[Sequence[str]], SimpleNamespace | None] | None

    def __init__(
        self,
        *,
        name: str,
        help: str,  # noqa: A002 - the field's name, as argparse calls it
        description: str,
        configure: Callable[[argparse.ArgumentParser], None],
        run: Callable[[SimpleNamespace, Output], int],
        examples: tuple[Example, ...] = (),
        json_shape: Callable[[], Mapping[str, Any]] | None = None,
        plain: Callable[[Sequence[str]], SimpleNamespace | None] | None = None,
    ) -> None:
        """Set the fields."""
        set_field(self, "name", name)
        set_field(self, "help", help)
        set_field(self, "description", description)
        set_field(self, "configure", configure)
        set_field(self, "run", run)
        set_field(self, "examples", examples)
        set_field(self, "json_shape", json_shape)
        set_field(self, "plain", plain)


def load_commands(names: Iterable[str] | None = None) -> tuple[Command, ...]:
    """The rows named (default: every row), in `MODULES` order; each module imported on demand."""
    wanted = set(MODULES if names is None else names)
    return tuple(
        # __import__ with a fromlist returns the submodule itself; `importlib` would cost
        # `rfcauth parse` another import (and `warnings`) at start-up
        __import__(module, fromlist=("COMMAND",)).COMMAND
        for name, module in MODULES.items()
        if name in wanted
    )
