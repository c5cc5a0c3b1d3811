"""The ``rfcauth`` command: one module per group of subcommands, ``main`` is the entry point."""

from __future__ import annotations

from rfcauth.cli._main import main

__all__ = ["main"]
