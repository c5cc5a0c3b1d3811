"""The `rfcauth` command's discovery and metadata rows: simulate, validate, schema, demo."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import jsonschema
import pytest

from rfcauth.cli import _main as _cli
from rfcauth.cli._shapes import LIST, PLAN, SCHEMA, VALIDATE
from rfcauth.discovery._scenarios import load_scenarios

CORPUS = Path(__file__).parent.parent / "data" / "metadata"


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return _cli.main(list(argv), out), out.getvalue()


def test_demo_ends_with_the_motivating_discovery() -> None:
    code, text = run("demo")
    assert code == 0
    tail = text[text.index("Discovery for the motivating server") :]
    assert "GET https://mcp.example.com/.well-known/oauth-authorization-server -> HTTP 200" in tail
    assert "AUTHORIZE with https://mcp.example.com (protocol 2025-03-26)" in tail
    assert "legacy_fallback" in tail


def test_simulate_lists_every_vector() -> None:
    code, text = run("simulate", "--list")
    assert code == 0
    assert [line.split()[0] for line in text.splitlines()] == [s.id for s in load_scenarios()]


def test_simulate_a_vector_exit_codes() -> None:
    code, text = run("simulate", "--scenario", "seed-legacy-origin-metadata")
    assert code == 0
    assert "AUTHORIZE" in text
    code, text = run("simulate", "--scenario", "prm-5xx")
    assert code == 3
    assert "FAIL discovery_unavailable" in text


def test_simulate_a_world_file_as_json(tmp_path: Path) -> None:
    world = {
        "resource": "https://mcp.example.com/mcp",
        "responses": {"https://mcp.example.com/mcp": {"status": 403}},
        "policy": {"preset": "strict", "max_step_up_attempts": 1},
        "client": {"previous_scope": "a"},
    }
    path = tmp_path / "world.json"
    path.write_text(json.dumps(world))
    code, text = run("simulate", "--json", str(path))
    plan = json.loads(text)
    assert code == 3
    assert plan["outcome"]["action"] == "Fail"
    assert plan["outcome"]["code"] == "access_denied"
    assert plan["exchanges"] == [
        {"url": "https://mcp.example.com/mcp", "status": 403, "error": None, "listed": True}
    ]


def test_simulate_reads_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    world = {"resource": "https://x.example/mcp", "responses": {"https://x.example/mcp": {}}}
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(world)))
    code, text = run("simulate", "-")
    assert code == 0
    assert "NO AUTHORIZATION NEEDED (HTTP 200)" in text


@pytest.mark.parametrize(
    "world",
    [
        "not json",
        "[]",
        '{"resource": "https://x.example", "responses": {}, "policy": "lax"}',
        '{"resource": "https://x.example", "responses": {}, "client": {"secret": 1}}',
        '{"resource": "https://x.example", "responses": {}, "policy": {"legacy": true}}',
    ],
)
def test_simulate_usage_errors_exit_2(
    world: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "world.json"
    path.write_text(world)
    code, _ = run("simulate", str(path))
    assert code == 2
    assert capsys.readouterr().err.startswith("rfcauth: ")


def test_simulate_without_input_is_a_usage_error() -> None:
    assert run("simulate")[0] == 2
    assert run("simulate", "--scenario", "no-such-row")[0] == 2


def test_validate_a_real_document_in_both_modes() -> None:
    google = str(CORPUS / "asm-google.json")
    code, text = run("validate", "asm", google, "--expected", "https://accounts.google.com")
    assert (code, text) == (0, "valid\n")
    code, text = run("validate", "asm", google, "--expected", "https://accounts.google.com/")
    assert code == 1
    assert "issuer_mismatch" in text
    code, text = run(
        "validate", "asm", google, "--expected", "https://accounts.google.com/", "--lenient"
    )
    assert code == 0
    assert "warning" in text
    assert "issuer_trailing_slash" in text


def test_validate_json_and_the_mcp_profile(tmp_path: Path) -> None:
    path = tmp_path / "prm.json"
    path.write_text(json.dumps({"resource": "https://mcp.example.com/mcp"}))
    code, text = run("validate", "prm", str(path), "--json")
    assert code == 0
    assert json.loads(text) == {"valid": True, "strict": True, "violations": [], "warnings": []}
    code, text = run("validate", "prm", str(path), "--mcp", "--json")
    report = json.loads(text)
    assert code == 1
    assert [v["code"] for v in report["violations"]] == ["mcp_no_authorization_servers"]


def test_validate_reports_every_violation(tmp_path: Path) -> None:
    path = tmp_path / "asm.json"
    path.write_text(json.dumps({"issuer": "http://as.example?x=1"}))
    code, text = run("validate", "asm", str(path), "--json")
    codes = {v["code"] for v in json.loads(text)["violations"]}
    assert code == 1
    assert len(codes) >= 2
    assert "issuer_not_https" in codes


def test_validate_judges_the_body_as_received(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A body that is not UTF-8 or too large is an invalid document (exit 1), not a usage error."""
    latin1 = tmp_path / "latin1.json"
    latin1.write_bytes(b'{"resource": "https://r.example", "resource_name": "caf\xe9"}')
    code, text = run("validate", "prm", str(latin1), "--json")
    assert code == 1
    assert [(v["code"], v["message"]) for v in json.loads(text)["violations"]] == [
        ("invalid_encoding", "not UTF-8: invalid byte at offset 55")
    ]
    big = tmp_path / "big.json"
    big.write_bytes(b'{"resource": "https://r.example"}' + b" " * 600_000)
    code, text = run("validate", "prm", str(big))
    assert code == 1
    assert "document is 600033 bytes; the cap is 524288" in text
    stdin = io.TextIOWrapper(io.BytesIO(latin1.read_bytes()))
    monkeypatch.setattr(sys, "stdin", stdin)
    code, text = run("validate", "prm", "-", "--json")
    assert code == 1
    assert [v["code"] for v in json.loads(text)["violations"]] == ["invalid_encoding"]


def test_validate_a_key_file_nested_too_deeply_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = tmp_path / "asm.json"
    document.write_text((CORPUS / "asm-google.json").read_text())
    keys = tmp_path / "keys.json"
    keys.write_text("[" * 200_000 + "]" * 200_000)
    code, _ = run("validate", "asm", str(document), "--keys", str(keys))
    assert code == 2
    assert "nested too deeply" in capsys.readouterr().err


def _signed_document(tmp_path: Path) -> tuple[Path, Path, Path]:
    """(document, its issuer's JWK Set, another key's JWK Set) for ``validate --keys``."""
    jws = pytest.importorskip("joserfc.jws")
    from joserfc.jwk import ECKey  # noqa: PLC0415 - after the importorskip

    key, other = (ECKey.generate_key("P-256", parameters={"kid": "k1"}) for _ in range(2))
    claims = {"iss": "https://as.example", "token_endpoint": "https://as.example/oauth/token"}
    signed = jws.serialize_compact({"alg": "ES256", "kid": "k1"}, json.dumps(claims), key)
    document = {
        "issuer": "https://as.example",
        "response_types_supported": ["code"],
        "authorization_endpoint": "https://as.example/authorize",
        "token_endpoint": "https://as.example/token",
        "signed_metadata": signed,
    }
    paths = tuple(tmp_path / name for name in ("asm.json", "keys.json", "other.json"))
    paths[0].write_text(json.dumps(document))
    paths[1].write_text(json.dumps({"keys": [key.as_dict(private=False)]}))
    paths[2].write_text(json.dumps(other.as_dict(private=False)))
    return paths  # type: ignore[return-value]


def test_validate_verifies_signed_metadata_with_keys(tmp_path: Path) -> None:
    document, keys, other = (str(p) for p in _signed_document(tmp_path))
    code, text = run("validate", "asm", document, "--keys", keys)
    assert (code, text) == (0, "valid\n")
    code, text = run(
        "validate", "asm", document, "--keys", keys, "--trusted-issuer", "https://as.example"
    )
    assert (code, text) == (0, "valid\n")
    code, text = run("validate", "asm", document, "--keys", other, "--json")
    assert code == 1
    assert [v["code"] for v in json.loads(text)["violations"]] == ["signed_metadata_bad_signature"]
    code, text = run("validate", "asm", document, "--keys", keys, "--trusted-issuer", "https://x")
    assert code == 1
    assert "signed_metadata_untrusted_iss" in text
    code, text = run("validate", "asm", document, "--keys", keys, "--algorithm", "RS256")
    assert code == 1
    assert "signed_metadata_alg_not_allowed" in text


def test_validate_signed_metadata_usage_errors(tmp_path: Path) -> None:
    document, keys, _ = (str(p) for p in _signed_document(tmp_path))
    assert run("validate", "asm", document, "--algorithm", "ES256")[0] == 2
    assert run("validate", "asm", document, "--keys", document + ".missing")[0] == 2
    not_keys = tmp_path / "list.json"
    not_keys.write_text("[]")
    assert run("validate", "asm", document, "--keys", str(not_keys))[0] == 2
    assert run("validate", "asm", document, "--keys", keys, "--algorithm", "none")[0] == 2


@pytest.mark.parametrize("kind", ["asm", "prm"])
def test_schema_prints_json_schema(kind: str) -> None:
    code, text = run("schema", kind)
    schema = json.loads(text)
    assert code == 0
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert ("issuer" if kind == "asm" else "resource") in schema["required"]


def test_a_missing_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tmp_path / "nope.json")
    assert run("simulate", missing)[0] == 2
    assert run("validate", "asm", missing)[0] == 2
    assert "cannot read" in capsys.readouterr().err


def test_simulate_list_json() -> None:
    code, text = run("simulate", "--list", "--json")
    rows = json.loads(text)
    assert code == 0
    assert [r["id"] for r in rows] == [s.id for s in load_scenarios()]
    assert rows[0]["title"] == load_scenarios()[0].title
    jsonschema.validate(rows, LIST)


@pytest.mark.parametrize(
    "extra",
    [("--scenario", "prm-5xx"), ("--list",)],
)
def test_simulate_a_file_and_another_source_is_a_usage_error(
    extra: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "world.json"
    path.write_text(json.dumps({"resource": "https://x.example/mcp", "responses": {}}))
    code, text = run("simulate", str(path), *extra)
    assert (code, text) == (2, "")
    assert "exactly one of WORLD.json, --scenario ID or --list" in capsys.readouterr().err
    assert run("simulate", "--list", "--scenario", "prm-5xx")[0] == 2


@pytest.mark.parametrize("scenario", ["seed-legacy-origin-metadata", "prm-5xx", "not-challenged"])
def test_simulate_json_matches_its_documented_shape(scenario: str) -> None:
    code, text = run("simulate", "--scenario", scenario, "--json")
    plan = json.loads(text)
    jsonschema.validate(plan, PLAN)
    assert code == (3 if plan["outcome"]["action"] == "Fail" else 0)


def test_validate_lenient_never_says_valid_for_a_tolerated_document() -> None:
    google = str(CORPUS / "asm-google.json")
    argv = ("validate", "asm", google, "--expected", "https://accounts.google.com/", "--lenient")
    code, text = run(*argv)
    assert code == 0
    first = text.splitlines()[0]
    assert not first.startswith("valid")
    assert first.startswith("accepted under --lenient with 1 tolerance; not valid")
    code, text = run(*argv, "--json")
    report = json.loads(text)
    assert (report["valid"], report["strict"]) == (True, False)
    assert [w["code"] for w in report["warnings"]] == ["issuer_trailing_slash"]
    jsonschema.validate(report, VALIDATE)
    code, text = run("validate", "asm", google, "--lenient")  # nothing to tolerate: valid
    assert (code, text) == (0, "valid\n")


def test_validate_json_matches_its_documented_shape(tmp_path: Path) -> None:
    path = tmp_path / "asm.json"
    path.write_text(json.dumps({"issuer": "http://as.example?x=1"}))
    code, text = run("validate", "asm", str(path), "--json")
    assert code == 1
    jsonschema.validate(json.loads(text), VALIDATE)


def test_schema_output_matches_its_documented_shape() -> None:
    for kind in ("asm", "prm"):
        code, text = run("schema", kind)
        assert code == 0
        jsonschema.validate(json.loads(text), SCHEMA)
        assert run("schema", kind, "--json") == (code, text)


# --- no traceback for any world ---------------------------------------------------------------


def _world(tmp_path: Path, world: dict[str, object]) -> str:
    path = tmp_path / "world.json"
    path.write_text(json.dumps(world))
    return str(path)


def test_simulate_a_world_with_32_authorization_servers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    resource = "https://mcp.example.com/mcp"
    world = {
        "resource": resource,
        "responses": {
            resource: {
                "status": 401,
                "headers": {
                    "WWW-Authenticate": 'Bearer resource_metadata="https://mcp.example.com/prm"'
                },
            },
            "https://mcp.example.com/prm": {
                "body": {
                    "resource": resource,
                    "authorization_servers": [f"https://as{i}.example" for i in range(32)],
                }
            },
        },
    }
    code, text = run("simulate", _world(tmp_path, world), "--json")
    assert code == 3  # unexpected server data is a reasoned Fail
    assert json.loads(text)["outcome"]["action"] == "Fail"
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize(
    "world",
    [
        {
            "resource": "https://mcp.example.com/mcp",
            "responses": {},
            "client": {"client_metadata_url": 5},
        },
        {"resource": "https://[zz]/mcp", "responses": {}},
    ],
)
def test_simulate_a_world_with_misused_options_is_a_usage_error(
    world: dict[str, object], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, text = run("simulate", _world(tmp_path, world), "--json")
    assert code == 2
    assert json.loads(text)["error"]["code"] == "usage_error"
    assert capsys.readouterr().err.startswith("rfcauth: ")


def test_no_rule_text_repeats_a_citation() -> None:
    for scenario in load_scenarios():
        _code, text = run("simulate", "--scenario", scenario.id, "--json")
        plan = json.loads(text)
        for action in [*plan["steps"], plan["outcome"]]:
            for rule in [action["rule"], *(n["rule"] for n in action["notes"])]:
                parts = rule.split("; ")
                assert len(parts) == len(set(parts)), (scenario.id, rule)


@pytest.mark.parametrize(
    "body",
    ["not json{", [1, 2], {"resource": 5}, "\udcff", {"resource": "https://other.example/mcp"}],
)
def test_simulate_malformed_server_data_is_a_reasoned_fail(body: object, tmp_path: Path) -> None:
    """Bad server data is the server's fault, not a usage error: a Fail and exit 3."""
    resource = "https://mcp.example.com/mcp"
    world = {
        "resource": resource,
        "responses": {
            resource: {
                "status": 401,
                "headers": {
                    "WWW-Authenticate": 'Bearer resource_metadata="https://mcp.example.com/prm"'
                },
            },
            "https://mcp.example.com/prm": {"body": body},
        },
    }
    path = tmp_path / "world.json"
    path.write_text(json.dumps(world))
    code, text = run("simulate", str(path), "--json")
    plan = json.loads(text)
    assert code == 3
    assert plan["outcome"]["action"] == "Fail"
    assert plan["outcome"]["reason"]
