"""The argparse parser class ``rfcauth`` builds on: usage errors raised, not printed.

Its own module so that `rfcauth.cli._main` imports argparse only when a command line needs a
parser (see `rfcauth.cli._commands.Command.plain`).
"""

from __future__ import annotations

import argparse

from rfcauth._errors import UsageError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see rfcauth._frozen)
if TYPE_CHECKING:
    from typing import NoReturn

__all__ = ["ArgumentParser"]


class ArgumentParser(argparse.ArgumentParser):
    """argparse that raises `UsageError` instead of printing and exiting on a usage error."""

    def error(self, message: str) -> NoReturn:
        """Raise `UsageError` with `message` and the usage line."""
        command = self.prog.removeprefix("rfcauth").strip()
        where = f"{command}: " if command else ""
        raise UsageError(f"{where}{message}\n{self.format_usage().rstrip()}")
