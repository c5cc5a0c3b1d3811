"""Bounded memo tables for the replaying walk (what keeps a whole discovery linear).

`next_action` replays discovery from the start on every call; the walk remembers, per answer
object, what it already worked out (a parsed document, an index of fetches, how far the server
loop got). The tables are invisible to callers: a hit returns exactly what recomputing would.
They are bounded, and safe to share between threads (at worst an entry is recomputed).
"""

from __future__ import annotations

from typing import TypeVar

__all__ = ["remember"]

_K = TypeVar("_K")
_V = TypeVar("_V")


def remember(table: dict[_K, _V], key: _K, value: _V, *, size: int) -> None:
    """Store `value` under `key`, evicting the oldest entry when `table` holds `size` already."""
    if key not in table and len(table) >= size:
        try:
            del table[next(iter(table))]
        except (RuntimeError, StopIteration, KeyError):  # another thread changed the table
            table.clear()
    table[key] = value
