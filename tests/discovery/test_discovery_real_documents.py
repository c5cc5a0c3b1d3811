"""Discovery over real providers' documents (tests/data/metadata, sources in manifest.json)."""

from __future__ import annotations

import json
from pathlib import Path

from rfcauth import Authorize, ClientOptions, Fail, Policy, simulate

CORPUS = Path(__file__).parent.parent / "data" / "metadata"


def load(name: str) -> dict[str, object]:
    return json.loads((CORPUS / name).read_text("utf-8"))


def unauthorized(hint: str | None = None) -> dict[str, object]:
    header = f'Bearer resource_metadata="{hint}"' if hint else 'Bearer error="invalid_token"'
    return {"status": 401, "headers": {"WWW-Authenticate": header}}


def test_google_listed_with_a_trailing_slash_needs_a_preregistered_client() -> None:
    # Google's MCP servers list "https://accounts.google.com/" (python-sdk#1919); Google's
    # document says "https://accounts.google.com" and offers no dynamic registration.
    resource = "https://mcp.example.com/mcp"
    prm_url = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"
    responses = {
        resource: unauthorized(prm_url),
        prm_url: {
            "body": {
                "resource": resource,
                "authorization_servers": ["https://accounts.google.com/"],
            }
        },
        "https://accounts.google.com/.well-known/oauth-authorization-server": {"status": 404},
        "https://accounts.google.com/.well-known/openid-configuration": {
            "body": load("asm-google.json")
        },
    }
    anonymous = simulate(resource, responses)
    assert isinstance(anonymous.outcome, Fail)
    assert anonymous.outcome.code == "no_registration_method"
    assert "issuer_trailing_slash" in {n.code for n in anonymous.outcome.warnings}

    plan = simulate(resource, responses, client=ClientOptions(client_id="123.apps"))
    outcome = plan.outcome
    assert isinstance(outcome, Authorize)
    assert outcome.issuer == "https://accounts.google.com"
    assert outcome.authorization_endpoint == "https://accounts.google.com/o/oauth2/v2/auth"
    assert outcome.registration.kind == "preregistered"

    strict = simulate(
        resource, responses, policy=Policy.strict(), client=ClientOptions(client_id="x")
    )
    assert isinstance(strict.outcome, Fail)
    assert strict.outcome.code == "issuer_mismatch"


def test_entra_v2_refuses_without_pkce_advertisement_unless_the_policy_allows_it() -> None:
    entra = load("asm-entra-v2-common.json")
    issuer = entra["issuer"]
    assert isinstance(issuer, str)
    resource = "https://mcp.example.com/mcp"
    prm_url = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"
    metadata_url = issuer + "/.well-known/openid-configuration"
    responses = {
        resource: unauthorized(prm_url),
        prm_url: {"body": {"resource": resource, "authorization_servers": [issuer]}},
        metadata_url: {"body": entra},
    }
    refused = simulate(resource, responses, client=ClientOptions(client_id="app"))
    assert isinstance(refused.outcome, Fail)
    assert refused.outcome.code == "pkce_not_supported"
    assert refused.probes[-1] == metadata_url

    allowed = simulate(
        resource,
        responses,
        policy=Policy(assume_pkce_without_advertisement=True),
        client=ClientOptions(client_id="app"),
    )
    assert isinstance(allowed.outcome, Authorize)
    assert {"pkce_assumed", "oidc_jwt_signing_alg_list_missing"} <= {
        n.code for n in allowed.outcome.warnings
    }


def test_keycloak_realm_found_by_the_oidc_appended_url_registers_dynamically() -> None:
    keycloak = load("asm-keycloak-eudiw.json")
    issuer = keycloak["issuer"]
    assert isinstance(issuer, str)
    resource = "https://mcp.example.com/mcp"
    prm_url = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"
    responses = {
        resource: unauthorized(),
        prm_url: {"body": {"resource": resource, "authorization_servers": [issuer]}},
        issuer + "/.well-known/openid-configuration": {"body": keycloak},
    }
    plan = simulate(resource, responses)
    outcome = plan.outcome
    assert isinstance(outcome, Authorize)
    assert len(plan.probes) == 4  # PRM, then RFC 8414, OIDC inserted, OIDC appended
    assert outcome.registration.kind == "dynamic"
    assert outcome.registration.endpoint == keycloak["registration_endpoint"]


def test_github_copilot_prm_with_a_trailing_slash_request() -> None:
    # The Copilot MCP server is requested as .../mcp/ and its PRM says .../mcp (vscode#259251).
    prm = load("prm-github-mcp.json")
    resource = "https://api.githubcopilot.com/mcp/"
    prm_url = "https://api.githubcopilot.com/.well-known/oauth-protected-resource/mcp/"
    responses = {resource: unauthorized(prm_url), prm_url: {"body": prm}}
    compatible = simulate(resource, responses)
    assert compatible.probes[:2] == (
        prm_url,
        "https://github.com/.well-known/oauth-authorization-server/login/oauth",
    )
    assert "resource_prefix_match" in {n.code for n in compatible.steps[1].warnings}
    strict = simulate(resource, responses, policy=Policy.strict())
    assert isinstance(strict.outcome, Fail)
    assert strict.outcome.code == "resource_mismatch"
