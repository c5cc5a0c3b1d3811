"""Perform the driver's own requests with httpx2: concurrently, safely, every outcome reported.

Every `Call` becomes exactly one `Reply`, never an exception: a status with headers and a capped
body, or one of the network errors the decision function understands (``timeout``,
``connect``, ``tls``, ``too_large``) or ``refused`` (a safety rule of `_guard` said no).
Redirects are never followed (a 3xx is reported as it is: for metadata the core reads it as
*absent*). Concurrent calls run on threads (sync) or in an anyio task group (async).
"""

from __future__ import annotations

import ssl
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx2

from rfcauth.http._guard import (
    AddressGuard,
    AddressRefusedError,
    AsyncGuardedBackend,
    GuardedBackend,
    url_refusal,
)
from rfcauth.http._values import Call, Reply, ReplyError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rfcauth.discovery import DiscoveryContext

__all__ = ["MAX_RESPONSE_BYTES", "Fetcher", "Limits"]

#: Discovery documents, registration and token responses are small; 1 MiB is generous.
MAX_RESPONSE_BYTES = 1 << 20


@dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    """Timeouts and caps for the driver's own requests.

    Attributes:
        connect_timeout: seconds to establish a connection (and TLS).
        read_timeout: seconds between bytes of a response.
        max_response_bytes: a longer response body is ``too_large``.
        max_parallel: concurrent requests at most per round trip.
    """

    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    max_response_bytes: int = MAX_RESPONSE_BYTES
    max_parallel: int = 8


def _tls_failure(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLError):
            return True
        current = current.__cause__ or current.__context__
    text = str(exc)
    return "SSL" in text or "CERTIFICATE" in text.upper()


def _classify(call: Call, exc: BaseException) -> Reply:
    error: ReplyError
    refused = _refusal_in(exc)
    if refused is not None:
        return Reply(url=call.url, error="refused", detail=refused)
    if isinstance(exc, httpx2.TimeoutException):
        error, detail = "timeout", "no answer in time"
    elif _tls_failure(exc):
        error, detail = "tls", "the TLS handshake failed"
    else:
        error, detail = "connect", "the connection failed"
    return Reply(url=call.url, error=error, detail=detail)


def _refusal_in(exc: BaseException) -> str | None:
    current: BaseException | None = exc
    for _ in range(8):
        if current is None:
            return None
        if isinstance(current, AddressRefusedError):
            return str(current)
        current = current.__cause__ or current.__context__
    return None


def _reply(call: Call, response: httpx2.Response, body: bytearray) -> Reply:
    """The reply to `call`: the response's status and headers, and the body read in full."""
    return Reply(
        url=call.url, status=response.status_code, headers=_headers(response), body=bytes(body)
    )


def _headers(response: httpx2.Response) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in response.headers.multi_items():
        key = name.lower()
        out[key] = f"{out[key]}, {value}" if key in out else value
    return out


class Fetcher:
    """Runs batches of calls; one instance per login (it owns its connection pools).

    Args:
        context: the discovery context (the resource and policy the safety rules read).
        limits: timeouts and caps.
        allow_http: allow http to non-loopback hosts (off by default).
    """

    def __init__(
        self, *, context: DiscoveryContext, limits: Limits, allow_http: bool = False
    ) -> None:
        """Prepare; clients are created on first use."""
        self._context = context
        self._guard = AddressGuard(context=context)
        self._limits = limits
        self._allow_http = allow_http
        self._client: httpx2.Client | None = None
        self._aclient: httpx2.AsyncClient | None = None

    def _timeout(self) -> httpx2.Timeout:
        limits = self._limits
        return httpx2.Timeout(
            limits.read_timeout, connect=limits.connect_timeout, read=limits.read_timeout
        )

    def _refused(self, call: Call) -> Reply | None:
        reason = url_refusal(call.url, self._context, allow_http=self._allow_http)
        return None if reason is None else Reply(url=call.url, error="refused", detail=reason)

    def _too_large(self, call: Call, size: int) -> Reply:
        cap = self._limits.max_response_bytes
        return Reply(url=call.url, error="too_large", detail=f"more than {cap} bytes ({size}+)")

    # -- sync -------------------------------------------------------------------------------

    def _sync_client(self) -> httpx2.Client:
        if self._client is None:
            transport = httpx2.HTTPTransport()
            pool = transport._pool  # noqa: SLF001 - httpx2 has no public hook for the backend
            pool._network_backend = GuardedBackend(pool._network_backend, self._guard)  # noqa: SLF001
            self._client = httpx2.Client(
                transport=transport, timeout=self._timeout(), follow_redirects=False
            )
        return self._client

    def _one(self, call: Call) -> Reply:
        refused = self._refused(call)
        if refused is not None:
            return refused
        try:
            with self._sync_client().stream(
                call.method, call.url, headers=list(call.headers), content=call.body
            ) as response:
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > self._limits.max_response_bytes:
                        return self._too_large(call, len(body))
                return _reply(call, response, body)
        except Exception as exc:  # noqa: BLE001 - every outcome becomes a Reply
            return _classify(call, exc)

    def run(self, calls: Sequence[Call]) -> tuple[Reply, ...]:
        """Send `calls` concurrently (threads); one reply each, in the same order."""
        self._sync_client()  # made once, before the threads share it
        if len(calls) <= 1:
            return tuple(self._one(c) for c in calls)
        with ThreadPoolExecutor(max_workers=min(len(calls), self._limits.max_parallel)) as pool:
            return tuple(pool.map(self._one, calls))

    def close(self) -> None:
        """Close the sync connection pool."""
        if self._client is not None:
            self._client.close()
            self._client = None

    # -- async ------------------------------------------------------------------------------

    def _async_client(self) -> httpx2.AsyncClient:
        if self._aclient is None:
            transport = httpx2.AsyncHTTPTransport()
            pool = transport._pool  # noqa: SLF001 - httpx2 has no public hook for the backend
            pool._network_backend = AsyncGuardedBackend(pool._network_backend, self._guard)  # noqa: SLF001
            self._aclient = httpx2.AsyncClient(
                transport=transport, timeout=self._timeout(), follow_redirects=False
            )
        return self._aclient

    async def _aone(self, call: Call) -> Reply:
        refused = self._refused(call)
        if refused is not None:
            return refused
        try:
            async with self._async_client().stream(
                call.method, call.url, headers=list(call.headers), content=call.body
            ) as response:
                body = bytearray()
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > self._limits.max_response_bytes:
                        return self._too_large(call, len(body))
                return _reply(call, response, body)
        except Exception as exc:  # noqa: BLE001 - every outcome becomes a Reply
            return _classify(call, exc)

    async def arun(self, calls: Sequence[Call]) -> tuple[Reply, ...]:
        """Send `calls` concurrently (an anyio task group); one reply each, in order."""
        import anyio  # noqa: PLC0415 - only the async path needs it

        if len(calls) <= 1:
            return tuple([await self._aone(c) for c in calls])
        replies: list[Reply | None] = [None] * len(calls)
        limiter = anyio.CapacityLimiter(self._limits.max_parallel)

        async def one(index: int, call: Call) -> None:
            async with limiter:
                replies[index] = await self._aone(call)

        async with anyio.create_task_group() as group:
            for index, call in enumerate(calls):
                group.start_soon(one, index, call)
        return tuple(r for r in replies if r is not None)

    async def aclose(self) -> None:
        """Close the async connection pool."""
        if self._aclient is not None:
            await self._aclient.aclose()
            self._aclient = None
