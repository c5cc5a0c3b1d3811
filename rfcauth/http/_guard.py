"""Safety rules for every request the driver makes on its own (discovery, registration, token).

The URL rules are the discovery core's (`rfcauth.discovery._addresses`): one check for every URL
rfcauth requests, and the same private-network rule. What only a driver can add is the
*connect-time* check: a host learned from a server (a hint, an authorization server, an
endpoint) must resolve to public addresses only — private, loopback, link-local, shared,
multicast, reserved and unspecified addresses are refused unless the resource itself is on such
an address, or the caller opts in (``Policy(allow_private_network=True)``). The check runs on the
very addresses the socket then connects to, so a DNS answer that changes between a check and
the connection (rebinding) cannot slip through.

http is used only for loopback hosts (and the resource's own origin) unless the caller opts in
(``OAuthFlow(allow_http=True)``; OAuth 2.1 §1.5 otherwise requires TLS).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpcore2

from rfcauth.discovery._addresses import ip_refusal, special_hosts_allowed
from rfcauth.discovery._addresses import url_refusal as core_url_refusal

if TYPE_CHECKING:
    from collections.abc import Iterable

    from rfcauth.discovery import DiscoveryContext

__all__ = ["AddressGuard", "AddressRefusedError", "url_refusal"]

R_SSRF = "RFC 9728 §7; RFC 8414 §6 (server-supplied URLs: request forgery)"


class AddressRefusedError(Exception):
    """Internal: the connect-time address check refused a host (never leaves the driver)."""


def url_refusal(url: str, context: DiscoveryContext, *, allow_http: bool) -> str | None:
    """Why the driver must not request `url` at all, or None (the core's one URL check)."""
    checked = url
    if allow_http and url[:7].lower() == "http://":
        checked = "https://" + url[7:]  # the caller opted in to http: judge the rest
    reason = core_url_refusal(checked, context)
    return None if reason is None else f"the URL {url} {reason}"


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _refusal(text: str) -> str | None:
    ip = _address(text)
    return f"{text!r} is not an IP address" if ip is None else ip_refusal(ip)


@dataclass(slots=True, kw_only=True)
class AddressGuard:
    """Decides, per host and at connect time, whether its addresses may be used.

    Attributes:
        context: the discovery context (the resource and the policy).
    """

    context: DiscoveryContext
    _private_ok: bool | None = field(default=None, init=False)

    @property
    def resource_host(self) -> str:
        """The resource's host, lower-cased."""
        return (urlsplit(self.context.resource).hostname or "").lower()

    def _private_allowed(self) -> bool:
        """The policy opts in, or the resource itself is on a non-public host or address."""
        if self._private_ok is None:
            allowed = special_hosts_allowed(self.context)
            if not allowed:
                host = self.resource_host
                try:
                    addresses = [host] if _address(host) else _resolve(host)
                except OSError:
                    addresses = []
                allowed = any(_refusal(a) is not None for a in addresses)
            self._private_ok = allowed
        return self._private_ok

    def check(self, host: str, addresses: Iterable[str]) -> None:
        """Raise `AddressRefusedError` when a learned `host` resolves to a non-public address."""
        if host.lower().strip("[]") == self.resource_host.strip("[]") or self._private_allowed():
            return
        for address in addresses:
            refusal = _refusal(address)
            if refusal is not None:
                msg = (
                    f"{host} resolves to a {refusal}; a server-supplied URL may not reach it "
                    f"unless the resource itself is on such an address ({R_SSRF})"
                )
                raise AddressRefusedError(msg)


def _is_ip(host: str) -> bool:
    return _address(host.strip("[]")) is not None


def _resolve(host: str, port: int = 443) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _pick(guard: AddressGuard, host: str, addresses: list[str]) -> str:
    if not addresses:
        msg = f"{host} did not resolve"
        raise OSError(msg)
    guard.check(host, addresses)
    return addresses[0]


class GuardedBackend(httpcore2.NetworkBackend):
    """An httpcore2 network backend that resolves, checks, then connects to the checked IP."""

    def __init__(self, inner: httpcore2.NetworkBackend, guard: AddressGuard) -> None:
        """Wrap `inner`."""
        self._inner = inner
        self._guard = guard

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.NetworkStream:
        """Resolve `host`, check every address, connect to the first."""
        addresses = [host.strip("[]")] if _is_ip(host) else _resolve(host, port)
        address = _pick(self._guard, host, addresses)
        return self._inner.connect_tcp(
            address,
            port,
            timeout=timeout,
            local_address=local_address,
            socket_options=socket_options,
        )

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore2.NetworkStream:  # noqa: ANN401
        """Refused: the driver only speaks TCP."""
        del args, kwargs
        raise AddressRefusedError("unix sockets are not used by the driver")

    def sleep(self, seconds: float) -> None:
        """Delegate."""
        self._inner.sleep(seconds)


class AsyncGuardedBackend(httpcore2.AsyncNetworkBackend):
    """The async twin of `GuardedBackend`."""

    def __init__(self, inner: httpcore2.AsyncNetworkBackend, guard: AddressGuard) -> None:
        """Wrap `inner`."""
        self._inner = inner
        self._guard = guard

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore2's backend signature
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.AsyncNetworkStream:
        """Resolve `host`, check every address, connect to the first."""
        import anyio.to_thread  # noqa: PLC0415 - only the async path needs it

        if _is_ip(host):
            addresses = [host.strip("[]")]
        else:
            addresses = await anyio.to_thread.run_sync(_resolve, host, port)
        address = _pick(self._guard, host, addresses)
        return await self._inner.connect_tcp(
            address,
            port,
            timeout=timeout,
            local_address=local_address,
            socket_options=socket_options,
        )

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore2.AsyncNetworkStream:  # noqa: ANN401
        """Refused: the driver only speaks TCP."""
        del args, kwargs
        raise AddressRefusedError("unix sockets are not used by the driver")

    async def sleep(self, seconds: float) -> None:
        """Delegate."""
        await self._inner.sleep(seconds)
