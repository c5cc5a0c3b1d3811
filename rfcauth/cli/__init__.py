"""The ``rfcauth`` command line, a thin shell over the library.

::

    _main.py      main(): the plain command line or the argparse parser built from the table,
                  errors → exit codes
    _arguments.py the argparse parser class (imported only when a command line needs it)
    _commands.py  the command table: one module per subcommand, in help order
    _output.py    text / colour / JSON output, the exit codes, the JSON error object
    _inputs.py    reading files and stdin as the bytes received
    _explain.py   what a parsed WWW-Authenticate header means for a client (parse, demo)
    _parse.py, _validate.py, _simulate.py, _schema.py, _demo.py   one subcommand each
    _docs.py      docs/cli.md, generated from the same parser (python -m rfcauth.cli._docs)

``python -m rfcauth`` and ``python -m rfcauth.cli`` run it too.
"""

from __future__ import annotations

from rfcauth.cli._main import main

__all__ = ["main"]
