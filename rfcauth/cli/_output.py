"""Where the command line writes: plain text, colour on a terminal, or JSON; and its errors.

Text goes through `Output.line` with a *style* name (``"ok"``, ``"bad"``, ``"warn"``,
``"head"``, ``"dim"``). On a terminal, with rich installed (the ``cli`` extra) and ``NO_COLOR``
unset or empty (https://no-color.org), the styles become colours; piped, under ``--json`` or
without rich the text is written as it is. Server-supplied text is never read as markup.

Exit codes, for every subcommand::

    0  success (a header parses, a document is valid, discovery ends in Authorize or needs none)
    1  the input does not parse or the document is invalid
    2  usage error: bad arguments, an unreadable file, a world file of the wrong shape
    3  discovery fails: `simulate` ends in a Fail action

With ``--json`` an error is one object on stdout (and the message on stderr)::

    {"error": {"code": "usage_error", "message": "...", "exit": 2}}

``code`` is ``usage_error``, ``challenge_parse_error`` (with ``rule`` and ``position``),
``metadata_error`` (with ``violations``) or ``rfcauth_error``.
"""

from __future__ import annotations

import os
import sys

from rfcauth._errors import ChallengeParseError, MetadataError, RfcAuthError, UsageError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see rfcauth._frozen)
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any, Final, TextIO

__all__ = [
    "EXIT_DISCOVERY_FAILED",
    "EXIT_INVALID",
    "EXIT_OK",
    "EXIT_USAGE",
    "Output",
    "error_report",
    "report_error",
]

EXIT_OK: Final = 0
EXIT_INVALID: Final = 1
EXIT_USAGE: Final = 2
EXIT_DISCOVERY_FAILED: Final = 3

_STYLES: Final = {
    "ok": "bold green",
    "bad": "bold red",
    "warn": "yellow",
    "head": "bold",
    "dim": "dim",
}


def _wants_colour(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty is not None and isatty())


class Output:
    """One command's output stream: text lines with styles, or one JSON document."""

    def __init__(self, stream: TextIO, *, json_output: bool = False) -> None:
        """Write to `stream`; colour only for text on a terminal (see the module docstring)."""
        self.stream = stream
        self.json = json_output
        self._console: Any = None
        if not json_output and _wants_colour(stream):
            try:
                from rich.console import Console  # noqa: PLC0415 - the optional cli extra
            except ImportError:
                return
            self._console = Console(
                file=stream,
                force_terminal=True,
                highlight=False,
                markup=False,
                emoji=False,
                soft_wrap=True,
            )

    @property
    def coloured(self) -> bool:
        """True when styles become colours."""
        return self._console is not None

    def line(self, text: str = "", style: str | None = None) -> None:
        """Write one line of text in `style`."""
        if self._console is None:
            self.stream.write(text + "\n")
            return
        from rich.text import Text  # noqa: PLC0415 - only on a terminal

        self._console.print(Text(text, style=_STYLES.get(style or "", "")))

    def lines(self, lines: Iterable[tuple[str, str | None]]) -> None:
        """Write ``(text, style)`` pairs."""
        for text, style in lines:
            self.line(text, style)

    def document(self, data: object) -> None:
        """Write a JSON document (indented, non-ASCII kept)."""
        import json  # noqa: PLC0415 - text output needs no json

        self.stream.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")

    def status(self, message: str) -> Any:  # noqa: ANN401 - a context manager
        """A spinner with `message` while a slow step runs, on a terminal only."""
        from contextlib import nullcontext  # noqa: PLC0415 - for the slow commands only

        if self._console is None:
            return nullcontext()
        return self._console.status(message)  # a rich Status: a context manager itself


def error_report(error: RfcAuthError) -> dict[str, Any]:
    """The JSON error object for `error`: ``{"code", "message", "exit", ...details}``."""
    if isinstance(error, UsageError):
        return {"code": "usage_error", "message": str(error), "exit": EXIT_USAGE}
    if isinstance(error, ChallengeParseError):
        return {
            "code": "challenge_parse_error",
            "message": error.reason,
            "exit": EXIT_INVALID,
            "rule": error.rule,
            "position": error.position,
        }
    if isinstance(error, MetadataError):
        return {
            "code": "metadata_error",
            "message": str(error).split("\n", 1)[0],
            "exit": EXIT_INVALID,
            "violations": [
                {"location": v.location, "code": v.code, "section": v.section, "message": v.message}
                for v in error.violations
            ],
        }
    return {"code": "rfcauth_error", "message": str(error), "exit": EXIT_INVALID}


def report_error(error: RfcAuthError, stream: TextIO, *, json_output: bool) -> int:
    """Say what went wrong (stderr; with `json_output` also the object on `stream`)."""
    report = error_report(error)
    if json_output:
        import json  # noqa: PLC0415 - text output needs no json

        stream.write(json.dumps({"error": report}, ensure_ascii=False) + "\n")
    sys.stderr.write(f"rfcauth: {error}\n")
    return int(report["exit"])
