"""The OAuth login as a sans-I/O generator: discovery, registration, authorization, token.

Theory of operation
-------------------
`Login` holds no socket. Its generators *yield* what they need and are *sent* the answer:

- `Batch` (calls to make, concurrently) → the tuple of `Reply`, in the same order;
- `AskRedirect` (the authorization URL for the user agent) → the callback URL it reached.

The sync and async runners in `_flow` perform them with httpx2; tests can drive them with
canned replies. Discovery asks `next_action` for every step and reads the answers in exactly
the order it asks for them; `speculate` only decides what is fetched *early* (see
`_speculate`), so the decisions are those of a sequential walk. Answers come from the metadata
cache when it holds them fresh, and every network answer is stored there (RFC 9111 rules); a
failed discovery drops the resource's entries.

The rest follows the MCP 2025-11-25 authorization spec and the RFCs it names: registration
(pre-registered > Client ID Metadata Document > RFC 7591), the authorization request
(RFC 6749 §4.1.1 with PKCE S256 (RFC 7636 §4), ``state`` (RFC 6749 §10.12), ``resource``
(RFC 8707 §2)), the response checks (``state``; RFC 9207 ``iss``), the token request (RFC 6749
§4.1.3, client authentication §2.3.1), and refresh (RFC 6749 §6).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Generator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import parse_qs, quote, urlencode, urljoin, urlsplit

from rfcauth._errors import MetadataError
from rfcauth.discovery import (
    Authorize,
    ClientOptions,
    DiscoveryContext,
    Fail,
    Fetched,
    FetchResourceMetadata,
    FetchServerMetadata,
    NoAuthorizationNeeded,
    Policy,
    ResourceResponse,
)
from rfcauth.http._dpop import DPoPKey, use_dpop_nonce
from rfcauth.http._errors import LoginError
from rfcauth.http._speculate import speculate
from rfcauth.http._values import Call, ClientRegistration, Reply, Step, Tokens
from rfcauth.metadata import parse_authorization_server_metadata
from rfcauth.metadata._url_identity import is_loopback_host, origin_of

if TYPE_CHECKING:
    from rfcauth.http._cache import MetadataCache
    from rfcauth.http._storage import Storage
    from rfcauth.metadata import AuthorizationServerMetadata

__all__ = ["AskRedirect", "Batch", "Login", "LoginSettings", "Need"]

R_REGISTRATION = "RFC 7591 §3; MCP 2025-11-25 Client Registration Approaches"
R_AUTHZ_RESPONSE = "RFC 6749 §4.1.2"
R_STATE = "RFC 6749 §10.12"
R_ISS = "RFC 9207 §2.4"
R_TOKEN = "RFC 6749 §5"  # noqa: S105 - a rule citation, not a password
R_CLIENT_AUTH = "RFC 6749 §2.3.1"
R_REFUSED = "rfcauth driver safety rules (README: Safety)"

_REDIRECTS = (301, 302, 303, 307, 308)
_DISCOVERY_PURPOSE: dict[type, Literal["resource_metadata", "server_metadata"]] = {
    FetchResourceMetadata: "resource_metadata",
    FetchServerMetadata: "server_metadata",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Batch:
    """Make these calls (concurrently); send back one `Reply` each, in order."""

    calls: tuple[Call, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class AskRedirect:
    """Send the user agent to `url`; send back the URL it was redirected to (the callback)."""

    url: str
    redirect_uri: str


Need = Batch | AskRedirect
Answer = tuple[Reply, ...] | str
Machine = Generator[Need, Any, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class LoginSettings:
    """Everything a login needs besides the resource's answer (built by `OAuthFlow`)."""

    resource: str
    policy: Policy
    client: ClientOptions
    redirect_uri: str
    client_name: str
    storage: Storage
    cache: MetadataCache
    clock: Callable[[], float]
    max_parallel: int = 8
    on_step: Callable[[Step], None] | None = None
    prepare_token_request: Callable[[Call], Call] | None = None
    follow_redirects: bool = False
    max_redirect_hops: int = 5
    dpop: DPoPKey | None = None


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _json_object(body: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


def _oauth_error(reply: Reply) -> str:
    """The RFC 6749 §5.2 error of a reply, as a short safe phrase."""
    if reply.status is None:
        return f"{reply.error}: {reply.detail}"
    document = _json_object(reply.body) or {}
    error = document.get("error")
    description = document.get("error_description")
    text = f"HTTP {reply.status}"
    if isinstance(error, str):
        text += f" error={error[:64]!r}"
    if isinstance(description, str):
        text += f" ({description[:200]})"
    return text


class Login:
    """One login session: the steps taken so far and the generators that take the next ones.

    Args:
        settings: the flow's settings.
        round_offset: the round number the first request of this session gets minus one.
    """

    def __init__(self, settings: LoginSettings, *, round_offset: int = 0) -> None:
        """Start an empty session."""
        self.settings = settings
        self.steps: list[Step] = []
        self.round = round_offset
        self.rounds_to_authorization: int | None = None
        #: DPoP binds this session's tokens: a key was given and the server offers its algorithm.
        self._dpop_on = False

    # -- observation -----------------------------------------------------------------------

    def emit(self, step: Step) -> None:
        """Record a step and hand it to the observer."""
        self.steps.append(step)
        if self.settings.on_step is not None:
            self.settings.on_step(step)

    def error(
        self, code: str, reason: str, rule: str, explanation: str, *, url: str | None = None
    ) -> LoginError:
        """A `LoginError` carrying this session's steps."""
        return LoginError(code, reason, rule, explanation, url=url, steps=tuple(self.steps))

    def exchange(self, calls: tuple[Call, ...]) -> Generator[Need, Any, tuple[Reply, ...]]:
        """One sequential round trip: yield the batch, record requests and replies."""
        self.round += 1
        for call in calls:
            self.emit(
                Step(
                    kind="request",
                    round=self.round,
                    method=call.method,
                    url=call.url,
                    purpose=call.purpose,
                )
            )
        replies: tuple[Reply, ...] = yield Batch(calls=calls)
        for call, reply in zip(calls, replies, strict=True):
            self.emit(
                Step(
                    kind="reply",
                    round=self.round,
                    method=call.method,
                    url=reply.url,
                    purpose=call.purpose,
                    status=reply.status,
                    error=reply.error,
                    message=reply.detail,
                )
            )
        return replies

    def refuse_if_refused(self, reply: Reply) -> None:
        """A reply the safety rules refused ends the login with ``url_refused``."""
        if reply.error == "refused":
            raise self.error(
                "url_refused",
                "driver_safety_rule",
                R_REFUSED,
                f"The request to {reply.url} was not made: {reply.detail}.",
                url=reply.url,
            )

    # -- discovery -------------------------------------------------------------------------

    def _cached(self, url: str) -> Reply | None:
        entry, fresh = self.settings.cache.lookup(self.settings.resource, url)
        if entry is None or not fresh:
            return None
        reply = Reply(
            url=url, status=entry.status, headers=entry.headers, body=entry.body, from_cache=True
        )
        self.emit(
            Step(kind="reply", round=self.round, method="GET", url=url, status=entry.status,
                 from_cache=True, purpose="discovery")
        )  # fmt: skip
        return reply

    def _remember(self, reply: Reply) -> Reply:
        if reply.status is None:
            return reply
        stored = self.settings.cache.store(
            self.settings.resource, reply.url, reply.status, reply.headers, reply.body
        )
        if stored is None:
            return reply
        status, headers, body = stored
        return replace(reply, status=status, headers=headers, body=body)

    def _fetched(self, reply: Reply) -> Fetched:
        self.refuse_if_refused(reply)
        if reply.error is not None:
            return Fetched(url=reply.url, error=reply.error)  # type: ignore[arg-type]
        return Fetched(
            url=reply.url,
            status=reply.status,
            body=reply.body,
            retry_after=reply.headers.get("retry-after"),
        )

    def discover(  # noqa: C901 - one loop: consume, serve from cache, or fetch a batch
        self, challenge: ResourceResponse, client: ClientOptions
    ) -> Generator[Need, Any, tuple[Authorize, AuthorizationServerMetadata | None]]:
        """Walk `next_action` to `Authorize`, fetching speculatively; raise `LoginError`."""
        settings = self.settings
        context = DiscoveryContext(
            resource=settings.resource, policy=settings.policy, client=client
        )
        prm: dict[str, Fetched] = {}
        asm: dict[str, Fetched] = {}
        ready: dict[str, Reply] = {}
        decided: set[str] = set()
        while True:
            action, fetches = speculate(
                challenge, prm, asm, context=context, limit=settings.max_parallel
            )
            if isinstance(action, (FetchResourceMetadata, FetchServerMetadata)):
                if action.url not in decided:
                    decided.add(action.url)
                    self.emit(Step(kind="decision", round=self.round, url=action.url,
                                   action=action, message=action.explanation))  # fmt: skip
                reply = ready.get(action.url) or self._cached(action.url)
                if reply is not None:
                    ready[action.url] = reply
                    target = prm if isinstance(action, FetchResourceMetadata) else asm
                    target[action.url] = self._fetched(reply)
                    continue
                calls = []
                for fetch in fetches:
                    if fetch.url in ready:
                        continue
                    cached = None if fetch is action else self._cached(fetch.url)
                    if cached is not None:
                        ready[fetch.url] = cached
                        continue
                    validators = settings.cache.conditional_headers(settings.resource, fetch.url)
                    calls.append(
                        Call(
                            method="GET",
                            url=fetch.url,
                            purpose=_DISCOVERY_PURPOSE[type(fetch)],
                            headers=(("Accept", "application/json"), *validators),
                        )
                    )
                replies = yield from self.exchange(tuple(calls))
                for got in replies:
                    ready[got.url] = self._remember(got)
                continue
            self.emit(Step(kind="decision", round=self.round, action=action,
                           message=action.explanation))  # fmt: skip
            if isinstance(action, Fail):
                settings.cache.forget(settings.resource)
                raise LoginError.from_fail(action, tuple(self.steps))
            if isinstance(action, NoAuthorizationNeeded):  # pragma: no cover - 401/403 only
                raise self.error(
                    "unexpected_status",
                    action.reason,
                    action.rule,
                    "The resource asked for no authorization.",
                )
            return action, self._server_metadata(action, ready)

    def _server_metadata(
        self, action: Authorize, ready: dict[str, Reply]
    ) -> AuthorizationServerMetadata | None:
        url = action.server_metadata_url
        reply = ready.get(url) if url is not None else None
        if reply is None:
            return None
        try:
            return parse_authorization_server_metadata(
                reply.body, strict=not self.settings.policy.metadata_tolerances
            )
        except MetadataError:  # pragma: no cover - the walk validated the same document
            return None

    # -- registration ----------------------------------------------------------------------

    def register(
        self, action: Authorize, metadata: AuthorizationServerMetadata | None
    ) -> Generator[Need, Any, ClientRegistration]:
        """Obtain the client identity the decision chose (MCP 2025-11-25 priority order)."""
        settings = self.settings
        registration = action.registration
        supported = tuple(
            (metadata.token_endpoint_auth_methods_supported if metadata else None)
            or ("client_secret_basic",)  # RFC 8414 §2 default
        )
        if registration.kind == "preregistered":
            secret = settings.client.client_secret
            method = "none"
            if secret is not None:
                method = (
                    "client_secret_post"
                    if "client_secret_post" in supported and "client_secret_basic" not in supported
                    else "client_secret_basic"
                )
            found = ClientRegistration(
                issuer=action.issuer,
                client_id=registration.client_id or "",
                client_secret=secret,
                token_endpoint_auth_method=method,
                kind="preregistered",
            )
        elif registration.kind == "client_id_metadata_document":
            found = ClientRegistration(
                issuer=action.issuer,
                client_id=registration.client_id or "",
                token_endpoint_auth_method="none",  # noqa: S106 - RFC 7591 method name
                kind="client_id_metadata_document",
            )
        else:
            stored = settings.storage.get_client(action.issuer)
            if (
                stored is not None
                and stored.kind == "dynamic"
                and stored.usable(settings.redirect_uri, now=settings.clock())
            ):
                note = "Using the stored dynamic client registration."
                self.emit(Step(kind="note", round=self.round, url=registration.endpoint,
                               message=note))  # fmt: skip
                return stored
            found = yield from self._register_dynamically(action, supported)
        settings.storage.set_client(action.issuer, found)
        return found

    def _register_dynamically(
        self, action: Authorize, supported: tuple[str, ...]
    ) -> Generator[Need, Any, ClientRegistration]:
        settings = self.settings
        endpoint = action.registration.endpoint or ""
        if "none" in supported:
            method = "none"
        elif "client_secret_basic" in supported:
            method = "client_secret_basic"
        else:
            method = "client_secret_post"
        request = {
            "redirect_uris": [settings.redirect_uri],
            "token_endpoint_auth_method": method,
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "client_name": settings.client_name,
            # OpenID Connect Dynamic Client Registration §2 (required by MCP 2026-07-28,
            # SEP-837): a client whose redirect goes to a loopback listener is a native app.
            "application_type": "native"
            if is_loopback_host(urlsplit(settings.redirect_uri).hostname or "")
            else "web",
        }
        call = Call(
            method="POST",
            url=endpoint,
            purpose="registration",
            headers=(("Content-Type", "application/json"), ("Accept", "application/json")),
            body=json.dumps(request).encode(),
        )
        (reply,) = yield from self.exchange((call,))
        self.refuse_if_refused(reply)
        document = _json_object(reply.body) if reply.status in (200, 201) else None
        client_id = document.get("client_id") if document else None
        if document is None or not isinstance(client_id, str) or not client_id:
            raise self.error(
                "registration_failed",
                "dynamic_registration_rejected",
                R_REGISTRATION,
                f"Dynamic client registration at {endpoint} failed: {_oauth_error(reply)}.",
                url=endpoint,
            )
        secret = document.get("client_secret")
        granted = document.get("token_endpoint_auth_method")
        method = granted if isinstance(granted, str) else method
        if not isinstance(secret, str):
            secret = None
            if method != "none":
                method = "none"
        expires = document.get("client_secret_expires_at")
        return ClientRegistration(
            issuer=action.issuer,
            client_id=client_id,
            client_secret=secret,
            token_endpoint_auth_method=method,
            redirect_uris=(settings.redirect_uri,),
            expires_at=float(expires) if isinstance(expires, int) and expires > 0 else None,
            kind="dynamic",
        )

    # -- authorization ---------------------------------------------------------------------

    def authorize(
        self,
        action: Authorize,
        metadata: AuthorizationServerMetadata | None,
        client: ClientRegistration,
    ) -> Generator[Need, Any, tuple[str, str]]:
        """The authorization request and the checks on its response: (code, code_verifier)."""
        settings = self.settings
        verifier = secrets.token_urlsafe(64)  # 86 characters: RFC 7636 §4.1 allows 43..128
        challenge = _b64url(hashlib.sha256(verifier.encode("ascii")).digest())
        state = secrets.token_urlsafe(32)
        params = [
            ("response_type", "code"),
            ("client_id", client.client_id),
            ("redirect_uri", settings.redirect_uri),
            ("code_challenge", challenge),
            ("code_challenge_method", "S256"),
            ("state", state),
        ]
        if action.scope:
            params.append(("scope", action.scope))
        if action.resource:
            params.append(("resource", action.resource))
        endpoint = action.authorization_endpoint
        separator = "&" if urlsplit(endpoint).query else "?"
        url = endpoint + separator + urlencode(params, quote_via=quote)
        self.rounds_to_authorization = self.round
        self.emit(Step(kind="redirect", round=self.round, url=endpoint,
                       message="Authorization request (PKCE S256, state"
                       + (", resource" if action.resource else "") + ")."))  # fmt: skip
        if settings.follow_redirects:
            callback = yield from self._follow(url, endpoint)
        else:
            callback = yield AskRedirect(url=url, redirect_uri=settings.redirect_uri)
        query = parse_qs(urlsplit(callback).query, keep_blank_values=True)

        def one(name: str) -> str | None:
            values = query.get(name)
            return values[0] if values and len(values) == 1 else None

        returned_state = one("state")
        if returned_state is None or not hmac.compare_digest(returned_state, state):
            raise self.error(
                "state_mismatch",
                "authorization_response_state_mismatch",
                R_STATE,
                "The authorization response's state does not match the request's; it is "
                "discarded (CSRF defence).",
                url=endpoint,
            )
        iss = one("iss")
        iss_required = (
            metadata is not None and metadata.authorization_response_iss_parameter_supported is True
        )
        if (iss is not None and iss != action.issuer) or (iss is None and iss_required):
            raise self.error(
                "issuer_mismatch",
                "authorization_response_iss_mismatch"
                if iss
                else "authorization_response_iss_absent",
                R_ISS,
                f"The authorization response's iss {iss!r} is not the issuer {action.issuer!r} "
                "the request went to (mix-up defence).",
                url=endpoint,
            )
        error = one("error")
        code = one("code")
        if error is not None or not code:
            description = one("error_description") or ""
            raise self.error(
                "authorization_failed",
                error or "code_missing",
                R_AUTHZ_RESPONSE,
                f"The authorization server answered error={error!r}"
                + (f" ({description[:200]})" if description else "")
                + "."
                if error
                else "The authorization response carries no code.",
                url=endpoint,
            )
        return code, verifier

    def _follow(self, url: str, endpoint: str) -> Generator[Need, Any, str]:
        """No person: follow the server's redirects on its own origin to the redirect URI."""
        redirect = urlsplit(self.settings.redirect_uri)
        current = url
        for _ in range(self.settings.max_redirect_hops + 1):
            call = Call(method="GET", url=current, purpose="authorization")
            (reply,) = yield from self.exchange((call,))
            self.refuse_if_refused(reply)
            location = reply.headers.get("location")
            if reply.status not in _REDIRECTS or not location:
                raise self.error(
                    "authorization_failed",
                    "authorization_needs_a_person",
                    R_AUTHZ_RESPONSE,
                    f"The authorization endpoint {endpoint} answered "
                    f"{reply.status or reply.error} instead of redirecting back; a person must "
                    "take part: use a browser redirect handler (LoopbackBrowser).",
                    url=endpoint,
                )
            target = urljoin(current, location)
            parts = urlsplit(target)
            if (parts.scheme, parts.netloc, parts.path) == (
                redirect.scheme,
                redirect.netloc,
                redirect.path,
            ):
                return target
            if origin_of(target) != origin_of(endpoint):
                raise self.error(
                    "authorization_failed",
                    "redirect_left_origin",
                    R_AUTHZ_RESPONSE,
                    f"The authorization server redirected to another origin ({parts.netloc}); "
                    "without a person, only its own origin is followed.",
                    url=endpoint,
                )
            current = target
        raise self.error(
            "authorization_failed",
            "too_many_redirects",
            R_AUTHZ_RESPONSE,
            f"More than {self.settings.max_redirect_hops} redirects from {endpoint}.",
            url=endpoint,
        )

    # -- token -----------------------------------------------------------------------------

    def _token_call(
        self, endpoint: str, form: list[tuple[str, str]], client: ClientRegistration
    ) -> Call:
        headers = [
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Accept", "application/json"),
        ]
        method = client.token_endpoint_auth_method
        # client_id is sent in the body with every method: RFC 6749 §3.2.1 allows it, it is no
        # second authentication method (§2.3.1), and the MCP Python SDK's token endpoint
        # requires it even with client_secret_basic.
        form = [*form, ("client_id", client.client_id)]
        if method == "client_secret_basic" and client.client_secret is not None:
            # RFC 6749 §2.3.1: each part form-urlencoded, then Basic (RFC 7617).
            pair = f"{quote(client.client_id, safe='')}:{quote(client.client_secret, safe='')}"
            headers.append(("Authorization", "Basic " + base64.b64encode(pair.encode()).decode()))
        elif method == "client_secret_post" and client.client_secret is not None:
            form.append(("client_secret", client.client_secret))
        call = Call(
            method="POST",
            url=endpoint,
            purpose="token",
            headers=tuple(headers),
            body=urlencode(form).encode("ascii"),
        )
        hook = self.settings.prepare_token_request
        return hook(call) if hook is not None else call

    def _token_exchange(
        self, endpoint: str, form: list[tuple[str, str]], client: ClientRegistration
    ) -> Generator[Need, Any, Reply]:
        """Send a token request; with DPoP, a proof each time and one retry with the AS nonce.

        RFC 9449 §5: the proof rides in the ``DPoP`` header; §8: an authorization server that
        wants its own nonce answers ``400 use_dpop_nonce`` with a ``DPoP-Nonce`` header, and the
        request is sent once more with a fresh proof carrying it.
        """
        key = self.settings.dpop if self._dpop_on else None
        reply = Reply(url=endpoint)
        for attempt in (1, 2):
            call = self._token_call(endpoint, form, client)
            if key is not None:
                proof = key.proof("POST", endpoint)
                call = replace(call, headers=(*call.headers, ("DPoP", proof)))
            (reply,) = yield from self.exchange((call,))
            if key is None or reply.status is None or attempt == 2:  # noqa: PLR2004
                break
            key.observe(endpoint, reply.headers)
            nonce = use_dpop_nonce(reply.status, reply.headers, reply.body)
            if nonce is None:
                break
            key.remember_nonce(endpoint, nonce)
            note = "The token endpoint asks for its DPoP nonce (RFC 9449 §8); sent again."
            self.emit(Step(kind="note", round=self.round, url=endpoint, message=note))
        return reply

    def _tokens(
        self,
        reply: Reply,
        *,
        endpoint: str,
        issuer: str,
        requested_scope: str | None,
        resource: str | None,
        previous_refresh: str | None = None,
    ) -> Tokens:
        document = _json_object(reply.body) if reply.status == 200 else None  # noqa: PLR2004
        if document is None:
            raise self.error(
                "token_request_failed",
                "token_endpoint_error",
                R_TOKEN,
                f"The token request to {endpoint} failed: {_oauth_error(reply)}.",
                url=endpoint,
            )
        access = document.get("access_token")
        token_type = document.get("token_type")
        accepted = {"bearer", "dpop"} if self._dpop_on else {"bearer"}
        if (
            not isinstance(access, str)
            or not access
            or not isinstance(token_type, str)
            or token_type.lower() not in accepted
        ):
            raise self.error(
                "invalid_token_response",
                "not_a_bearer_token_response",
                "RFC 6749 §5.1; RFC 6750 §4",
                f"The token response from {endpoint} has no access_token of token_type Bearer.",
                url=endpoint,
            )
        expires_in = document.get("expires_in")
        refresh = document.get("refresh_token")
        scope = document.get("scope")
        return Tokens(
            access_token=access,
            # RFC 9449 §5: a DPoP-bound token says so; it is presented with the DPoP scheme.
            token_type="DPoP" if token_type.lower() == "dpop" else "Bearer",
            refresh_token=refresh if isinstance(refresh, str) and refresh else previous_refresh,
            expires_at=self.settings.clock() + expires_in
            if isinstance(expires_in, (int, float)) and not isinstance(expires_in, bool)
            else None,
            scope=scope if isinstance(scope, str) else requested_scope,
            issuer=issuer,
            token_endpoint=endpoint,
            resource=resource,
        )

    def redeem(
        self, action: Authorize, client: ClientRegistration, code: str, verifier: str
    ) -> Generator[Need, Any, Tokens]:
        """The token request (RFC 6749 §4.1.3 with RFC 7636 §4.5 and RFC 8707 §2.2)."""
        form = [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", self.settings.redirect_uri),
            ("code_verifier", verifier),
        ]
        if action.resource:
            form.append(("resource", action.resource))
        reply = yield from self._token_exchange(action.token_endpoint, form, client)
        self.refuse_if_refused(reply)
        return self._tokens(
            reply,
            endpoint=action.token_endpoint,
            issuer=action.issuer,
            requested_scope=action.scope,
            resource=action.resource,
        )

    # -- the whole login, and refresh ------------------------------------------------------

    def login(
        self,
        challenge: ResourceResponse,
        *,
        step_up_attempts: int = 0,
        previous_scope: str | None = None,
    ) -> Generator[Need, Any, Tokens]:
        """Discovery → registration → authorization → token, for one 401/403."""
        client = replace(
            self.settings.client,
            step_up_attempts=step_up_attempts,
            previous_scope=previous_scope or self.settings.client.previous_scope,
        )
        action, metadata = yield from self.discover(challenge, client)
        key = self.settings.dpop
        offered = metadata.dpop_signing_alg_values_supported if metadata is not None else None
        # RFC 9449 §5.1: the metadata lists the proof algorithms the server accepts.
        self._dpop_on = key is not None and offered is not None and key.algorithm in offered
        registration = yield from self.register(action, metadata)
        code, verifier = yield from self.authorize(action, metadata, registration)
        tokens = yield from self.redeem(action, registration, code, verifier)
        self.settings.storage.set_tokens(self.settings.resource, tokens)
        return tokens

    def refresh(self, tokens: Tokens) -> Generator[Need, Any, Tokens | None]:
        """RFC 6749 §6: a new access token, or None when the refresh is refused."""
        settings = self.settings
        if tokens.refresh_token is None or tokens.token_endpoint is None or tokens.issuer is None:
            return None
        client = settings.storage.get_client(tokens.issuer)
        if client is None:
            return None
        form = [("grant_type", "refresh_token"), ("refresh_token", tokens.refresh_token)]
        if tokens.resource:
            form.append(("resource", tokens.resource))
        self._dpop_on = tokens.token_type == "DPoP" and settings.dpop is not None  # noqa: S105
        reply = yield from self._token_exchange(tokens.token_endpoint, form, client)
        if reply.status != 200:  # noqa: PLR2004
            self.emit(Step(kind="note", round=self.round, url=tokens.token_endpoint,
                           message=f"Refresh refused ({_oauth_error(reply)}); "
                           "a new authorization follows."))  # fmt: skip
            settings.storage.set_tokens(settings.resource, None)
            return None
        fresh = self._tokens(
            reply,
            endpoint=tokens.token_endpoint,
            issuer=tokens.issuer,
            requested_scope=tokens.scope,
            resource=tokens.resource,
            previous_refresh=tokens.refresh_token,
        )
        settings.storage.set_tokens(settings.resource, fresh)
        return fresh
