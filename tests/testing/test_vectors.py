"""The vectors command: deterministic for a seed, valid against its schema; the curated set."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest

from rfcauth.cli import main
from rfcauth.testing import _vectors

NODE_DIR = Path(__file__).resolve().parents[1] / "node"


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out)
    return code, out.getvalue()


@pytest.mark.parametrize("kind", _vectors.KINDS)
def test_vectors_are_deterministic_and_match_the_schema(kind: str) -> None:
    code, first = run("vectors", kind, "--count", "12", "--seed", "5")
    assert code == 0
    _, again = run("vectors", kind, "--count", "12", "--seed", "5")
    assert first == again
    lines = [json.loads(line) for line in first.splitlines()]
    assert 1 <= len(lines) <= 12
    _, schema_text = run("vectors", kind, "--schema")
    schema = json.loads(schema_text)
    for line in lines:
        jsonschema.validate(line, schema)
    _, other = run("vectors", kind, "--count", "12", "--seed", "6")
    assert other != first


def test_challenge_vectors_say_what_rfcauth_says() -> None:
    _, text = run("vectors", "challenges", "--count", "30", "--seed", "1")
    lines = [json.loads(line) for line in text.splitlines()]
    assert {line["valid"] for line in lines} == {True, False}
    for line in lines:
        assert _vectors.challenge_vector(line["input"]) == line


def test_each_schema_rejects_the_other_kinds() -> None:
    challenge = _vectors.generate_vectors("challenges", count=1, seed=0)[0]
    _, schema_text = run("vectors", "metadata", "--schema")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(challenge, json.loads(schema_text))


def test_the_curated_set_is_shipped_fresh_and_valid() -> None:
    assert _vectors.load_curated() == _vectors.curated_challenge_vectors()
    schema = _vectors.schema()
    ids = set()
    for line in _vectors.load_curated():
        jsonschema.validate(line, schema)
        ids.add(line["id"])
    assert {"seed-invalid-token-no-hint", "rfc6750-expired-token"} <= ids
    code, text = run("vectors", "challenges", "--curated")
    assert code == 0
    assert [json.loads(line) for line in text.splitlines()] == _vectors.load_curated()


def test_usage_errors() -> None:
    assert run("vectors", "metadata", "--curated")[0] == 2
    assert run("vectors", "challenges", "--count", "0")[0] == 2


def test_the_typescript_sdk_helpers_under_node() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not on PATH: the TypeScript SDK vectors test did not run")
    if not (NODE_DIR / "node_modules" / "@modelcontextprotocol" / "sdk").is_dir():
        pytest.skip("tests/node/node_modules is missing: run `make node-peers` (npm install)")
    # S603: node's own test runner on this repository's test files
    done = subprocess.run(  # noqa: S603
        [node, "--test"], cwd=NODE_DIR, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
