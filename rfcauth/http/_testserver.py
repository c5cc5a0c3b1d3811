"""Loopback OAuth worlds: a protected resource and its authorization server, counting requests.

For tests, benchmarks and demos (``rfcauth probe`` / ``rfcauth login`` against something
local). Needs starlette and uvicorn (the ``demo`` extra). Nothing here is used by the driver.

A `World` is one protected resource (``/mcp``: 200 with a valid token, else a 401 challenge;
``/mcp/admin`` also needs the ``admin`` scope, else 403 ``insufficient_scope``) plus an
authorization server that approves every authorization request at once (302 back to the
redirect URI with ``code``, ``state`` and, when advertised, ``iss``). The shape is configurable:

- `World.seed()`: the motivating server: no PRM, a 401 ``Bearer error="invalid_token"`` with no
  ``resource_metadata``, RFC 8414 metadata at the origin;
- `World.modern()`: RFC 9728 PRM (hinted in the 401) naming an authorization server on another
  origin whose issuer has a path;
- any mix through the keyword arguments.

Every request is recorded (`World.requests`), so round trips can be counted exactly.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import parse_qs, unquote, urlencode

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import TracebackType

    from starlette.requests import Request
    from starlette.responses import Response

__all__ = ["Recorded", "World", "serve"]


@dataclass(frozen=True, slots=True)
class Recorded:
    """One request a world received."""

    server: str  # "resource" or "as"
    method: str
    path: str
    at: float
    conditional: bool = False  # carried If-None-Match or If-Modified-Since


class _Running:
    def __init__(self, app: Any, host: str = "127.0.0.1") -> None:  # noqa: ANN401 - any ASGI app
        import uvicorn  # noqa: PLC0415 - demo/dev extra only

        self.socket = socket.create_server((host, 0))
        self.port = self.socket.getsockname()[1]
        self.base = f"http://{host}:{self.port}"
        config = uvicorn.Config(app, log_level="error", lifespan="on", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                msg = "the loopback server did not start"
                raise RuntimeError(msg)
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()


class serve:  # noqa: N801 - used like a function: `with serve(factory) as base_url:`
    """Run an ASGI app under uvicorn on a free loopback port, in a thread.

    ``with serve(lambda base: make_app(base)) as base: ...``: the factory receives the base
    URL (``http://127.0.0.1:<port>``) before the server starts, for apps that must know their
    own URL (an MCP server whose issuer is its origin).
    """

    def __init__(self, factory: Callable[[str], Any]) -> None:
        """Bind the port now and build the app; start on enter."""
        self._running = _Running(None)
        self._running.server.config.app = factory(self._running.base)

    def __enter__(self) -> str:
        """Start; the base URL."""
        self._running.start()
        return self._running.base

    def __exit__(self, *exc: object) -> None:
        """Stop."""
        self._running.stop()


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(slots=True)
class _Grant:
    client_id: str
    redirect_uri: str
    challenge: str
    scope: str
    resource: str | None


@dataclass(slots=True, kw_only=True)
class World:
    """A protected resource and its authorization server on loopback (see the module doc).

    Attributes:
        prm: where the PRM document is served: ``"path"`` (path-inserted well-known),
            ``"root"``, or ``None`` (no PRM: the 2025-03-26 seed shape).
        hint: put ``resource_metadata`` in the 401 challenge.
        foreign_as: run the authorization server on a second origin.
        issuer_path: the issuer's path (``""`` for an origin issuer).
        dynamic_registration: serve RFC 7591 registration.
        cimd: advertise ``client_id_metadata_document_supported`` (any https client ID URL
            is accepted as a client).
        preregistered: client_id → client_secret (None: public) known in advance.
        token_auth_methods: ``token_endpoint_auth_methods_supported``.
        iss_parameter: advertise and send RFC 9207 ``iss``.
        scopes: ``scopes_supported`` in the PRM document.
        cache_control: a ``Cache-Control`` value for every metadata response (None: none).
        etag: send an ``ETag`` with metadata and honour ``If-None-Match``.
        token_lifetime: ``expires_in`` of access tokens, seconds.
        issue_refresh_tokens: issue refresh tokens.
        challenge_scope: the ``scope`` parameter in the 401 challenge (None: none).
        metadata_at: where the authorization server publishes its metadata: ``"rfc8414"``
            (RFC 8414 §3.1, path inserted) or ``"oidc_appended"`` (OpenID Connect Discovery
            §4, appended to the issuer: how Keycloak realms publish it).
        mcp: serve a real MCP server (the ``mcp`` SDK's, with one tool, ``echo``) at ``/mcp``
            behind the same token check, instead of the plain JSON answer.
    """

    prm: str | None = "path"
    hint: bool = True
    foreign_as: bool = False
    issuer_path: str = ""
    dynamic_registration: bool = True
    cimd: bool = False
    preregistered: dict[str, str | None] = field(default_factory=dict)
    token_auth_methods: tuple[str, ...] = ("none", "client_secret_basic", "client_secret_post")
    iss_parameter: bool = True
    scopes: tuple[str, ...] = ("read",)
    cache_control: str | None = None
    etag: bool = False
    token_lifetime: int = 3600
    issue_refresh_tokens: bool = True
    challenge_scope: str | None = None
    metadata_at: str = "rfc8414"
    mcp: bool = False
    requests: list[Recorded] = field(default_factory=list)
    clients: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    refresh_tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    _codes: dict[str, _Grant] = field(default_factory=dict)
    _servers: list[_Running] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    resource_base: str = ""
    as_base: str = ""

    # -- presets ---------------------------------------------------------------------------

    @classmethod
    def seed(cls, **options: Any) -> World:  # noqa: ANN401
        """The motivating server: no PRM, no hint, RFC 8414 metadata at the origin."""
        return cls(prm=None, hint=False, foreign_as=False, issuer_path="", **options)

    @classmethod
    def modern(cls, **options: Any) -> World:  # noqa: ANN401
        """RFC 9728 with a hint, the authorization server on another origin, issuer path."""
        settings: dict[str, Any] = {
            "prm": "path",
            "hint": True,
            "foreign_as": True,
            "issuer_path": "/tenant",
        }
        settings.update(options)
        return cls(**settings)

    # -- derived URLs ----------------------------------------------------------------------

    @property
    def resource_url(self) -> str:
        """The protected resource (the "MCP server URL")."""
        return self.resource_base + "/mcp"

    @property
    def issuer(self) -> str:
        """The authorization server's issuer identifier."""
        return self.as_base + self.issuer_path

    def endpoint(self, name: str) -> str:
        """An AS endpoint URL: ``authorize``, ``token`` or ``register``."""
        return f"{self.as_base}{self.issuer_path}/{name}"

    def count(self, server: str | None = None) -> int:
        """How many requests were received (by one server, or all)."""
        return sum(1 for r in self.requests if server is None or r.server == server)

    def reset_counts(self) -> None:
        """Forget the recorded requests."""
        self.requests.clear()

    # -- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> Self:
        """Start the server(s)."""
        resource = _Running(None)
        self.resource_base = resource.base
        self._servers.append(resource)
        if self.foreign_as:
            authorization = _Running(None)
            self.as_base = authorization.base
            self._servers.append(authorization)
            resource.server.config.app = self._app("resource", with_as=False)
            authorization.server.config.app = self._app("as", with_as=True, with_resource=False)
        else:
            self.as_base = self.resource_base
            resource.server.config.app = self._app("resource", with_as=True)
        for running in self._servers:
            running.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the server(s)."""
        for running in self._servers:
            running.stop()
        self._servers.clear()

    # -- the application -------------------------------------------------------------------

    def _metadata_headers(self, body: bytes) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        if self.cache_control is not None:
            headers["Cache-Control"] = self.cache_control
        if self.etag:
            headers["ETag"] = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        return headers

    def _json(self, request: Request, document: dict[str, Any]) -> Response:
        from starlette.responses import Response  # noqa: PLC0415 - demo/dev extra only

        body = json.dumps(document).encode()
        headers = self._metadata_headers(body)
        if self.etag and request.headers.get("if-none-match") == headers["ETag"]:
            return Response(
                status_code=304, headers={k: v for k, v in headers.items() if k != "Content-Type"}
            )
        return Response(body, headers=headers)

    def prm_document(self) -> dict[str, Any]:
        """The PRM document the resource serves."""
        return {
            "resource": self.resource_url,
            "authorization_servers": [self.issuer],
            "scopes_supported": list(self.scopes),
            "bearer_methods_supported": ["header"],
        }

    def as_document(self) -> dict[str, Any]:
        """The RFC 8414 document the authorization server serves."""
        document: dict[str, Any] = {
            "issuer": self.issuer,
            "authorization_endpoint": self.endpoint("authorize"),
            "token_endpoint": self.endpoint("token"),
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": list(self.token_auth_methods),
        }
        if self.dynamic_registration:
            document["registration_endpoint"] = self.endpoint("register")
        if self.cimd:
            document["client_id_metadata_document_supported"] = True
        if self.iss_parameter:
            document["authorization_response_iss_parameter_supported"] = True
        if self.metadata_at == "oidc_appended":
            # OpenID Connect Discovery §3 REQUIRED members, as a Keycloak realm publishes them.
            document["jwks_uri"] = self.endpoint("certs")
            document["subject_types_supported"] = ["public"]
            document["id_token_signing_alg_values_supported"] = ["RS256"]
        return document

    def _app(self, name: str, *, with_as: bool, with_resource: bool = True) -> Any:  # noqa: ANN401, C901, PLR0915 - one closure per route
        from starlette.applications import Starlette  # noqa: PLC0415 - demo/dev extra only
        from starlette.responses import JSONResponse, RedirectResponse  # noqa: PLC0415
        from starlette.routing import Route  # noqa: PLC0415

        world = self

        async def record(request: Request) -> None:
            with world._lock:
                conditional = bool(
                    request.headers.get("if-none-match") or request.headers.get("if-modified-since")
                )
                world.requests.append(
                    Recorded(name, request.method, request.url.path, time.monotonic(), conditional)
                )

        def challenge(error: str, status: int = 401, scope: str | None = None) -> Response:
            value = f'Bearer error="{error}"'
            scope = scope or world.challenge_scope
            if scope:
                value += f', scope="{scope}"'
            if world.hint and world.prm is not None:
                value += f', resource_metadata="{world.prm_url()}"'
            return JSONResponse(
                {"error": error}, status_code=status, headers={"WWW-Authenticate": value}
            )

        async def resource(request: Request) -> Response:
            await record(request)
            auth = request.headers.get("authorization", "")
            token = world.tokens.get(auth[7:]) if auth[:7].lower() == "bearer " else None
            if token is None or token["expires_at"] < time.time():
                return challenge("invalid_token")
            if request.url.path.endswith("/admin") and "admin" not in token["scope"].split():
                return challenge("insufficient_scope", 403, scope=f"{token['scope']} admin".strip())
            return JSONResponse(
                {"ok": True, "client_id": token["client_id"], "scope": token["scope"]}
            )

        async def prm(request: Request) -> Response:
            await record(request)
            return world._json(request, world.prm_document())

        async def as_metadata(request: Request) -> Response:
            await record(request)
            return world._json(request, world.as_document())

        async def not_found(request: Request) -> Response:
            await record(request)
            return JSONResponse({"error": "not_found"}, status_code=404)

        async def register(request: Request) -> Response:
            await record(request)
            try:
                metadata = json.loads(await request.body())
            except ValueError:
                return JSONResponse({"error": "invalid_client_metadata"}, status_code=400)
            redirect_uris = metadata.get("redirect_uris")
            if not isinstance(redirect_uris, list) or not redirect_uris:
                return JSONResponse({"error": "invalid_redirect_uri"}, status_code=400)
            method = metadata.get("token_endpoint_auth_method", "client_secret_basic")
            if method not in world.token_auth_methods:
                method = world.token_auth_methods[0]
            client_id = "dyn-" + secrets.token_hex(8)
            client = {"client_id": client_id, "redirect_uris": redirect_uris,
                      "token_endpoint_auth_method": method}  # fmt: skip
            if method != "none":
                client["client_secret"] = secrets.token_urlsafe(24)
            with world._lock:
                world.clients[client_id] = client
            return JSONResponse(
                {**client, "client_id_issued_at": int(time.time())}, status_code=201
            )

        def known_client(client_id: str) -> dict[str, Any] | None:
            if client_id in world.clients:
                return world.clients[client_id]
            if client_id in world.preregistered:
                secret = world.preregistered[client_id]
                method = "client_secret_basic" if secret else "none"
                return {"client_id": client_id, "client_secret": secret, "redirect_uris": None,
                        "token_endpoint_auth_method": method}  # fmt: skip
            if world.cimd and client_id.startswith("https://"):
                return {"client_id": client_id, "redirect_uris": None,
                        "token_endpoint_auth_method": "none"}  # fmt: skip
            return None

        async def authorize(request: Request) -> Response:
            await record(request)
            q = request.query_params
            client = known_client(q.get("client_id", ""))
            redirect_uri = q.get("redirect_uri", "")
            if client is None or (
                client["redirect_uris"] is not None and redirect_uri not in client["redirect_uris"]
            ):
                return JSONResponse({"error": "invalid_client"}, status_code=400)
            if q.get("response_type") != "code" or q.get("code_challenge_method") != "S256":
                return JSONResponse({"error": "invalid_request"}, status_code=400)
            code = secrets.token_urlsafe(24)
            with world._lock:
                world._codes[code] = _Grant(
                    client_id=client["client_id"],
                    redirect_uri=redirect_uri,
                    challenge=q.get("code_challenge", ""),
                    scope=q.get("scope", ""),
                    resource=q.get("resource"),
                )
            params = {"code": code, "state": q.get("state", "")}
            if world.iss_parameter:
                params["iss"] = world.issuer
            separator = "&" if "?" in redirect_uri else "?"
            return RedirectResponse(redirect_uri + separator + urlencode(params), status_code=302)

        def authenticate(request: Request, form: dict[str, str]) -> dict[str, Any] | None:
            auth = request.headers.get("authorization", "")
            if auth.lower().startswith("basic "):
                user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
                client = known_client(unquote(user))
                if client is None or client.get("client_secret") != unquote(password):
                    return None
                return client if "client_secret_basic" in world.token_auth_methods else None
            client = known_client(form.get("client_id", ""))
            if client is None:
                return None
            if "client_secret" in form:
                ok = client.get("client_secret") == form["client_secret"]
                return client if ok and "client_secret_post" in world.token_auth_methods else None
            if client.get("client_secret"):
                return None  # a confidential client must authenticate
            return client if "none" in world.token_auth_methods else None

        def issue(client_id: str, scope: str, resource: str | None) -> Response:
            access = secrets.token_urlsafe(24)
            world.tokens[access] = {"client_id": client_id, "scope": scope, "resource": resource,
                                    "expires_at": time.time() + world.token_lifetime}  # fmt: skip
            body: dict[str, Any] = {"access_token": access, "token_type": "Bearer",
                                    "expires_in": world.token_lifetime, "scope": scope}  # fmt: skip
            if world.issue_refresh_tokens:
                refresh = secrets.token_urlsafe(24)
                world.refresh_tokens[refresh] = {"client_id": client_id, "scope": scope,
                                                 "resource": resource}  # fmt: skip
                body["refresh_token"] = refresh
            return JSONResponse(body, headers={"Cache-Control": "no-store"})

        async def token(request: Request) -> Response:
            await record(request)
            form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
            client = authenticate(request, form)
            if client is None:
                return JSONResponse({"error": "invalid_client"}, status_code=401)
            grant_type = form.get("grant_type")
            if grant_type == "authorization_code":
                with world._lock:
                    grant = world._codes.pop(form.get("code", ""), None)
                verifier = form.get("code_verifier", "")
                if (
                    grant is None
                    or grant.client_id != client["client_id"]
                    or grant.redirect_uri != form.get("redirect_uri")
                    or _b64url(hashlib.sha256(verifier.encode()).digest()) != grant.challenge
                    or grant.resource != form.get("resource")
                ):
                    return JSONResponse({"error": "invalid_grant"}, status_code=400)
                return issue(client["client_id"], grant.scope, grant.resource)
            if grant_type == "refresh_token":
                with world._lock:
                    old = world.refresh_tokens.pop(form.get("refresh_token", ""), None)
                if old is None or old["client_id"] != client["client_id"]:
                    return JSONResponse({"error": "invalid_grant"}, status_code=400)
                return issue(client["client_id"], old["scope"], old["resource"])
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)

        routes: list[Route] = []
        if with_resource:
            routes += [
                Route("/mcp", resource, methods=["GET", "POST"]),
                Route("/mcp/admin", resource, methods=["GET", "POST"]),
            ]
            if world.prm == "path":
                routes.append(Route("/.well-known/oauth-protected-resource/mcp", prm))
            elif world.prm == "root":
                routes.append(Route("/.well-known/oauth-protected-resource", prm))
        if with_as:
            path = world.issuer_path
            metadata_path = (
                f"{path}/.well-known/openid-configuration"
                if world.metadata_at == "oidc_appended"
                else f"/.well-known/oauth-authorization-server{path}"
            )
            routes += [
                Route(metadata_path, as_metadata),
                Route(f"{path}/authorize", authorize),
                Route(f"{path}/token", token, methods=["POST"]),
            ]
            if world.dynamic_registration:
                routes.append(Route(f"{path}/register", register, methods=["POST"]))
        routes.append(Route("/{rest:path}", not_found, methods=["GET", "POST", "DELETE"]))
        if not (world.mcp and with_resource):
            return Starlette(routes=routes)
        return _behind_token_check(_mcp_app(), routes, world, challenge)

    def prm_url(self) -> str:
        """Where the PRM document is served (the hint's value)."""
        if self.prm == "root":
            return self.resource_base + "/.well-known/oauth-protected-resource"
        return self.resource_base + "/.well-known/oauth-protected-resource/mcp"


def _mcp_app() -> Any:  # noqa: ANN401 - a Starlette app
    """The ``mcp`` SDK's streamable HTTP server with one tool, ``echo``."""
    from mcp.server.mcpserver import MCPServer  # noqa: PLC0415 - dev/demo only

    server = MCPServer("rfcauth-demo", version="1", log_level="ERROR")

    @server.tool()
    def echo(text: str) -> str:
        """Say ``text`` back."""
        return text

    return server.streamable_http_app(json_response=True)


def _behind_token_check(
    app: Any,  # noqa: ANN401 - a Starlette app
    routes: list[Any],
    world: World,
    challenge: Callable[..., Any],
) -> Any:  # noqa: ANN401 - the same app
    """Serve the world's routes first, and ``/mcp`` only with a valid token (else the 401)."""
    app.router.routes[0:0] = [r for r in routes if getattr(r, "path", "") != "/mcp"][:-1]
    app.router.routes.append(routes[-1])

    class TokenCheck:
        def __init__(self, inner: Any) -> None:  # noqa: ANN401 - an ASGI app
            self.inner = inner

        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:  # noqa: ANN401
            if scope["type"] == "http" and scope["path"] == "/mcp":
                auth = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
                token = world.tokens.get(auth[7:]) if auth[:7].lower() == "bearer " else None
                with world._lock:  # noqa: SLF001 - the world's own lock, in its module
                    world.requests.append(
                        Recorded("resource", scope["method"], "/mcp", time.monotonic())
                    )
                if token is None or token["expires_at"] < time.time():
                    await challenge("invalid_token")(scope, receive, send)
                    return
            await self.inner(scope, receive, send)

    app.add_middleware(TokenCheck)
    return app
