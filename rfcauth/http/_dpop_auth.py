"""DPoP for any auth flow: an ``httpx2.Auth`` that binds the tokens another flow obtains (RFC 9449).

Theory of operation. `DPoPAuth` wraps an auth flow (rfcauth's, or any ``httpx2.Auth`` that speaks
OAuth with Bearer tokens) and watches the requests it sends and the answers it gets:

- an authorization server's metadata that lists ``dpop_signing_alg_values_supported`` (RFC 9449
  §5.1) marks its ``token_endpoint`` as DPoP-capable, with the algorithm to use;
- a token request (a form ``POST`` with ``grant_type``) to such an endpoint gets a ``DPoP`` proof
  (§5); an answer with ``token_type`` ``DPoP`` marks that access token as bound (§5: "the
  token_type ... is DPoP");
- a request that presents a bound token as ``Authorization: Bearer t`` is rewritten to
  ``Authorization: DPoP t`` with a fresh proof carrying ``ath`` (§7.1);
- a ``use_dpop_nonce`` challenge (§8 from the authorization server, §9 from the resource server)
  is answered at once with one retry carrying the server's nonce; the wrapped flow sees only the
  retry's answer. Every ``DPoP-Nonce`` a server sends is kept for its later proofs.

The wrapped flow therefore keeps its Bearer logic; only the presentation changes. Response bodies
are read only for the answers this layer must look into (JSON metadata, token responses, 4xx
challenges), never for a streaming MCP response.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Final
from urllib.parse import parse_qsl

import httpx2

from rfcauth.http._dpop import DPoPKey, choose_dpop_algorithm, use_dpop_nonce

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, Generator

__all__ = ["DPoPAuth"]

_FORM: Final = "application/x-www-form-urlencoded"
_MAX_INSPECTED: Final = 1 << 20  # bytes read from an answer this layer looks into


def _is_json(response: httpx2.Response) -> bool:
    return "json" in response.headers.get("content-type", "").lower()


class DPoPAuth(httpx2.Auth):
    """Make the tokens a wrapped auth flow obtains DPoP-bound (RFC 9449), where servers allow.

    Args:
        inner: the auth flow that discovers, authorizes and obtains tokens.
        key: the proof key; by default one is generated for the first algorithm an authorization
            server offers.

    Attributes:
        bound_tokens: how many access tokens were issued as DPoP-bound (for reports).
    """

    requires_request_body = True
    requires_response_body = False

    def __init__(self, inner: httpx2.Auth, *, key: DPoPKey | None = None) -> None:
        """Wrap ``inner``."""
        self._inner = inner
        self._key = key
        self._token_endpoints: dict[str, str] = {}
        self._bound: set[str] = set()

    @property
    def key(self) -> DPoPKey | None:
        """The proof key, once one is in use."""
        return self._key

    @property
    def bound_tokens(self) -> int:
        """How many access tokens were issued as DPoP-bound."""
        return len(self._bound)

    # --- the decisions, shared by the sync and async flows -----------------------------------

    def _key_for(self, algorithm: str) -> DPoPKey:
        if self._key is None:
            self._key = DPoPKey.generate(algorithm)
        return self._key

    def _token_request_algorithm(self, request: httpx2.Request) -> str | None:
        if request.method != "POST" or _FORM not in request.headers.get("content-type", ""):
            return None
        url = str(request.url.copy_with(query=None, fragment=None))
        if url not in self._token_endpoints:
            return None
        form = dict(parse_qsl(request.content.decode("ascii", "replace")))
        return self._token_endpoints[url] if "grant_type" in form else None

    def _prepare(self, request: httpx2.Request, nonce: str | None = None) -> bool:
        """Add a proof (and the DPoP scheme) to ``request``; True when it carries one."""
        url = str(request.url)
        algorithm = self._token_request_algorithm(request)
        if algorithm is not None:
            request.headers["DPoP"] = self._key_for(algorithm).proof("POST", url, nonce=nonce)
            return True
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        token = token.strip()
        if scheme.lower() in {"bearer", "dpop"} and token in self._bound and self._key is not None:
            request.headers["Authorization"] = f"DPoP {token}"
            request.headers["DPoP"] = self._key.proof(
                request.method, url, access_token=token, nonce=nonce
            )
            return True
        return False

    def _wants_body(self, request: httpx2.Request, response: httpx2.Response) -> bool:
        if "DPoP" in request.headers and response.status_code in {400, 401}:
            return True
        return _is_json(response) and response.status_code == 200  # noqa: PLR2004

    def _learn(self, request: httpx2.Request, response: httpx2.Response) -> None:
        """Record DPoP-capable token endpoints, bound tokens and nonces from an answer."""
        if self._key is not None:
            self._key.observe(str(request.url), response.headers)
        if response.status_code != 200 or not _is_json(response):  # noqa: PLR2004
            return
        try:
            document = json.loads(response.content[:_MAX_INSPECTED])
        except ValueError:
            return
        if not isinstance(document, dict):
            return
        algorithms = document.get("dpop_signing_alg_values_supported")
        endpoint = document.get("token_endpoint")
        if isinstance(algorithms, list) and isinstance(endpoint, str):
            chosen = choose_dpop_algorithm(algorithms)
            if chosen is not None:
                self._token_endpoints.setdefault(endpoint, chosen)
        token_type, token = document.get("token_type"), document.get("access_token")
        if (
            "DPoP" in request.headers
            and isinstance(token_type, str)
            and token_type.lower() == "dpop"
            and isinstance(token, str)
        ):
            self._bound.add(token)

    def _retry(self, request: httpx2.Request, response: httpx2.Response) -> httpx2.Request | None:
        """The request again with the server's nonce, when it answered ``use_dpop_nonce``."""
        if "DPoP" not in request.headers:
            return None
        nonce = use_dpop_nonce(response.status_code, response.headers, response.content)
        if nonce is None:
            return None
        if self._key is not None:
            self._key.remember_nonce(str(request.url), nonce)
        retry = httpx2.Request(
            request.method, request.url, headers=request.headers, content=request.content
        )
        self._prepare(retry, nonce)
        return retry

    # --- the flows ----------------------------------------------------------------------------

    def sync_auth_flow(self, request: httpx2.Request) -> Generator[httpx2.Request, httpx2.Response]:
        """Drive the wrapped flow, adding proofs and answering nonce challenges."""
        request.read()
        flow = self._inner.sync_auth_flow(request)
        try:
            outgoing = next(flow)
            while True:
                outgoing.read()
                self._prepare(outgoing)
                response = yield outgoing
                if self._wants_body(outgoing, response):
                    response.read()
                    retry = self._retry(outgoing, response)
                    if retry is not None:
                        outgoing = retry
                        response = yield retry
                        if self._wants_body(outgoing, response):
                            response.read()
                    self._learn(outgoing, response)
                outgoing = flow.send(response)
        except StopIteration:
            return
        finally:
            flow.close()

    async def async_auth_flow(
        self, request: httpx2.Request
    ) -> AsyncGenerator[httpx2.Request, httpx2.Response]:
        """The same, for an ``httpx2.AsyncClient`` (the MCP SDK's)."""
        await request.aread()
        flow = self._inner.async_auth_flow(request)
        try:
            outgoing = await flow.__anext__()
            while True:
                await outgoing.aread()
                self._prepare(outgoing)
                response = yield outgoing
                if self._wants_body(outgoing, response):
                    await response.aread()
                    retry = self._retry(outgoing, response)
                    if retry is not None:
                        outgoing = retry
                        response = yield retry
                        if self._wants_body(outgoing, response):
                            await response.aread()
                    self._learn(outgoing, response)
                outgoing = await flow.asend(response)
        except StopAsyncIteration:
            return
        finally:
            await flow.aclose()
