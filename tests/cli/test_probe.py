"""``rfcauth probe`` against servers on loopback: text, JSON, diagram, exit codes, safety."""

from __future__ import annotations

import contextlib
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Self

import jsonschema
import pytest

from rfcauth.cli import main
from rfcauth.cli._probe import SHAPE

if TYPE_CHECKING:
    from collections.abc import Iterator

Route = tuple[int, dict[str, str], Any]


class Canned:
    """A loopback HTTP server answering each path from a table; ``{base}`` is its own origin."""

    def __init__(self, routes: dict[str, Route]) -> None:
        self.routes = routes
        self.hits: list[tuple[str, str]] = []
        canned = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: object) -> None:
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                canned.hits.append((self.command, self.path))
                status, headers, body = canned.routes.get(self.path, (404, {}, {"error": "nf"}))
                if not isinstance(body, bytes):
                    body = json.dumps(body).replace("{base}", canned.base).encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value.replace("{base}", canned.base))
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer  # noqa: N815 -- http.server's naming

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> Self:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def _asm(issuer: str = "{base}", **extra: object) -> dict[str, object]:
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/authorize",
        "token_endpoint": f"{issuer}/token",
        "registration_endpoint": f"{issuer}/register",
        "response_types_supported": ["code"],
        "code_challenge_methods_supported": ["S256"],
        **extra,
    }


SEED: dict[str, Route] = {
    "/mcp": (401, {"WWW-Authenticate": 'Bearer error="invalid_token"'}, {"error": "x"}),
    "/.well-known/oauth-authorization-server": (200, {}, _asm()),
}


@contextlib.contextmanager
def served(routes: dict[str, Route]) -> Iterator[Canned]:
    with Canned(routes) as server:
        yield server


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out)
    return code, out.getvalue()


def test_the_seed_fails_a_strict_client_and_rfcauth_authorizes() -> None:
    with served(SEED) as server:
        code, text = run("probe", f"{server.base}/mcp")
    assert code == 0
    lines = text.splitlines()
    assert lines[1].startswith("strict current-spec client: FAILS, no_authorization_server")
    assert lines[2].startswith(f"rfcauth (compatible): authorizes with {server.base}")
    fix = next(line for line in lines if line.startswith(" 1. publish"))
    assert f"{server.base}/.well-known/oauth-protected-resource/mcp" in fix
    assert f" 4. GET {server.base}/.well-known/oauth-authorization-server -> HTTP 200" in text
    assert 'WWW-Authenticate: Bearer error="invalid_token"' in text
    # Each URL is fetched once although two readings walk it.
    assert len(server.hits) == len(set(server.hits)) == 4
    assert server.hits[0] == ("POST", "/mcp")


def test_strict_mode_exits_3_on_the_seed() -> None:
    with served(SEED) as server:
        assert run("probe", "--strict", f"{server.base}/mcp")[0] == 3


def test_json_output_matches_its_documented_shape() -> None:
    with served(SEED) as server:
        code, text = run("probe", "--json", f"{server.base}/mcp")
    assert code == 0
    report = json.loads(text)
    jsonschema.validate(report, SHAPE)
    assert report["strict"]["outcome"]["action"] == "Fail"
    assert report["compatible"]["outcome"]["action"] == "Authorize"
    assert report["requests"][0]["www_authenticate"] == ['Bearer error="invalid_token"']
    assert report["fixes"][0].startswith("publish Protected Resource Metadata")


def test_a_modern_server_with_a_foreign_authorization_server_needs_no_fix() -> None:
    with served({"/.well-known/oauth-authorization-server/tenant": (200, {}, {})}) as auth:
        issuer = f"{auth.base}/tenant"
        auth.routes["/.well-known/oauth-authorization-server/tenant"] = (200, {}, _asm(issuer))
        routes: dict[str, Route] = {
            "/mcp": (
                401,
                {
                    "WWW-Authenticate": 'Bearer resource_metadata="{base}/.well-known/'
                    'oauth-protected-resource/mcp"'
                },
                {},
            ),
            "/.well-known/oauth-protected-resource/mcp": (
                200,
                {},
                {"resource": "{base}/mcp", "authorization_servers": [issuer]},
            ),
        }
        with served(routes) as server:
            code, text = run("probe", "--diagram", f"{server.base}/mcp")
    assert code == 0
    assert "strict current-spec client: authorizes with" in text
    assert "What to fix" not in text
    assert "sequenceDiagram" in text
    assert f"participant AS1 as Authorization server {auth.base}" in text
    assert "C->>AS1: GET /.well-known/oauth-authorization-server/tenant" in text


def test_a_resource_mismatch_fails_both_and_says_what_to_fix() -> None:
    routes: dict[str, Route] = {
        "/mcp": (401, {"WWW-Authenticate": "Bearer"}, {}),
        "/.well-known/oauth-protected-resource/mcp": (
            200,
            {},
            {"resource": "https://evil.example.com/mcp", "authorization_servers": ["{base}"]},
        ),
        "/.well-known/oauth-authorization-server": (200, {}, _asm()),
    }
    with served(routes) as server:
        code, text = run("probe", f"{server.base}/mcp")
    assert code == 3
    assert "rfcauth (compatible): FAILS" in text
    assert f"make `resource` in {server.base}/.well-known/oauth-protected-resource/mcp" in text


def test_a_redirect_is_an_absent_document_and_is_not_followed() -> None:
    routes = dict(SEED)
    moved = (302, {"Location": "{base}/elsewhere"}, {})
    routes["/.well-known/oauth-protected-resource/mcp"] = moved
    with served(routes) as server:
        code, _ = run("probe", f"{server.base}/mcp")
    assert code == 0
    assert ("GET", "/elsewhere") not in server.hits


def test_an_oversized_answer_is_cut_off() -> None:
    routes = dict(SEED)
    routes["/.well-known/oauth-authorization-server"] = (200, {}, b"{" + b" " * (2 << 20))
    with served(routes) as server:
        code, text = run("probe", "--json", f"{server.base}/mcp")
    assert code == 3
    errors = [r["error"] for r in json.loads(text)["requests"]]
    assert errors[-1] == "too_large"


def test_an_unreachable_server() -> None:
    with served({}) as server:
        base = server.base
    code, text = run("probe", f"{base}/mcp")
    assert code == 3
    assert f"POST {base}/mcp -> connect" in text


@pytest.mark.parametrize("url", ["ftp://x.example/mcp", "https://x.example:99999/mcp", "mcp"])
def test_a_url_that_is_not_http_is_a_usage_error(url: str) -> None:
    assert run("probe", url)[0] == 2


PUBLIC_LOOKING = "mcp.example.test"


@pytest.fixture
def public_looking(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Name resolution as for a public server: the resource's name is not on a private network.

    The guard asks once whether the resource itself is on a private address (no port: it is
    told no, as for a public name); connections to it reach the loopback test server. Other
    names resolve as the test says, and every lookup is recorded.
    """
    from rfcauth.http import _guard  # noqa: PLC0415

    names: dict[str, list[str]] = {}

    def resolve(host: str, port: int | None = None) -> list[str]:
        names.setdefault(host, []).append(str(port))
        if host == PUBLIC_LOOKING:
            if port is None:
                raise OSError(host)
            return ["127.0.0.1"]
        return {"metadata.internal.test": ["10.0.0.5"]}.get(host, [])

    monkeypatch.setattr(_guard, "_resolve", resolve)
    return names


def _public(server: Canned) -> str:
    return server.base.replace("127.0.0.1", PUBLIC_LOOKING) + "/mcp"


@pytest.mark.usefixtures("public_looking")
def test_a_hint_to_a_link_local_literal_is_not_fetched() -> None:
    """The discovery core refuses the URL itself: it never becomes a request."""
    routes: dict[str, Route] = {
        "/mcp": (
            401,
            {"WWW-Authenticate": 'Bearer resource_metadata="https://169.254.169.254/latest/x"'},
            {},
        ),
    }
    with served(routes) as server:
        code, text = run("probe", "--json", _public(server))
    report = json.loads(text)
    jsonschema.validate(report, SHAPE)
    assert [r["url"] for r in report["requests"]][:1] == [_public(server)]
    assert all("169.254" not in r["url"] for r in report["requests"])
    reason = "it points at a link-local address 169.254.169.254"
    assert any(reason in fix for fix in report["fixes"])
    assert code == 3  # no PRM and no authorization server metadata here either


def test_a_hint_resolving_to_a_private_address_is_refused_with_its_reason(
    public_looking,
) -> None:
    """The driver's connect-time check refuses the name: reported, with its reason, not sent."""
    hint = "https://metadata.internal.test/prm"
    routes: dict[str, Route] = {
        "/mcp": (401, {"WWW-Authenticate": f'Bearer resource_metadata="{hint}"'}, {}),
    }
    with served(routes) as server:
        code, text = run("probe", _public(server))
        json_code, json_text = run("probe", "--json", _public(server))
    assert code == json_code == 3
    assert server.hits == [("POST", "/mcp")] * 2
    # The check ran on the very addresses the connection would have used.
    assert public_looking["metadata.internal.test"] == ["443", "443"]
    reason = "metadata.internal.test resolves to a private address 10.0.0.5"
    assert f" 2. GET {hint} -> refused, not sent: {reason}" in text
    fix = next(line for line in text.splitlines() if line.startswith(" 1. "))
    assert fix.startswith(f" 1. stop naming {hint}: clients must not request it, {reason}")
    assert "reachable" not in text
    refused = json.loads(json_text)["requests"][1]
    jsonschema.validate(json.loads(json_text), SHAPE)
    assert (refused["url"], refused["status"], refused["error"]) == (hint, None, "refused")
    assert refused["detail"].startswith(reason)
