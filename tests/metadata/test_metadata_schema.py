"""The exported JSON Schemas agree with the parsers on document-level rules."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import jsonschema
import pytest
from budgets import WHOLE_DOCUMENTS
from hypothesis import given

from rfcauth import (
    MetadataError,
    parse_authorization_server_metadata,
    parse_protected_resource_metadata,
)
from rfcauth.metadata.schema import (
    authorization_server_metadata_schema,
    main,
    protected_resource_metadata_schema,
)
from rfcauth.strategies import authorization_server_metadata as asm_documents
from rfcauth.strategies import protected_resource_metadata as prm_documents

if TYPE_CHECKING:
    from collections.abc import Callable

ASM = jsonschema.Draft202012Validator(authorization_server_metadata_schema())
PRM = jsonschema.Draft202012Validator(protected_resource_metadata_schema())
DATA = Path(__file__).parent.parent / "data" / "metadata"


def test_schemas_are_valid_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(ASM.schema)
    jsonschema.Draft202012Validator.check_schema(PRM.schema)


@WHOLE_DOCUMENTS
@given(asm_documents())
def test_generated_asm_documents_match_the_schema(doc: dict[str, object]) -> None:
    assert list(ASM.iter_errors(doc)) == []


@WHOLE_DOCUMENTS
@given(prm_documents())
def test_generated_prm_documents_match_the_schema(doc: dict[str, object]) -> None:
    assert list(PRM.iter_errors(doc)) == []


def _accepts(parse: Callable[[dict[str, object]], object], doc: dict[str, object]) -> bool:
    try:
        parse(doc)
    except MetadataError:
        return False
    return True


@pytest.mark.parametrize(
    "path",
    sorted(p for p in DATA.glob("*.json") if p.name != "manifest.json"),
    ids=lambda p: p.name,
)
def test_schema_and_strict_parser_agree_on_the_corpus(path: Path) -> None:
    doc = json.loads(path.read_bytes())
    asm = path.name.startswith("asm-")
    validator = ASM if asm else PRM
    parse = parse_authorization_server_metadata if asm else parse_protected_resource_metadata
    assert validator.is_valid(doc) == _accepts(parse, doc)


@pytest.mark.parametrize(
    ("doc", "valid"),
    [
        (
            {
                "issuer": "https://a.example",
                "response_types_supported": ["token"],
                "grant_types_supported": ["implicit"],
                "authorization_endpoint": "https://a.example/a",
            },
            True,
        ),
        (
            {
                "issuer": "https://a.example",
                "response_types_supported": ["code"],
                "grant_types_supported": ["client_credentials"],
                "token_endpoint": "https://a.example/t",
            },
            True,
        ),
        (
            {
                "issuer": "https://a.example",
                "response_types_supported": ["code"],
                "token_endpoint": "https://a.example/t",
            },
            False,
        ),
        (
            {
                "issuer": "https://a.example?x",
                "response_types_supported": ["code"],
                "grant_types_supported": ["client_credentials"],
                "token_endpoint": "https://a.example/t",
            },
            False,
        ),
        (
            {
                "issuer": "https://a.example",
                "response_types_supported": ["code"],
                "grant_types_supported": ["client_credentials"],
                "token_endpoint": "https://a.example/t",
                "revocation_endpoint_auth_signing_alg_values_supported": ["none"],
            },
            False,
        ),
    ],
)
def test_asm_schema_conditional_rules(doc: dict[str, object], *, valid: bool) -> None:
    assert ASM.is_valid(doc) is valid
    try:
        parse_authorization_server_metadata(doc)
        parser_ok = True
    except MetadataError:
        parser_ok = False
    assert parser_ok is valid


def test_prm_schema_tagged_members_and_empty_bearer_methods() -> None:
    ok = {
        "resource": "https://r.example",
        "bearer_methods_supported": [],
        "resource_name#ja": "ツール",
    }
    assert PRM.is_valid(ok)
    assert not PRM.is_valid({"resource": "https://r.example", "resource_tos_uri#de": 3})
    assert not PRM.is_valid({"resource": "https://r.example", "scopes_supported": []})
    assert not PRM.is_valid({"resource": "https://r.example#f"})


def test_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prm"]) == 0
    assert json.loads(capsys.readouterr().out)["required"] == ["resource"]
    assert main(["nope"]) == 2
    assert "usage" in capsys.readouterr().err
    out = subprocess.run(
        [sys.executable, "-m", "rfcauth.metadata.schema", "asm"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout)["title"].endswith("(RFC 8414)")


@pytest.mark.parametrize(
    "url",
    [
        "https://r.example/jwks",
        "https://r.example:8443/jwks?v=1",
        "https://[2001:db8::1]/jwks",
        "https://r.example/a b",  # a space
        "https://user@r.example/jwks",  # userinfo (RFC 9110 §4.2.4)
        "https://r.example\\@evil.example/jwks",  # a backslash
        "https://r.example:https/jwks",  # a port that is not a number
        "https://[::1/jwks",  # an unclosed IP literal
        "https://[:::::]/jwks",  # IPv6 alphabet, no IPv6 address
        "https://[::1:2:3:4:5:6]/jwks",
        "https://r]example/jwks",
    ],
)
def test_schema_and_strict_parser_agree_on_url_shapes(url: str) -> None:
    """Host and port as the parser checks them (the schema uses the parser's URL shapes)."""
    doc = {"resource": "https://r.example", "jwks_uri": url}
    assert PRM.is_valid(doc) == _accepts(parse_protected_resource_metadata, doc)


@pytest.mark.parametrize(
    ("member", "value"),
    [
        ("resource_signing_alg_values_supported", ["RS256", "none"]),  # RFC 9728 §2
        ("scopes_supported", ["read write"]),  # RFC 6749 §3.3
        ("scopes_supported", ['a"b']),
        ("scopes_supported", ["repo:status", "https://graph.microsoft.com/.default"]),
    ],
)
def test_schema_and_strict_parser_agree_on_prm_members(member: str, value: object) -> None:
    doc = {"resource": "https://r.example", member: value}
    assert PRM.is_valid(doc) == _accepts(parse_protected_resource_metadata, doc)
