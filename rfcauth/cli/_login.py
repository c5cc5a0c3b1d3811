"""``rfcauth login URL``: log in to a live server, then use it through the official MCP client.

The login is rfcauth's discovery decision carried out over real HTTP, then a grant:

- the authorization code flow with PKCE through the driver (`rfcauth.http`), with pre-registered
  credentials (``--client-id``/``--client-secret``), a Client ID Metadata Document
  (``--client-metadata-url``) or dynamic registration, a browser and a loopback redirect listener
  (or ``--no-browser`` for servers that approve without a person), step-up on ``403
  insufficient_scope`` and DPoP (RFC 9449) where the authorization server offers it;
- grants without a user: ``client_credentials`` (RFC 6749 §4.4) when the authorization server offers
  only that and the client brings a secret or a private key (``private_key_jwt``, RFC 7523 §2.2);
  a JWT bearer grant with a given assertion (``--assertion``, RFC 7523 §2.1, workload identity); or
  enterprise-managed authorization (``--idp-id-token``: RFC 8693 token exchange at the IdP for an
  ID-JAG, then the JWT bearer grant).

Then the MCP session through the official ``mcp`` client: ``initialize`` (or the 2026-07-28
discovery), ``tools/list``, and with ``--call`` one tool call. Tokens are printed only with
``--show-token``.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import threading
import time
from typing import TYPE_CHECKING, Any, Final

from rfcauth._errors import RfcAuthError, UsageError
from rfcauth.cli._commands import Command, Example
from rfcauth.cli._output import EXIT_DISCOVERY_FAILED, EXIT_OK

if TYPE_CHECKING:
    import argparse
    from collections.abc import Generator, Mapping
    from types import SimpleNamespace

    import httpx2

    from rfcauth.cli._output import Output
    from rfcauth.discovery import Authorize
    from rfcauth.http import TokenRequest, TokenResponse

__all__ = ["COMMAND", "SHAPE", "LoginStepError", "McpOutcome"]

#: The MCP session failed after the login succeeded (or the called tool reported an error).
EXIT_MCP_FAILED: Final = 4
GRANTS: Final = ("auto", "authorization_code", "client_credentials")
TIMEOUT_S: Final = 30.0


class LoginStepError(RfcAuthError):
    """The login stopped: `step` names where, `rule` what decided it.

    The steps: ``discovery``, ``registration``, ``authorization``, ``token``, ``mcp``.
    """

    def __init__(self, step: str, message: str, *, rule: str | None = None) -> None:
        """Record the step and the reason."""
        super().__init__(message)
        self.step = step
        self.rule = rule


#: The driver's `LoginError` codes, by the step they stop.
_STEP_OF_CODE: Final = {
    "registration_failed": "registration",
    "authorization_failed": "authorization",
    "state_mismatch": "authorization",
    "issuer_mismatch": "authorization",
    "token_request_failed": "token",
    "invalid_token_response": "token",
}


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Token:
    """What the login obtained; the token itself is shown only on request."""

    grant: str
    issuer: str
    token_type: str
    scope: str | None
    expires_in: int | None
    access_token: str = dataclasses.field(repr=False)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class McpOutcome:
    """What the MCP session did."""

    protocol_version: str
    server: str | None
    tools: tuple[str, ...]
    call: dict[str, Any] | None = None


# --- grants without a user ------------------------------------------------------------------


def _send(client: httpx2.Client, request: TokenRequest) -> TokenResponse:
    from rfcauth.http import TokenError, parse_token_response  # noqa: PLC0415 - lazy

    try:
        response = client.post(request.url, headers=dict(request.headers), content=request.body)
    except Exception as exc:  # any transport failure ends the login, explained
        raise LoginStepError("token", f"the token request to {request.url} failed: {exc}") from exc
    result = parse_token_response(response.status_code, response.content)
    if isinstance(result, TokenError):
        raise LoginStepError(
            "token", f"the token endpoint {request.url} refused: {result}", rule="RFC 6749 §5.2"
        )
    return result


def _discover(url: str, args: SimpleNamespace) -> tuple[Authorize, Mapping[str, Any]]:
    """Discovery to the authorization server (the driver's fetching), and its metadata."""
    from rfcauth.cli._probe import LiveWorld  # noqa: PLC0415 - lazy
    from rfcauth.discovery import (  # noqa: PLC0415 - lazy
        Authorize,
        ClientOptions,
        DiscoveryContext,
        Policy,
        simulate,
    )
    from rfcauth.http._fetch import Fetcher, Limits  # noqa: PLC0415 - lazy

    options = ClientOptions(
        client_id=args.client_id,
        client_secret=args.client_secret,
        client_metadata_url=args.client_metadata_url,
    )
    fetcher = Fetcher(context=DiscoveryContext(resource=url), limits=Limits())
    try:
        world = LiveWorld(fetcher, url)
        plan = simulate(url, world, policy=Policy(), client=options)
        outcome = plan.outcome
        if not isinstance(outcome, Authorize):
            explanation = getattr(outcome, "explanation", "no authorization needed")
            raise LoginStepError("discovery", explanation, rule=getattr(outcome, "rule", None))
        document: Mapping[str, Any] = {}
        if outcome.server_metadata_url is not None:
            body = world[outcome.server_metadata_url].get("body")
            try:
                loaded = json.loads(body) if isinstance(body, bytes | str) else None
            except ValueError:
                loaded = None
            document = loaded if isinstance(loaded, dict) else {}
    finally:
        fetcher.close()
    return outcome, document


def _machine_grant(args: SimpleNamespace, document: Mapping[str, Any]) -> str | None:
    """The grant without a user this login makes, or None for the authorization code flow."""
    if args.assertion:
        return "jwt_bearer"
    if args.idp_id_token:
        return "enterprise_managed"
    if args.grant == "client_credentials":
        return "client_credentials"
    if args.grant == "authorization_code":
        return None
    offered = document.get("grant_types_supported")
    has_credentials = bool(args.client_secret or args.private_key)
    if (
        isinstance(offered, list)
        and "client_credentials" in offered
        and "authorization_code" not in offered
        and has_credentials
    ):
        return "client_credentials"
    return None


def _machine_token(
    client: httpx2.Client,
    args: SimpleNamespace,
    grant: str,
    authorize: Authorize,
    document: Mapping[str, Any],
) -> Token:
    from rfcauth.http import (  # noqa: PLC0415 - lazy
        ClientAuthentication,
        choose_client_authentication,
        client_credentials_request,
        id_jag_request,
        jwt_bearer_request,
    )

    if not args.client_id:
        raise UsageError(f"the {grant} grant needs --client-id")
    key = _read_key(args.private_key) if args.private_key else None
    try:
        auth = choose_client_authentication(
            document.get("token_endpoint_auth_methods_supported"),
            client_id=args.client_id,
            client_secret=args.client_secret,
            private_key_pem=key,
            signing_algorithms=[args.signing_alg]
            if args.signing_alg
            else document.get("token_endpoint_auth_signing_alg_values_supported"),
        )
    except UsageError as exc:
        raise LoginStepError("token", str(exc), rule="RFC 8414 §2") from exc
    issuer, scope, resource = authorize.issuer, authorize.scope, authorize.resource
    endpoint = authorize.token_endpoint
    if grant == "client_credentials":
        request = client_credentials_request(
            endpoint, auth, issuer=issuer, scope=scope, resource=resource
        )
    elif grant == "jwt_bearer":
        request = jwt_bearer_request(
            endpoint, auth, args.assertion, issuer=issuer, scope=scope, resource=resource
        )
    else:
        if not args.idp_token_endpoint:
            raise UsageError("--idp-id-token needs --idp-token-endpoint")
        idp_client = ClientAuthentication.none(args.idp_client_id or args.client_id)
        grant_jwt = _send(
            client,
            id_jag_request(
                args.idp_token_endpoint,
                idp_client,
                idp_issuer=args.idp_token_endpoint,
                id_token=args.idp_id_token,
                authorization_server=authorize.issuer,
                resource=authorize.resource or args.url,
            ),
        )
        request = jwt_bearer_request(
            endpoint, auth, grant_jwt.access_token, issuer=issuer, scope=scope, resource=resource
        )
    granted = _send(client, request)
    return Token(
        grant=grant,
        issuer=authorize.issuer,
        token_type=granted.token_type,
        scope=granted.scope,
        expires_in=granted.expires_in,
        access_token=granted.access_token,
    )


def _read_key(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:  # noqa: PTH123 - a plain read
            return handle.read()
    except OSError as exc:
        raise UsageError(f"cannot read --private-key {path}: {exc.strerror}") from exc


def _static_token(token: str) -> httpx2.Auth:
    """An ``httpx2.Auth`` presenting one Bearer token (what a grant without a user obtained)."""
    import httpx2  # noqa: PLC0415 - lazy

    class StaticToken(httpx2.Auth):
        def auth_flow(self, request: httpx2.Request) -> Generator[httpx2.Request, httpx2.Response]:
            request.headers["Authorization"] = f"Bearer {token}"
            yield request

    return StaticToken()


# --- the MCP session --------------------------------------------------------------------------


async def _session(
    url: str, auth: httpx2.Auth, *, protocol: str, call: str | None, arguments: dict[str, Any]
) -> McpOutcome:
    """``initialize``, ``tools/list`` and optionally ``tools/call`` through the ``mcp`` client."""
    import httpx2  # noqa: PLC0415 - lazy
    from mcp.client.client import Client  # noqa: PLC0415 - the mcp extra, lazily
    from mcp.client.streamable_http import streamable_http_client  # noqa: PLC0415

    async with httpx2.AsyncClient(auth=auth, timeout=TIMEOUT_S) as http:
        transport = streamable_http_client(url, http_client=http)
        async with Client(transport, mode=protocol) as session:
            listed = await session.list_tools()
            tools = tuple(tool.name for tool in listed.tools)
            called: dict[str, Any] | None = None
            if call is not None:
                result = await session.call_tool(call, arguments)
                texts = [getattr(block, "text", None) for block in result.content]
                called = {
                    "name": call,
                    "is_error": bool(result.is_error),
                    "text": [t for t in texts if isinstance(t, str)],
                }
            info = session.server_info
            return McpOutcome(
                protocol_version=session.protocol_version,
                server=f"{info.name} {info.version}" if info is not None else None,
                tools=tools,
                call=called,
            )


# --- the command ------------------------------------------------------------------------------


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("url", metavar="URL", help="the MCP server URL")
    who = parser.add_argument_group("who the client is")
    who.add_argument("--client-id", help="a pre-registered client identifier")
    who.add_argument("--client-secret", help="its secret (a confidential client)")
    who.add_argument(
        "--client-metadata-url",
        metavar="URL",
        help="the client's Client ID Metadata Document URL, used where the server supports it",
    )
    who.add_argument(
        "--private-key", metavar="PEM", help="private key file for private_key_jwt (RFC 7523)"
    )
    who.add_argument("--signing-alg", metavar="ALG", help="its JWS algorithm (default: ES256)")
    grant = parser.add_argument_group("the grant")
    grant.add_argument(
        "--grant",
        choices=GRANTS,
        default="auto",
        help="auto (default): client_credentials where the server offers only that and the "
        "client has a secret or key; else the authorization code flow",
    )
    grant.add_argument("--assertion", metavar="JWT", help="JWT bearer grant with this assertion")
    grant.add_argument(
        "--idp-id-token", metavar="JWT", help="enterprise-managed: the IdP's ID token"
    )
    grant.add_argument("--idp-token-endpoint", metavar="URL", help="the IdP's token endpoint")
    grant.add_argument("--idp-client-id", help="the client's identifier at the IdP")
    grant.add_argument(
        "--no-dpop",
        action="store_true",
        help="never ask for DPoP-bound tokens (default: where the server offers ES256 proofs)",
    )
    grant.add_argument(
        "--no-browser",
        action="store_true",
        help="follow the authorization server's redirect without a person (test servers)",
    )
    mcp = parser.add_argument_group("the MCP session")
    mcp.add_argument(
        "--protocol",
        default="auto",
        metavar="MODE",
        help="auto (default: try 2026-07-28 discovery, fall back), legacy (initialize), or a "
        "protocol version to adopt",
    )
    mcp.add_argument("--call", metavar="NAME", help="call this tool after listing them")
    mcp.add_argument("--args", metavar="JSON", default="{}", help="the tool's arguments")
    parser.add_argument("--show-token", action="store_true", help="print the access token")
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def _arguments(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"--args is not JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise UsageError("--args must be a JSON object")
    return value


def _run(args: SimpleNamespace, out: Output) -> int:
    from rfcauth.discovery._inputs import canonical_resource_url  # noqa: PLC0415 - lazy

    args.url = canonical_resource_url(args.url)
    arguments = _arguments(args.args)
    # The mcp client takes seconds to import on a busy machine: load it while the login talks
    # to the servers, not after.
    threading.Thread(target=_import_mcp, daemon=True).start()
    report: dict[str, Any] = {"resource": args.url}
    try:
        outcome, token = _login_and_use(args, arguments, out)
    except LoginStepError as failure:
        report["error"] = {"step": failure.step, "message": str(failure), "rule": failure.rule}
        if out.json:
            out.document(report)
        else:
            out.line(f"login FAILED at {failure.step}: {failure}", "bad")
            if failure.rule:
                out.line(f"   ({failure.rule})", "dim")
        return EXIT_MCP_FAILED if failure.step == "mcp" else EXIT_DISCOVERY_FAILED
    report["token"] = _token_report(token, show=args.show_token)
    report["mcp"] = dataclasses.asdict(outcome)
    failed_call = outcome.call is not None and outcome.call["is_error"]
    if out.json:
        out.document(report)
    else:
        _print_token(out, token, show=args.show_token)
        _print_session(out, outcome)
    return EXIT_MCP_FAILED if failed_call else EXIT_OK


def _needs_metadata_first(args: SimpleNamespace) -> bool:
    """Whether the grant depends on the authorization server's metadata (read it first)."""
    explicit = args.assertion or args.idp_id_token or args.grant == "client_credentials"
    return bool(explicit or (args.grant == "auto" and (args.client_secret or args.private_key)))


def _login_and_use(
    args: SimpleNamespace, arguments: dict[str, Any], out: Output
) -> tuple[McpOutcome, Token]:
    """Obtain a token (a grant without a user, or the code flow on the first 401), use it."""
    import anyio  # noqa: PLC0415 - lazy
    import httpx2  # noqa: PLC0415 - lazy

    from rfcauth.discovery import ClientOptions  # noqa: PLC0415 - lazy
    from rfcauth.http import (  # noqa: PLC0415 - lazy
        DPoPKey,
        FollowRedirects,
        LoopbackBrowser,
        OAuthFlow,
    )

    token: Token | None = None
    handler: object = None
    if _needs_metadata_first(args):
        with httpx2.Client(timeout=TIMEOUT_S, follow_redirects=False) as client:
            authorize, document = _discover(args.url, args)
            grant = _machine_grant(args, document)
            if grant is not None:
                token = _machine_token(client, args, grant, authorize, document)
    flow: OAuthFlow | None = None
    if token is not None:
        auth: httpx2.Auth = _static_token(token.access_token)
    else:
        handler = FollowRedirects() if args.no_browser else LoopbackBrowser()
        flow = OAuthFlow(
            args.url,
            client=ClientOptions(
                client_id=args.client_id,
                client_secret=args.client_secret,
                client_metadata_url=args.client_metadata_url,
            ),
            redirect_handler=handler,
            on_step=(lambda step: out.line(f"   {step}", "dim")) if not out.json else None,
            dpop=None if args.no_dpop else DPoPKey.generate("ES256"),
        )
        auth = flow
    try:
        outcome = anyio.run(
            lambda: _session(
                args.url, auth, protocol=args.protocol, call=args.call, arguments=arguments
            )
        )
    except Exception as exc:  # an MCP failure is reported, not a traceback
        logged_in = token is not None or (
            flow is not None and flow.storage.get_tokens(flow.resource_url) is not None
        )
        raise _session_failure(exc, args.url, logged_in=logged_in) from exc
    finally:
        if isinstance(handler, LoopbackBrowser):
            handler.close()
    if flow is not None:
        stored = flow.storage.get_tokens(flow.resource_url)
        if stored is not None:
            token = Token(
                grant="authorization_code",
                issuer=stored.issuer or "",
                token_type=stored.token_type,
                scope=stored.scope,
                expires_in=None
                if stored.expires_at is None
                else max(0, round(stored.expires_at - time.time())),
                access_token=stored.access_token,
            )
    if token is None:
        token = Token(
            grant="none", issuer="", token_type="", scope=None, expires_in=None, access_token=""
        )
    return outcome, token


def _login_error(exc: BaseException) -> LoginStepError | None:
    """The driver's login failure inside an exception group or chain, as a step error."""
    from rfcauth.http import LoginError  # noqa: PLC0415 - lazy

    found = _root(exc, LoginError)
    if not isinstance(found, LoginError):
        return None
    # A discovery Fail may share a code with a later step (issuer_mismatch): it decides first.
    step = "discovery" if found.fail is not None else _STEP_OF_CODE.get(found.code, "discovery")
    return LoginStepError(step, str(found), rule=found.rule)


def _session_failure(exc: BaseException, url: str, *, logged_in: bool) -> LoginStepError:
    """Where the session's failure belongs: the driver's login, an unreachable server, MCP."""
    import httpx2  # noqa: PLC0415 - lazy

    inner = _login_error(exc)
    if inner is not None:
        return inner
    if not logged_in and _root(exc, httpx2.TransportError) is not None:
        # The first request never got an answer: nothing to discover from.
        return LoginStepError("discovery", f"{url} did not answer: {_reason(exc)}")
    return LoginStepError("mcp", f"the MCP session failed: {_reason(exc)}")


def _root(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
    """The first exception of ``kind`` in an exception group or chain."""
    stack, seen = [exc], set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, kind):
            return current
        if isinstance(current, BaseExceptionGroup):
            stack.extend(current.exceptions)
        stack.extend(e for e in (current.__cause__, current.__context__) if e is not None)
    return None


def _import_mcp() -> None:
    importlib.import_module("mcp.client.client")
    importlib.import_module("mcp.client.streamable_http")


def _reason(exc: BaseException) -> str:
    """The innermost meaningful message of an exception group or chain."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return f"{type(exc).__name__}: {exc}"


def _token_report(token: Token, *, show: bool) -> dict[str, Any]:
    data = dataclasses.asdict(token)
    if not show:
        data.pop("access_token")
    return data


def _print_token(out: Output, token: Token, *, show: bool) -> None:
    if out.json:
        return
    out.line(f"logged in: {token.grant} grant at {token.issuer}", "ok")
    detail = f"   {token.token_type} token"
    if token.scope:
        detail += f", scope {token.scope!r}"
    if token.expires_in is not None:
        detail += f", expires in {token.expires_in}s"
    out.line(detail)
    out.line(f"   access token: {token.access_token}" if show else "   (--show-token prints it)")


def _print_session(out: Output, outcome: McpOutcome) -> None:
    out.line(f"MCP session: protocol {outcome.protocol_version}, server {outcome.server}", "ok")
    out.line(f"   tools ({len(outcome.tools)}): {', '.join(outcome.tools) or '-'}")
    if outcome.call is not None:
        style = "bad" if outcome.call["is_error"] else "ok"
        verdict = "tool error" if outcome.call["is_error"] else "ok"
        out.line(f"   call {outcome.call['name']}: {verdict}", style)
        for text in outcome.call["text"]:
            out.line(f"      {text}")


_STR: Final[dict[str, Any]] = {"type": "string"}
_OPT_STR: Final[dict[str, Any]] = {"type": ["string", "null"]}
#: The ``--json`` output: the token (``access_token`` only with ``--show-token``) and the MCP
#: session, or the step that failed.
SHAPE: Final[dict[str, Any]] = {
    "type": "object",
    "required": ["resource"],
    "additionalProperties": False,
    "properties": {
        "resource": _STR,
        "token": {
            "type": "object",
            "required": ["grant", "issuer", "token_type", "scope", "expires_in"],
            "additionalProperties": False,
            "properties": {
                "grant": _STR,
                "issuer": _STR,
                "token_type": _STR,
                "scope": _OPT_STR,
                "expires_in": {"type": ["integer", "null"]},
                "access_token": _STR,
            },
        },
        "mcp": {
            "type": "object",
            "required": ["protocol_version", "server", "tools", "call"],
            "additionalProperties": False,
            "properties": {
                "protocol_version": _STR,
                "server": _OPT_STR,
                "tools": {"type": "array", "items": _STR},
                "call": {
                    "type": ["object", "null"],
                    "required": ["name", "is_error", "text"],
                    "properties": {
                        "name": _STR,
                        "is_error": {"type": "boolean"},
                        "text": {"type": "array", "items": _STR},
                    },
                },
            },
        },
        "error": {
            "type": "object",
            "required": ["step", "message", "rule"],
            "additionalProperties": False,
            "properties": {
                "step": {"enum": ["discovery", "registration", "authorization", "token", "mcp"]},
                "message": _STR,
                "rule": _OPT_STR,
            },
        },
    },
}


def _json_shape() -> dict[str, Any]:
    return SHAPE


COMMAND: Final = Command(
    name="login",
    help="log in to a live server (discovery, registration, a grant), then list and call tools",
    description=(
        "Log in to a live MCP server: rfcauth's discovery over real HTTP, registration, the "
        "grant (authorization code with PKCE, or client credentials, JWT bearer, enterprise-"
        "managed), then the official MCP client: initialize, tools/list and optionally one "
        "tool call. Exit 0 on success, 3 when the login fails (discovery or token), 4 when the "
        "MCP session or the called tool fails."
    ),
    configure=_configure,
    run=_run,
    examples=(
        Example(argv=("login", "--no-browser", "{url}"), world="seed"),
        Example(
            argv=("login", "--no-browser", "--call", "echo", "--args", '{"text": "hi"}', "{url}"),
            world="modern",
        ),
    ),
    json_shape=_json_shape,
)
