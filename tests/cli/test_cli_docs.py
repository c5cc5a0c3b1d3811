"""docs/cli.md is generated from the parser and the command table; it must be fresh."""

from __future__ import annotations

from rfcauth.cli import _docs
from rfcauth.cli._commands import load_commands


def test_docs_cli_md_is_fresh() -> None:
    assert _docs.DOCS_PATH.read_text("utf-8") == _docs.render(), (
        "docs/cli.md is stale: run `make docs` (python -m rfcauth.cli._docs)"
    )


def test_the_reference_documents_every_subcommand_with_an_example() -> None:
    text = _docs.render()
    for command in load_commands():
        assert f"## `rfcauth {command.name}`" in text
        assert command.examples, command.name
        assert f"$ rfcauth {command.name}" in text


def test_check_mode_reports_staleness(tmp_path, monkeypatch) -> None:
    stale = tmp_path / "cli.md"
    stale.write_text("old\n", "utf-8")
    monkeypatch.setattr(_docs, "DOCS_PATH", stale)
    assert _docs.main_docs(["--check"]) == 1
    assert _docs.main_docs([]) == 0
    assert _docs.main_docs(["--check"]) == 0
