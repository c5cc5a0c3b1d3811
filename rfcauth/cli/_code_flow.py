"""The authorization code flow behind ``rfcauth login``, as an ``httpx2.Auth``.

On a ``401`` (or a ``403 insufficient_scope``) from the MCP server, the flow runs rfcauth's
discovery decision over real HTTP (`rfcauth.cli._probe.LiveWorld` under `simulate`), registers
where the decision says (pre-registered, Client ID Metadata Document, RFC 7591 dynamic
registration: once per issuer, never reused with another), sends the authorization request (PKCE
S256, RFC 8707 ``resource``, ``state``), reads the redirect (a browser with a loopback listener,
or, ``--no-browser``, the authorization server's own redirect), checks ``state`` and the RFC 9207
``iss``, redeems the code at the token endpoint with the client authentication the registration
and the metadata allow, and retries the request with the token. A ``403 insufficient_scope``
re-authorizes with the union of the previous and the challenged scope, a few times at most
(the decision function counts).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import webbrowser
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx2

from rfcauth._errors import RfcAuthError
from rfcauth.http._dpop import DPoPKey, choose_dpop_algorithm, use_dpop_nonce

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, Callable, Mapping

    from rfcauth.discovery import Authorize
    from rfcauth.http import ClientAuthentication, TokenRequest

__all__ = ["CodeFlow", "LoginError"]

CALLBACK_TIMEOUT_S: Final = 300.0
_INSUFFICIENT: Final = "insufficient_scope"


class LoginError(RfcAuthError):
    """A step of the login failed; `step` names it, `rule` cites what decided it."""

    def __init__(self, step: str, message: str, *, rule: str | None = None) -> None:
        """Record the step and the reason."""
        super().__init__(message)
        self.step = step
        self.rule = rule


@dataclass(slots=True)
class _Client:
    client_id: str
    secret: str | None = None
    method: str | None = None


@dataclass(slots=True)
class Granted:
    """The token in use and how it was obtained."""

    issuer: str
    access_token: str = field(repr=False)
    token_type: str
    scope: str | None
    expires_in: int | None
    registration: str
    dpop: bool = False


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class _Callback(BaseHTTPRequestHandler):
    query: Final[list[str]] = []

    def log_message(self, *_args: object) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        """Take the redirect's query and say so to the person."""
        type(self).query.append(urlsplit(self.path).query)
        body = b"rfcauth: authorization received; you can close this window.\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class CodeFlow(httpx2.Auth):
    """Log in on demand and present the token (see the module docstring).

    Args:
        resource: the MCP server URL (the resource).
        client_id / client_secret: pre-registered credentials, if any.
        client_metadata_url: the client's Client ID Metadata Document URL, if any.
        no_browser: read the authorization server's redirect instead of asking a person.
        events: receives one line per step (requests, decisions), for the report.
    """

    requires_request_body = True

    def __init__(
        self,
        resource: str,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        client_metadata_url: str | None = None,
        no_browser: bool = False,
        events: Callable[[str], None] | None = None,
    ) -> None:
        """Remember the client; nothing is fetched before the first challenge."""
        self._resource = resource
        self._client_id = client_id
        self._client_secret = client_secret
        self._client_metadata_url = client_metadata_url
        self._no_browser = no_browser
        self._events = events or (lambda _line: None)
        self._clients: dict[str, _Client] = {}
        self._http = httpx2.Client(timeout=30.0, follow_redirects=False)
        self.granted: Granted | None = None
        self.authorizations = 0
        self._lock: Any = None
        self._verifier = ""
        self._dpop: DPoPKey | None = None

    def close(self) -> None:
        """Close the connections the login used."""
        self._http.close()

    # --- the httpx2 flow ------------------------------------------------------------------------

    async def async_auth_flow(
        self, request: httpx2.Request
    ) -> AsyncGenerator[httpx2.Request, httpx2.Response]:
        """Send; on a challenge log in (or step up) and send again."""
        import anyio  # noqa: PLC0415 - lazy

        if self._lock is None:
            self._lock = anyio.Lock()
        sent_with = self._present(request)
        response = yield request
        step_ups = 0
        nonce_retried = False
        while response.status_code in {401, 403}:
            challenge = response.headers.get_list("www-authenticate")
            nonce = use_dpop_nonce(response.status_code, response.headers)
            if nonce is not None and self._dpop is not None and not nonce_retried:
                # RFC 9449 §9: the resource server wants its nonce in the proof; one retry.
                nonce_retried = True
                self._dpop.remember_nonce(str(request.url), nonce)
                sent_with = self._present(request)
                response = yield request
                continue
            if response.status_code == 403 and _INSUFFICIENT not in " ".join(challenge):  # noqa: PLR2004
                return
            if response.status_code == 403:  # noqa: PLR2004
                step_ups += 1
            await response.aread()
            status, ups = response.status_code, step_ups
            async with self._lock:
                # Another request may have logged in meanwhile: then its token is tried first.
                if self.granted is sent_with or status == 403:  # noqa: PLR2004
                    await anyio.to_thread.run_sync(self._login, status, challenge, ups)
            sent_with = self._present(request)
            response = yield request

    def _present(self, request: httpx2.Request) -> Granted | None:
        granted = self.granted
        if granted is None:
            return None
        if granted.dpop and self._dpop is not None:
            # RFC 9449 §7.1: the DPoP scheme, and a fresh proof binding the token (ath).
            request.headers["Authorization"] = f"DPoP {granted.access_token}"
            request.headers["DPoP"] = self._dpop.proof(
                request.method, str(request.url), access_token=granted.access_token
            )
        else:
            request.headers["Authorization"] = f"Bearer {granted.access_token}"
        return granted

    # --- one login ------------------------------------------------------------------------------

    def _login(self, status: int, challenge: list[str], step_ups: int) -> None:
        from rfcauth.cli._probe import LiveWorld  # noqa: PLC0415 - lazy
        from rfcauth.discovery import Authorize, ClientOptions, Policy, simulate  # noqa: PLC0415

        world = LiveWorld(self._http, self._resource)
        world.seed(self._resource, {"status": status, "headers": {"WWW-Authenticate": challenge}})
        options = ClientOptions(
            client_id=self._client_id,
            client_secret=self._client_secret,
            client_metadata_url=self._client_metadata_url,
            previous_scope=self.granted.scope if self.granted is not None and step_ups else None,
            step_up_attempts=max(0, step_ups - 1),
        )
        plan = simulate(self._resource, world, policy=Policy(), client=options)
        for request in world.requests:
            answer = request.status if request.status is not None else request.error
            self._events(f"{request.method} {request.url} -> {answer}")
        outcome = plan.outcome
        if not isinstance(outcome, Authorize):
            raise LoginError(
                "discovery",
                getattr(outcome, "explanation", "no authorization needed"),
                rule=getattr(outcome, "rule", None),
            )
        self._events(f"decision: {outcome.explanation}")
        document = _json(world[outcome.server_metadata_url]) if outcome.server_metadata_url else {}
        algorithm = choose_dpop_algorithm(document.get("dpop_signing_alg_values_supported"))
        if algorithm is not None and self._dpop is None:
            self._dpop = DPoPKey.generate(algorithm)
            self._events(f"DPoP: the authorization server binds tokens; proofs signed {algorithm}")
        client = self._client_for(outcome, document)
        redirect_uri, code = self._authorize(outcome, client, document)
        self.granted = self._redeem(outcome, client, document, redirect_uri, code)

    def _client_for(self, authorize: Authorize, document: Mapping[str, Any]) -> _Client:
        """The client at this issuer: registered once, never reused with another issuer."""
        if authorize.issuer in self._clients:
            return self._clients[authorize.issuer]
        registration = authorize.registration
        if registration.kind == "preregistered":
            client = _Client(registration.client_id or "", self._client_secret)
        elif registration.kind == "client_id_metadata_document":
            client = _Client(registration.client_id or "", None, "none")
        else:
            client = self._register(registration.endpoint or "", document)
        self._events(f"client: {registration.kind} ({client.client_id})")
        self._clients[authorize.issuer] = client
        return client

    def _register(self, endpoint: str, document: Mapping[str, Any]) -> _Client:
        """RFC 7591 §3.1 dynamic registration as a native app with a loopback redirect."""
        offered = document.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
        method = next(
            (m for m in ("none", "client_secret_basic", "client_secret_post") if m in offered),
            "none",
        )
        body = {
            "client_name": "rfcauth",
            "redirect_uris": [self._redirect_uri()],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "token_endpoint_auth_method": method,
            "application_type": "native",
        }
        response = self._http.post(endpoint, json=body)
        self._events(f"POST {endpoint} -> {response.status_code}")
        answer = _json({"body": response.content})
        client_id = answer.get("client_id")
        if response.status_code not in {200, 201} or not isinstance(client_id, str):
            raise LoginError(
                "registration", f"dynamic registration at {endpoint} failed", rule="RFC 7591 §3.2"
            )
        secret = answer.get("client_secret")
        registered = answer.get("token_endpoint_auth_method")
        return _Client(
            client_id,
            secret if isinstance(secret, str) else None,
            registered if isinstance(registered, str) else method,
        )

    _port: int | None = None

    def _redirect_uri(self) -> str:
        if self._port is None:
            probe = HTTPServer(("127.0.0.1", 0), _Callback)
            self._port = probe.server_address[1]
            probe.server_close()
        return f"http://127.0.0.1:{self._port}/callback"

    def _authorize(
        self, authorize: Authorize, client: _Client, document: Mapping[str, Any]
    ) -> tuple[str, str]:
        """The authorization request; the code from the redirect, ``state`` and ``iss`` checked."""
        verifier, challenge = _pkce()
        self._verifier = verifier
        state = secrets.token_urlsafe(16)
        redirect_uri = self._redirect_uri()
        query = {
            "response_type": "code",
            "client_id": client.client_id,
            "redirect_uri": redirect_uri,
            "code_challenge": challenge,
            "code_challenge_method": authorize.code_challenge_method,
            "state": state,
        }
        if authorize.scope:
            query["scope"] = authorize.scope
        if authorize.resource:
            query["resource"] = authorize.resource
        separator = "&" if "?" in authorize.authorization_endpoint else "?"
        url = authorize.authorization_endpoint + separator + urlencode(query)
        self.authorizations += 1
        answer = self._redirect_query(url) if self._no_browser else self._browser(url)
        params = {k: v[0] for k, v in parse_qs(answer).items()}
        if params.get("state") != state:
            raise LoginError(
                "authorization", "the redirect's state does not match", rule="RFC 6749 §10.12"
            )
        # RFC 9207 §2.4: compare iss with the issuer by simple string comparison; when the
        # metadata advertises the parameter, its absence is an error too.
        iss = params.get("iss")
        advertised = document.get("authorization_response_iss_parameter_supported") is True
        if iss is None and advertised:
            raise LoginError(
                "authorization",
                "the redirect carries no iss although the authorization server's metadata "
                "advertises authorization_response_iss_parameter_supported",
                rule="RFC 9207 §2.4",
            )
        if iss is not None and iss != authorize.issuer:
            raise LoginError(
                "authorization",
                f"the redirect's iss {iss!r} is not the issuer {authorize.issuer!r} (compared "
                "as identical strings)",
                rule="RFC 9207 §2.4",
            )
        if "code" not in params:
            error = params.get("error", "no code")
            raise LoginError(
                "authorization",
                f"the authorization server answered {error}",
                rule="RFC 6749 §4.1.2.1",
            )
        return redirect_uri, params["code"]

    def _redirect_query(self, url: str) -> str:
        response = self._http.get(url)
        self._events(f"GET {url.split('?', 1)[0]} -> {response.status_code}")
        location = response.headers.get("location")
        if response.status_code not in {301, 302, 303, 307, 308} or location is None:
            raise LoginError(
                "authorization",
                f"the authorization endpoint answered {response.status_code} without a redirect "
                "(it needs a person: drop --no-browser)",
            )
        if not location.startswith(self._redirect_uri()):
            raise LoginError("authorization", "the redirect does not go to the redirect_uri")
        return urlsplit(location).query

    def _browser(self, url: str) -> str:
        _Callback.query.clear()
        server = HTTPServer(("127.0.0.1", self._port or 0), _Callback)
        server.timeout = CALLBACK_TIMEOUT_S
        thread = threading.Thread(target=server.handle_request, daemon=True)
        thread.start()
        self._events(f"open in a browser: {url}")
        webbrowser.open(url)
        thread.join(CALLBACK_TIMEOUT_S)
        server.server_close()
        if not _Callback.query:
            raise LoginError("authorization", "no redirect arrived in time")
        return _Callback.query[0]

    def _redeem(
        self,
        authorize: Authorize,
        client: _Client,
        document: Mapping[str, Any],
        redirect_uri: str,
        code: str,
    ) -> Granted:
        from rfcauth.http import (  # noqa: PLC0415 - lazy
            TokenError,
            TokenRequest,
            choose_client_authentication,
            parse_token_response,
        )

        try:
            auth: ClientAuthentication = choose_client_authentication(
                document.get("token_endpoint_auth_methods_supported"),
                client_id=client.client_id,
                client_secret=client.secret,
                registered=client.method,
            )
        except RfcAuthError as exc:
            raise LoginError("token", str(exc), rule="RFC 8414 §2") from exc
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": self._verifier,
        }
        if authorize.resource:
            form["resource"] = authorize.resource
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        }
        auth.apply(form, headers, issuer=authorize.issuer)
        request = TokenRequest(url=authorize.token_endpoint, headers=headers, form=form)
        response = self._post_token(request)
        result = parse_token_response(response.status_code, response.content)
        if isinstance(result, TokenError):
            raise LoginError("token", f"the token endpoint refused: {result}", rule="RFC 6749 §5.2")
        return Granted(
            issuer=authorize.issuer,
            access_token=result.access_token,
            token_type=result.token_type,
            scope=result.scope or authorize.scope,
            expires_in=result.expires_in,
            registration=authorize.registration.kind,
            dpop=self._dpop is not None and result.token_type.lower() == "dpop",
        )

    def _post_token(self, request: TokenRequest) -> httpx2.Response:
        """POST a token request, with a DPoP proof when binding; one retry with the AS nonce."""
        key = self._dpop
        for attempt in (1, 2):
            headers = dict(request.headers)
            if key is not None:
                headers["DPoP"] = key.proof("POST", request.url)
            response = self._http.post(request.url, headers=headers, content=request.body)
            self._events(f"POST {request.url} -> {response.status_code}")
            if key is None or attempt == 2:  # noqa: PLR2004
                return response
            nonce = use_dpop_nonce(response.status_code, response.headers, response.content)
            if nonce is None:
                return response
            # RFC 9449 §8: the authorization server wants its nonce in the proof.
            key.remember_nonce(request.url, nonce)
        return response  # pragma: no cover - the loop always returns


def _json(answer: Mapping[str, object]) -> dict[str, Any]:
    body = answer.get("body")
    try:
        value = json.loads(body) if isinstance(body, bytes | str) else None
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
