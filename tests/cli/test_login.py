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
from joserfc import jws, jwt
from joserfc.jwk import ECKey, JWKRegistry
from mcp.server.mcpserver import MCPServer
from starlette.responses import JSONResponse, RedirectResponse
from starlette.routing import Route

from rfcauth.cli import main
from rfcauth.cli._login import SHAPE
from rfcauth.http import access_token_hash

if TYPE_CHECKING:
    from collections.abc import Iterator

    from starlette.requests import Request

CLIENT_ID, SECRET, TOKEN = "machine", "s3cret", "granted-token-123"
KEY = ECKey.generate_key("P-256")


def _proof(proof: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Verify a DPoP proof the way a server does (RFC 9449 §4.3), independently of rfcauth."""
    head = proof.split(".", maxsplit=1)[0]
    header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    assert header["typ"] == "dpop+jwt"
    key = JWKRegistry.import_key(header["jwk"])
    obj = jws.deserialize_compact(proof, key, algorithms=[header["alg"]])
    return header, json.loads(obj.payload)


class World:
    """An SDK MCP server behind a Bearer check, and its authorization server.

    ``code=True``: the authorization code flow (dynamic registration, an authorization endpoint
    that approves at once with ``iss``, PKCE checked at the token endpoint); ``seed=True``: the
    motivating server (401 ``invalid_token`` without a hint, no PRM, RFC 8414 metadata at the
    origin). Otherwise only ``client_credentials`` is granted.
    """

    def __init__(
        self,
        *,
        methods: list[str],
        code: bool = False,
        seed: bool = False,
        iss: str = "",
        dpop_nonce: str | None = None,
    ) -> None:
        self.methods = methods
        self.code, self.seed, self.iss = code or seed, seed, iss
        # DPoP (RFC 9449): advertised when dpop_nonce is given ("" = no nonce demanded).
        self.dpop_nonce = dpop_nonce
        self.jkt: str | None = None
        self.presented: list[str] = []
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
                **(
                    {"dpop_signing_alg_values_supported": ["ES256"]}
                    if self.dpop_nonce is not None
                    else {}
                ),
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
        proof = request.headers.get("dpop")
        if self.dpop_nonce is not None and proof is not None:
            header, claims = _proof(proof)
            assert (claims["htm"], claims["htu"]) == ("POST", f"{self.base}/token")
            if self.dpop_nonce and claims.get("nonce") != self.dpop_nonce:
                return JSONResponse(
                    {"error": "use_dpop_nonce"},
                    status_code=400,
                    headers={"DPoP-Nonce": self.dpop_nonce},
                )
            self.jkt = JWKRegistry.import_key(header["jwk"]).thumbprint()
            return JSONResponse({"access_token": TOKEN, "token_type": "DPoP", "expires_in": 60})
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
            presented = headers.get(b"authorization", b"").decode()
            self.world.presented.append(presented.split(" ")[0])
            if self.world.jkt is not None and presented == f"DPoP {TOKEN}":
                header, claims = _proof(headers[b"dpop"].decode())
                assert JWKRegistry.import_key(header["jwk"]).thumbprint() == self.world.jkt
                assert claims["ath"] == access_token_hash(TOKEN)
                # The resource's own nonce, unlike the token endpoint's on the same origin.
                nonce = self.world.dpop_nonce and "rs-" + self.world.dpop_nonce
                if nonce and claims.get("nonce") != nonce:
                    response = JSONResponse(
                        {"error": "use_dpop_nonce"},
                        status_code=401,
                        headers={
                            "WWW-Authenticate": 'DPoP error="use_dpop_nonce"',
                            "DPoP-Nonce": nonce,
                        },
                    )
                    await response(scope, receive, send)
                    return
                headers[b"authorization"] = f"Bearer {TOKEN}".encode()
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
        assert f"<- HTTP 404 {running.base}/.well-known/oauth-protected-resource/mcp" in text


def test_a_redirect_with_the_wrong_iss_is_refused_before_the_token_request() -> None:
    with World(methods=["none"], code=True, iss="https://evil.example.com") as running:
        code, text = run("login", f"{running.base}/mcp", "--no-browser", "--json")
    assert code == 3
    report = json.loads(text)
    jsonschema.validate(report, SHAPE)
    assert report["error"]["step"] == "authorization"
    assert report["error"]["rule"] == "RFC 9207 §2.4"
    assert running.token_forms == []


@pytest.mark.parametrize("nonce", ["", "server-nonce"], ids=["no-nonce", "nonces"])
def test_dpop_bound_tokens_where_the_server_offers_them(nonce: str) -> None:
    with World(methods=["none"], code=True, dpop_nonce=nonce) as running:
        code, text = run("login", f"{running.base}/mcp", "--no-browser", "--call", "echo",
                         "--args", '{"text": "bound"}')  # fmt: skip
    assert code == 0, text
    assert "DPoP token" in text
    assert "echo: bound" in text
    assert running.jkt is not None
    assert "Bearer" not in running.presented  # every authenticated request used DPoP


def test_no_dpop_asks_for_a_bearer_token() -> None:
    with World(methods=["none"], code=True, dpop_nonce="") as running:
        code, text = run("login", f"{running.base}/mcp", "--no-browser", "--no-dpop")
    assert code == 0, text
    assert "Bearer token" in text
    assert running.jkt is None


def test_the_live_demo_logs_in_to_the_seed_and_a_modern_server() -> None:
    code, text = run("demo", "--live")
    assert code == 0, text
    headline = text.split("Details below")[0].splitlines()
    assert len(headline) < 12  # the headline fits in a screen, before the details
    seed = headline.index(next(line for line in headline if line.startswith("The seed")))
    assert headline[seed + 1].startswith('  a strict current-spec client: "Failed to connect"')
    assert 'called echo -> "hello from the seed server"' in headline[seed + 2]
    assert "2025-03-26 fallback" in headline[seed + 2]
    assert 'called echo -> "hello from the modern server"' in text
    assert "sequenceDiagram" in text


def test_an_unreachable_server_is_a_discovery_failure() -> None:
    with World(methods=["none"]) as running:
        base = running.base
    code, text = run("login", "--no-browser", f"{base}/mcp", "--json")
    assert code == 3
    report = json.loads(text)
    jsonschema.validate(report, SHAPE)
    assert report["error"]["step"] == "discovery"
    assert "did not answer" in report["error"]["message"]
