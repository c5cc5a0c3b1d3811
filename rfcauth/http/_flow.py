"""`OAuthFlow`: rfcauth's discovery and login as an ``httpx2.Auth`` (sync and async).

The flow wraps each request to the resource:

1. attach the stored access token (refreshing it first when it expires within
   `refresh_margin` seconds, RFC 6749 §6);
2. send the request;
3. on 401: refresh if the sent token has a refresh token, else (or if that fails) the whole
   login (`Login.login`), then resend once; on 403 ``insufficient_scope``: the step-up login
   the decision asks for (MCP 2025-11-25 Step-Up Authorization Flow), then resend, up to
   `Policy.max_step_up_attempts` times.

The login's own requests (discovery, registration, token, and following redirects when no
person takes part) do not go through the caller's client: they use the driver's `Fetcher`, so
they run concurrently, follow no redirects, honour the size caps and the connect-time address
check, and never carry the caller's cookies or headers. The token is only ever attached to
requests on the resource's origin.
"""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncGenerator, Callable, Generator
from typing import TYPE_CHECKING, Any

import httpx2

from rfcauth._errors import ChallengeParseError, UsageError
from rfcauth.challenge import BearerChallenge, BearerError, scan_www_authenticate
from rfcauth.discovery import ClientOptions, DiscoveryContext, Policy, ResourceResponse
from rfcauth.http._cache import MetadataCache
from rfcauth.http._dpop import use_dpop_nonce
from rfcauth.http._fetch import Fetcher, Limits
from rfcauth.http._login import AskRedirect, Batch, Login, LoginSettings, Need
from rfcauth.http._redirect import FollowRedirects, LoopbackBrowser, RedirectHandler
from rfcauth.http._storage import MemoryStorage, Storage
from rfcauth.metadata._url_identity import origin_of

if TYPE_CHECKING:
    from rfcauth.http._dpop import DPoPKey
    from rfcauth.http._values import Call, Step, Tokens

__all__ = ["OAuthFlow"]

Program = Generator[Need, Any, Any]


def _challenge(status: int, headers: httpx2.Headers) -> ResourceResponse:
    return ResourceResponse(status=status, www_authenticate=headers.get_list("www-authenticate"))


def _insufficient_scope(headers: httpx2.Headers) -> bool:
    try:
        scan = scan_www_authenticate(headers.get_list("www-authenticate"))
    except ChallengeParseError:
        return False
    bearer = BearerChallenge.find(scan.challenges)
    return bearer is not None and bearer.error == BearerError.INSUFFICIENT_SCOPE


class _Retry:
    """Per request: when to recover and resend (once per kind; step-ups as the policy says)."""

    def __init__(self) -> None:
        self.refreshed = False
        self.logged_in = False
        self.step_ups = 0

    def plan(self, response: httpx2.Response) -> tuple[int, httpx2.Headers, bool, int] | None:
        status = response.status_code
        if status == 401 and not self.logged_in:  # noqa: PLR2004
            return status, response.headers, not self.refreshed, self.step_ups
        if status == 403 and _insufficient_scope(response.headers):  # noqa: PLR2004
            # The decision function stops at Policy.max_step_up_attempts (a LoginError).
            return status, response.headers, False, self.step_ups
        return None

    def record(self, kind: str) -> None:
        if kind == "step_up":
            self.step_ups += 1
        elif kind == "login":
            self.logged_in = True
        else:
            self.refreshed = True


class OAuthFlow(httpx2.Auth):
    """OAuth for one protected resource (an MCP server URL), as an ``httpx2.Auth``.

    >>> flow = OAuthFlow("https://mcp.example.com/mcp", redirect_handler=FollowRedirects())
    >>> flow
    OAuthFlow('https://mcp.example.com/mcp')

    Args:
        resource_url: the protected resource (the MCP server URL).
        client: registration options (pre-registered ``client_id``/``client_secret``, a Client
            ID Metadata Document URL, whether dynamic registration is allowed).
        redirect_handler: how the authorization request reaches a person (`LoopbackBrowser`,
            the default) or none (`FollowRedirects`).
        storage: tokens and registrations (`MemoryStorage` by default; `FileStorage`).
        policy: discovery strictness (`Policy()` by default);
            ``Policy(allow_private_network=True)`` lets server-supplied URLs reach private,
            loopback or link-local addresses even when the resource is on a public one.
        cache: the metadata cache; share one between flows so that a second connection
            makes no discovery request while the documents are fresh.
        limits: timeouts, response size cap, concurrency.
        allow_http: allow http (not only https) to non-loopback hosts.
        client_name: the ``client_name`` sent in dynamic registration.
        on_step: called with every `Step` (request, reply, decision) as it happens.
        prepare_token_request: a hook that may rewrite each token request; it receives and
            returns a `Call`.
        refresh_margin: refresh an access token this many seconds before it expires.
        clock: the time source.
        dpop: a DPoP key (RFC 9449): with an authorization server that lists its algorithm in
            ``dpop_signing_alg_values_supported``, tokens are requested bound to it and
            presented with the ``DPoP`` scheme and a fresh proof per request; both servers'
            ``use_dpop_nonce`` challenges are answered with one retry.

    Raises:
        UsageError: `resource_url` is not an absolute http(s) URL, or an option is not of
            its type.
    """

    requires_request_body = True

    def __init__(
        self,
        resource_url: str,
        *,
        client: ClientOptions | None = None,
        redirect_handler: RedirectHandler | FollowRedirects | None = None,
        storage: Storage | None = None,
        policy: Policy | None = None,
        cache: MetadataCache | None = None,
        limits: Limits | None = None,
        allow_http: bool = False,
        client_name: str = "rfcauth",
        on_step: Callable[[Step], None] | None = None,
        prepare_token_request: Callable[[Call], Call] | None = None,
        refresh_margin: float = 60.0,
        clock: Callable[[], float] = time.time,
        dpop: DPoPKey | None = None,
    ) -> None:
        """Check the options; nothing is fetched until the first request."""
        context = DiscoveryContext(
            resource=resource_url,
            policy=policy if policy is not None else Policy(),
            client=client if client is not None else ClientOptions(),
        )
        if storage is not None and not isinstance(storage, Storage):
            raise UsageError("storage must implement rfcauth.http.Storage")
        self.resource_url = context.resource  # canonical (MCP 2025-11-25 Canonical Server URI)
        self._context = context
        self._handler = redirect_handler
        self._storage: Storage = storage if storage is not None else MemoryStorage()
        self._cache = cache if cache is not None else MetadataCache(clock=clock)
        self._limits = limits if limits is not None else Limits()
        self._allow_http = allow_http
        self._client_name = client_name
        self._on_step = on_step
        self._prepare_token_request = prepare_token_request
        self._refresh_margin = refresh_margin
        self._clock = clock
        self._dpop = dpop
        self._origin = origin_of(context.resource)
        self._lock = threading.Lock()
        self._alock: Any = None
        #: The most recent login session (its steps and round count), for observers.
        self.last_login: Login | None = None

    def __repr__(self) -> str:
        """The resource only: never a token."""
        return f"OAuthFlow({self.resource_url!r})"

    @property
    def storage(self) -> Storage:
        """Where tokens and registrations are kept."""
        return self._storage

    @property
    def cache(self) -> MetadataCache:
        """The metadata cache."""
        return self._cache

    # -- the sans-I/O program --------------------------------------------------------------

    def _handler_or_default(self) -> RedirectHandler | FollowRedirects:
        if self._handler is None:
            self._handler = LoopbackBrowser()
        return self._handler

    def _session(self) -> Login:
        handler = self._handler_or_default()
        settings = LoginSettings(
            resource=self.resource_url,
            policy=self._context.policy,
            client=self._context.client,
            redirect_uri=handler.redirect_uri,
            client_name=self._client_name,
            storage=self._storage,
            cache=self._cache,
            clock=self._clock,
            max_parallel=self._limits.max_parallel,
            on_step=self._on_step,
            prepare_token_request=self._prepare_token_request,
            follow_redirects=isinstance(handler, FollowRedirects),
            max_redirect_hops=handler.max_hops if isinstance(handler, FollowRedirects) else 5,
            dpop=self._dpop,
        )
        session = Login(settings)
        self.last_login = session
        return session

    def _current(self) -> Program:
        """The stored tokens, refreshed first when about to expire."""
        tokens = self._storage.get_tokens(self.resource_url)
        if tokens is not None and tokens.expires_within(self._refresh_margin, now=self._clock()):
            tokens = yield from self._session().refresh(tokens)
        return tokens

    def _recover(
        self,
        response_status: int,
        headers: httpx2.Headers,
        may_refresh: bool,  # noqa: FBT001 - positional from _Retry.plan
        step_up_attempts: int,
        sent: Tokens | None,
    ) -> Program:
        """New tokens after a 401 (refresh, else login) or a 403 step-up."""
        challenge = _challenge(response_status, headers)
        if response_status == 401:  # noqa: PLR2004
            stored = self._storage.get_tokens(self.resource_url)
            if stored is not None and (sent is None or stored.access_token != sent.access_token):
                return stored, "stored"  # another request already obtained new tokens
            if may_refresh and sent is not None and sent.refresh_token is not None:
                fresh = yield from self._session().refresh(sent)
                if fresh is not None:
                    return fresh, "refresh"
            return (yield from self._session().login(challenge)), "login"
        tokens = yield from self._session().login(
            challenge,
            step_up_attempts=step_up_attempts,
            previous_scope=sent.scope if sent is not None else None,
        )
        return tokens, "step_up"

    def _ours(self, request: httpx2.Request) -> bool:
        return origin_of(str(request.url)) == self._origin

    def _attach(self, request: httpx2.Request, tokens: Tokens | None) -> None:
        if tokens is None:
            return
        if tokens.token_type == "DPoP" and self._dpop is not None:  # noqa: S105 - a scheme name
            # RFC 9449 §7.1: the DPoP scheme, and a fresh proof that binds this token (ath).
            request.headers["Authorization"] = f"DPoP {tokens.access_token}"
            request.headers["DPoP"] = self._dpop.proof(
                request.method, str(request.url), access_token=tokens.access_token
            )
            return
        request.headers["Authorization"] = f"Bearer {tokens.access_token}"

    def _wants_nonce(self, response: httpx2.Response, tokens: Tokens | None) -> bool:
        """RFC 9449 §9: the resource server asks for its nonce in the proof (one retry)."""
        if self._dpop is None or tokens is None or tokens.token_type != "DPoP":  # noqa: S105
            return False
        nonce = use_dpop_nonce(response.status_code, response.headers)
        if nonce is None:
            return False
        self._dpop.remember_nonce(str(response.request.url), nonce)
        return True

    def _fetcher(self) -> Fetcher:
        return Fetcher(context=self._context, limits=self._limits, allow_http=self._allow_http)

    # -- sync ------------------------------------------------------------------------------

    def _run(self, program: Program) -> Any:  # noqa: ANN401 - the program's result
        with self._lock:
            fetcher = self._fetcher()
            try:
                need = next(program)
                while True:
                    answer: object
                    if isinstance(need, Batch):
                        answer = fetcher.run(need.calls)
                    else:
                        answer = self._redirect(need)
                    need = program.send(answer)
            except StopIteration as stop:
                return stop.value
            finally:
                fetcher.close()

    def _redirect(self, need: AskRedirect) -> str:
        handler = self._handler_or_default()
        assert isinstance(handler, RedirectHandler)  # noqa: S101 - FollowRedirects never asks
        return handler.authorize(need.url)

    def sync_auth_flow(self, request: httpx2.Request) -> Generator[httpx2.Request, httpx2.Response]:
        """The ``httpx2.Auth`` protocol for ``httpx2.Client``."""
        if not self._ours(request):
            yield request
            return
        request.read()
        tokens: Tokens | None = self._run(self._current())
        self._attach(request, tokens)
        response = yield request
        nonce_retried = self._wants_nonce(response, tokens)
        if nonce_retried:
            self._attach(request, tokens)
            response = yield request
        retry = _Retry()
        while (plan := retry.plan(response)) is not None:
            response.read()
            tokens, kind = self._run(self._recover(*plan, tokens))
            retry.record(kind)
            self._attach(request, tokens)
            response = yield request
            if not nonce_retried and self._wants_nonce(response, tokens):
                nonce_retried = True
                self._attach(request, tokens)
                response = yield request

    # -- async -----------------------------------------------------------------------------

    async def _arun(self, program: Program) -> Any:  # noqa: ANN401 - the program's result
        import anyio  # noqa: PLC0415 - async path only

        if self._alock is None:
            self._alock = anyio.Lock()
        async with self._alock:
            fetcher = self._fetcher()
            try:
                need = next(program)
                while True:
                    answer: object
                    if isinstance(need, Batch):
                        answer = await fetcher.arun(need.calls)
                    else:
                        handler = self._handler_or_default()
                        assert isinstance(handler, RedirectHandler)  # noqa: S101 - see _redirect
                        answer = await handler.aauthorize(need.url)
                    need = program.send(answer)
            except StopIteration as stop:
                return stop.value
            finally:
                await fetcher.aclose()

    async def async_auth_flow(
        self, request: httpx2.Request
    ) -> AsyncGenerator[httpx2.Request, httpx2.Response]:
        """The ``httpx2.Auth`` protocol for ``httpx2.AsyncClient``."""
        if not self._ours(request):
            yield request
            return
        await request.aread()
        tokens: Tokens | None = await self._arun(self._current())
        self._attach(request, tokens)
        response = yield request
        nonce_retried = self._wants_nonce(response, tokens)
        if nonce_retried:
            self._attach(request, tokens)
            response = yield request
        retry = _Retry()
        while (plan := retry.plan(response)) is not None:
            await response.aread()
            tokens, kind = await self._arun(self._recover(*plan, tokens))
            retry.record(kind)
            self._attach(request, tokens)
            response = yield request
            if not nonce_retried and self._wants_nonce(response, tokens):
                nonce_retried = True
                self._attach(request, tokens)
                response = yield request
