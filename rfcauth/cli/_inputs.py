"""Reading what the user hands the command line, as the bytes received.

Header values are octets (RFC 9110 §5.5: field values are ISO-8859-1 at most, obs-text
included), so an argument is taken back to the bytes the shell passed (`os.fsencode` undoes
Python's decoding of ``argv``; `rfcauth.cli._parse` does it) and stdin is read from its binary
buffer; the parser then reads each byte as one ISO-8859-1 character, as the library does for
``bytes``. Documents are read as bytes too, so that the metadata parser judges their encoding
and size itself.
"""

from __future__ import annotations

import os
import sys

from rfcauth._errors import UsageError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see rfcauth._frozen)
if TYPE_CHECKING:
    from typing import Any

__all__ = ["read_bytes", "read_json", "stdin_bytes"]


def stdin_bytes() -> bytes:
    """Everything on stdin, as bytes."""
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is not None:
        return bytes(buffer.read())
    return os.fsencode(sys.stdin.read())  # a text-only stream (an embedding, a test double)


def read_bytes(path: str) -> bytes:
    """The file at `path` (``-``: stdin), as bytes."""
    from pathlib import Path  # noqa: PLC0415 - parse never reads a file

    if path == "-":
        return stdin_bytes()
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror or exc})") from None


def read_json(path: str) -> Any:  # noqa: ANN401 - arbitrary JSON
    """The JSON value in the file at `path` (UTF-8, -16 or -32, as RFC 8259 §8.1 allows)."""
    import json  # noqa: PLC0415 - parse reads no JSON

    body = read_bytes(path)
    try:
        return json.loads(body)
    except ValueError as exc:
        raise UsageError(f"{path}: not JSON ({exc})") from None
    except RecursionError:
        raise UsageError(f"{path}: nested too deeply to read") from None
