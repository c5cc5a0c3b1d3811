"""SECURITY.md points each defence to its test: every pointer must name a test that exists."""

from __future__ import annotations

import ast
import fnmatch
import re
from pathlib import Path

from rfcauth.discovery._scenarios import load_scenarios

ROOT = Path(__file__).resolve().parents[2]
SECURITY = (ROOT / "SECURITY.md").read_text("utf-8")


def _tests_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test_")
    }


def test_every_test_pointer_names_an_existing_test() -> None:
    pointers = re.findall(r"`(tests/[\w/]+\.py)::(test_\w+)`", SECURITY)
    assert len(pointers) >= 30
    for path, name in pointers:
        assert name in _tests_in(ROOT / path), f"SECURITY.md names {path}::{name}"


def test_every_scenario_pointer_names_a_shipped_vector() -> None:
    ids = [s.id for s in load_scenarios()]
    named = re.findall(r"`([a-z0-9]+(?:-[a-z0-9*]+)+)`", SECURITY)
    assert len(named) >= 15
    for pattern in named:
        assert fnmatch.filter(ids, pattern), f"SECURITY.md names scenario {pattern}"
