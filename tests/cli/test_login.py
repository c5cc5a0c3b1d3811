"""``rfcauth login`` against the official MCP SDK server on loopback, with grants without a user.

The world: an ``mcp`` ``MCPServer`` (one tool, ``echo``) behind a Bearer check, its RFC 9728
metadata, and an authorization server that grants only ``client_credentials``.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import socket
import threading
import time
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urlencode

import jsonschema
import pytest
import uvicorn
from joserfc import jwt
from joserfc.jwk import ECKey
from mcp.server.mcpserver import MCPServer
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Route

from rfcauth.cli import main
from rfcauth.cli._login import SHAPE

if TYPE_CHECKING:
    from collections.abc import Iterator

    from starlette.requests import Request

CLIENT_ID, SECRET, TOKEN = "machine", "s3cret", "granted-token-123"
KEY = ECKey.generate_key("P-256")


class World:
    """An SDK MCP server behind a Bearer check, and its authorization server.

    ``code=True``: the authorization code flow (dynamic registration, an authorization endpoint
    that approves at once with ``iss``, PKCE checked at the token endpoint); ``seed=True``: the
    motivating server (401 ``invalid_token`` without a hint, no PRM, RFC 8414 metadata at the
    origin). Otherwise only ``client_credentials`` is granted.
    """

    def __init__(
        self, *, methods: list[str], code: bool = False, seed: bool = False, iss: str = ""
    ) -> None:
        self.methods = methods
        self.code, self.seed, self.iss = code or seed, seed, iss
        self.token_forms: list[dict[str, str]] = []
        self.authorize_queries: list[dict[str, str]] = []
        server = MCPServer("login-test", version="1.0")

        @server.tool()
        def echo(text: str) -> str:
            return f"echo: {text}"

        self.app = server.streamable_http_app(json_response=True)
        routes = [
            Route("/.well-known/oauth-authorization-server", self.asm),
            Route("/token", self.token, methods=["POST"]),
            Route("/register", self.register, methods=["POST"]),
            Route("/authorize", self.authorize),
        ]
        if not seed:
            routes.append(Route("/.well-known/oauth-protected-resource/mcp", self.prm))
        self.app.router.routes.extend(routes)
        self.app.add_middleware(_BearerGate, world=self)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.base = f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    async def prm(self, _request: Request) -> JSONResponse:
        return JSONResponse({"resource": f"{self.base}/mcp", "authorization_servers": [self.base]})

    async def asm(self, _request: Request) -> JSONResponse:
        return JSONResponse(
            {
                "issuer": self.base,
                "authorization_endpoint": f"{self.base}/authorize",
                "token_endpoint": f"{self.base}/token",
                "response_types_supported": ["code"],
                "code_challenge_methods_supported": ["S256"],
                "grant_types_supported": [
                    "authorization_code" if self.code else "client_credentials"
                ],
                "token_endpoint_auth_methods_supported": self.methods,
                "token_endpoint_auth_signing_alg_values_supported": ["ES256"],
                "registration_endpoint": f"{self.base}/register",
                "authorization_response_iss_parameter_supported": True,
            }
        )

    async def register(self, request: Request) -> JSONResponse:
        body = await request.json()
        return JSONResponse({"client_id": "dyn-1", **body}, status_code=201)

    async def authorize(self, request: Request) -> RedirectResponse:
        query = dict(request.query_params)
        self.authorize_queries.append(query)
        back = {"code": "the-code", "state": query["state"], "iss": self.iss or self.base}
        return RedirectResponse(f"{query['redirect_uri']}?{urlencode(back)}", status_code=302)

    async def token(self, request: Request) -> JSONResponse:
        form = {k: str(v) for k, v in (await request.form()).items()}
        self.token_forms.append(form)
        header = request.headers.get("authorization", "")
        basic = "Basic " + base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
        ok = header == basic
        if "client_assertion" in form:
            public = ECKey.import_key(KEY.as_dict(private=False))
            claims = jwt.decode(form["client_assertion"], public).claims
            ok = claims["iss"] == claims["sub"] == CLIENT_ID and claims["aud"] == self.base
        if form.get("grant_type") == "authorization_code":
            challenge = self.authorize_queries[-1]["code_challenge"]
            digest = hashlib.sha256(form["code_verifier"].encode()).digest()
            ok = base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == challenge
            ok = ok and form["code"] == "the-code" and form["client_id"] == "dyn-1"
        elif form.get("grant_type") != "client_credentials":
            ok = False
        if not ok:
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        return JSONResponse({"access_token": TOKEN, "token_type": "Bearer", "expires_in": 60})

    def __enter__(self) -> Self:
        config = uvicorn.Config(self.app, log_level="error", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(5)


class _BearerGate:
    """401 with the PRM hint unless the request carries the granted token (RFC 6750 §3)."""

    def __init__(self, app: Any, world: World) -> None:
        self.app, self.world = app, world

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/mcp"):
            headers = dict(scope["headers"])
            if headers.get(b"authorization") != f"Bearer {TOKEN}".encode():
                hint = f"{self.world.base}/.well-known/oauth-protected-resource/mcp"
                challenge = (
                    'Bearer error="invalid_token"'
                    if self.world.seed
                    else f'Bearer resource_metadata="{hint}"'
                )
                response = JSONResponse(
                    {"error": "invalid_token"},
                    status_code=401,
                    headers={"WWW-Authenticate": challenge},
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


@pytest.fixture
def world() -> Iterator[World]:
    with World(methods=["client_secret_basic"]) as running:
        yield running


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out), out.getvalue()


def test_client_credentials_login_lists_and_calls_a_tool(world: World) -> None:
    code, text = run(
        "login", f"{world.base}/mcp", "--client-id", CLIENT_ID, "--client-secret", SECRET,
        "--call", "echo", "--args", '{"text": "hi"}',
    )  # fmt: skip
    assert code == 0, text
    assert f"logged in: client_credentials grant at {world.base}" in text
    assert "tools (1): echo" in text
    assert "call echo: ok" in text
    assert "echo: hi" in text
    assert TOKEN not in text
    assert world.token_forms[0]["resource"] == f"{world.base}/mcp"


def test_the_token_is_printed_only_on_request(world: World) -> None:
    argv = ("login", f"{world.base}/mcp", "--client-id", CLIENT_ID, "--client-secret", SECRET)
    code, text = run(*argv, "--show-token")
    assert code == 0
    assert f"access token: {TOKEN}" in text
    code, text = run(*argv, "--json")
    assert code == 0
    report = json.loads(text)
    jsonschema.validate(report, SHAPE)
    assert "access_token" not in report["token"]
    assert report["mcp"]["tools"] == ["echo"]
    code, text = run(*argv, "--json", "--show-token")
    assert json.loads(text)["token"]["access_token"] == TOKEN


def test_a_refused_client_exits_3_with_the_reason(world: World) -> None:
    code, text = run("login", f"{world.base}/mcp", "--client-id", CLIENT_ID, "--client-secret", "x")
    assert code == 3
    assert "login FAILED at token" in text
    assert "invalid_client (HTTP 401)" in text
    code, text = run(
        "login", f"{world.base}/mcp", "--client-id", CLIENT_ID, "--client-secret", "x", "--json"
    )
    report = json.loads(text)
    jsonschema.validate(report, SHAPE)
    assert report["error"]["step"] == "token"


def test_a_failing_tool_call_exits_4(world: World) -> None:
    code, text = run(
        "login", f"{world.base}/mcp", "--client-id", CLIENT_ID, "--client-secret", SECRET,
        "--call", "no-such-tool",
    )  # fmt: skip
    assert code == 4, text


def test_private_key_jwt(tmp_path: Any) -> None:
    key_file = tmp_path / "key.pem"
    key_file.write_bytes(KEY.as_pem(private=True))
    with World(methods=["private_key_jwt"]) as running:
        code, text = run(
            "login", f"{running.base}/mcp", "--client-id", CLIENT_ID,
            "--private-key", str(key_file),
        )  # fmt: skip
    assert code == 0, text
    form = running.token_forms[0]
    assert form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@pytest.mark.parametrize(
    "extra", [("--args", "not json"), ("--args", "[1]"), ("--private-key", "/no/such/file")]
)
def test_usage_errors_exit_2(world: World, extra: tuple[str, str]) -> None:
    code, _ = run("login", f"{world.base}/mcp", "--client-id", CLIENT_ID, *extra)
    assert code == 2


@pytest.mark.parametrize("seed", [False, True], ids=["modern", "seed"])
def test_the_authorization_code_flow_logs_in_and_calls_a_tool(seed: bool) -> None:  # noqa: FBT001
    with World(methods=["none"], code=True, seed=seed) as running:
        code, text = run(
            "login", f"{running.base}/mcp", "--no-browser", "--call", "echo",
            "--args", '{"text": "seed"}',
        )  # fmt: skip
    assert code == 0, text
    assert f"logged in: authorization_code grant at {running.base}" in text
    assert "echo: seed" in text
    query = running.authorize_queries[0]
    assert query["code_challenge_method"] == "S256"
    assert query["resource"] == f"{running.base}/mcp"
    assert running.token_forms[0]["resource"] == f"{running.base}/mcp"
    if seed:  # the motivating server: no PRM, so the 2025-03-26 origin fallback
        assert f"GET {running.base}/.well-known/oauth-protected-resource/mcp -> 404" in text


def test_a_redirect_with_the_wrong_iss_is_refused_before_the_token_request() -> None:
    with World(methods=["none"], code=True, iss="https://evil.example.com") as running:
        code, text = run("login", f"{running.base}/mcp", "--no-browser", "--json")
    assert code == 3
    report = json.loads(text)
    jsonschema.validate(report, SHAPE)
    assert report["error"]["step"] == "authorization"
    assert report["error"]["rule"] == "RFC 9207 §2.4"
    assert running.token_forms == []
