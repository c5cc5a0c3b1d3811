"""``python -m rfcauth``: the ``rfcauth`` command."""

from __future__ import annotations

from rfcauth.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
