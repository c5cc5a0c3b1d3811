"""Safety rules for every request the driver makes on its own (discovery, registration, token).

- http only for loopback hosts, unless the caller opts in (OAuth 2.1 §1.5: TLS everywhere else);
- no user information in a URL (RFC 9110 §4.2.4: it is deprecated and leaks credentials);
- a host *learned from a server* (a hint, an authorization server, an endpoint) must resolve to
  public addresses only: private, loopback, link-local, shared, multicast, reserved and
  unspecified addresses are refused unless the resource itself is on such an address or the
  caller opts in. The check runs at *connect time* on the very addresses the socket connects
  to, so a DNS answer that changes between check and use (rebinding) cannot slip through.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpcore2

from rfcauth.metadata._url_identity import is_loopback_host

if TYPE_CHECKING:
    from collections.abc import Iterable


__all__ = ["AddressGuard", "AddressRefusedError", "url_refusal"]

R_SSRF = "RFC 9728 §7.7; RFC 8414 §6.2 (server-supplied URLs: SSRF)"
R_TLS = "OAuth 2.1 §1.5; RFC 8414 §2"


class AddressRefusedError(Exception):
    """Internal: the connect-time address check refused a host (never leaves the driver)."""


def ip_refusal(address: str) -> str | None:
    """Why a learned URL must not connect to `address`, or None when it is a public address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return f"{address!r} is not an IP address"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for test, what in (
        (ip.is_loopback, "loopback"),
        (ip.is_link_local, "link-local"),
        (ip.is_multicast, "multicast"),
        (ip.is_unspecified, "unspecified"),
        (ip.is_reserved, "reserved"),
        (ip.is_private, "private"),
        (not ip.is_global, "non-global"),
    ):
        if test:
            return f"{ip} is a {what} address"
    return None


def url_refusal(url: str, *, allow_http: bool) -> str | None:
    """Why the driver must not request `url` at all, or None."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return f"{url!r} is not an absolute http(s) URL"
    if parts.username is not None or parts.password is not None:
        return "a URL with user information is refused (RFC 9110 §4.2.4)"
    if scheme == "http" and not allow_http and not is_loopback_host(parts.hostname):
        return f"http is used only for loopback hosts, not {parts.hostname!r} ({R_TLS})"
    return None


@dataclass(slots=True, kw_only=True)
class AddressGuard:
    """Decides, per host and at connect time, whether its addresses may be used.

    Attributes:
        resource: the URL the user chose; its own host is always allowed.
        allow_private: allow every address (the caller opted in).
    """

    resource: str
    allow_private: bool = False
    _resource_is_private: bool | None = field(default=None, init=False)

    @property
    def resource_host(self) -> str:
        """The resource's host, lower-cased."""
        return (urlsplit(self.resource).hostname or "").lower()

    def _private_resource(self, addresses: Iterable[str]) -> bool:
        return any(ip_refusal(a) is not None for a in addresses)

    def check(self, host: str, addresses: Iterable[str]) -> None:
        """Raise `AddressRefusedError` when a learned `host` resolves to a non-public address."""
        addresses = list(addresses)
        if self.allow_private or host.lower() == self.resource_host:
            return
        if self._resource_is_private is None:
            resource_host = self.resource_host
            try:
                resolved = [resource_host] if _is_ip(resource_host) else _resolve(resource_host)
            except OSError:
                resolved = []
            self._resource_is_private = is_loopback_host(resource_host) or self._private_resource(
                resolved
            )
        if self._resource_is_private:
            return
        for address in addresses:
            refusal = ip_refusal(address)
            if refusal is not None:
                msg = (
                    f"{host} resolves to {refusal}; a server-supplied URL may not reach it "
                    f"unless the resource itself is on such an address ({R_SSRF})"
                )
                raise AddressRefusedError(msg)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


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
        import anyio  # noqa: PLC0415 - only the async path needs it

        if _is_ip(host):
            addresses = [host.strip("[]")]
        else:
            infos: list[Any] = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
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
