"""The invariants ARCHITECTURE.md states, checked on the source: who may import whom."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "rfcauth"

#: What each layer of the pure core may import from rfcauth, besides the shared modules below.
CORE = {
    "grammar": {"grammar"},
    "challenge": {"grammar", "challenge"},
    "metadata": {"grammar", "metadata"},
    "discovery": {"grammar", "challenge", "metadata", "discovery"},
}
#: The errors and the value bases every layer uses.
SHARED = {"_errors", "_frozen", "_violation"}
#: The reference parser returns the challenge layer's values: it is that parser's twin.
EXCEPTIONS = {("grammar/reference.py", "challenge")}
#: Network, I/O frameworks and test-only libraries: never below the driver.
NOT_IN_CORE = (
    "httpx",
    "httpx2",
    "requests",
    "aiohttp",
    "urllib3",
    "socket",
    "ssl",
    "http",
    "urllib.request",
    "asyncio",
    "hypothesis",
    "rich",
    "atheris",
)
ABNF_USERS = {"grammar/reference.py", "grammar/_generate.py"}


def imports(path: Path) -> set[str]:
    """Every absolute module name `path` imports, at any depth (lazy imports included)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def modules(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


def relative(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


@pytest.mark.parametrize("layer", sorted(CORE))
def test_core_layers_import_only_the_layers_above_them(layer: str) -> None:
    assert modules(layer)
    for path in modules(layer):
        for name in imports(path):
            parts = name.split(".")
            if (
                parts[0] != "rfcauth"
                or len(parts) == 1
                or parts[1] in {"_errors", "_frozen", "_violation"}
            ):
                continue
            if (relative(path), parts[1]) in EXCEPTIONS:
                continue
            assert parts[1] in CORE[layer], f"{relative(path)} imports {name}"


@pytest.mark.parametrize("layer", sorted(CORE))
def test_no_network_and_no_test_library_below_the_driver(layer: str) -> None:
    for path in modules(layer):
        for name in imports(path):
            for banned in NOT_IN_CORE:
                assert name != banned, f"{relative(path)} imports {name}"
                assert not name.startswith(banned + "."), f"{relative(path)} imports {name}"


def test_abnf_only_in_the_reference_parser_and_the_generator() -> None:
    users = {
        relative(path)
        for path in sorted(PACKAGE.rglob("*.py"))
        if any(n == "abnf" or n.startswith("abnf.") for n in imports(path))
    }
    assert users == ABNF_USERS


def test_the_checks_see_lazy_imports() -> None:
    """The walker finds imports inside functions (the CLI's are all there)."""
    assert "rfcauth.metadata" in imports(PACKAGE / "cli" / "_validate.py")
