"""The thin ``httpx`` adapter: the same `OAuthFlow` generators under an ``httpx.Auth``.

The MCP Python SDK 1.x is built on ``httpx``: its (deprecated in 2.x) ``streamablehttp_client(url,
auth=...)`` takes an ``httpx.Auth``, and ``httpx`` refuses an ``httpx2.Auth``. The request and
response objects of the two libraries offer the same methods the flow uses (``read``,
``headers.get_list``, ``status_code``, ``url``), so the adapter only changes the base class.
Needs ``httpx`` installed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import httpx

from rfcauth.http._flow import OAuthFlow

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, Generator

__all__ = ["HttpxOAuthFlow"]


class HttpxOAuthFlow(httpx.Auth):
    """`OAuthFlow` for ``httpx`` clients; takes the same arguments.

    Attributes:
        flow: the wrapped `OAuthFlow` (its storage, cache and last login).
    """

    requires_request_body = True

    def __init__(self, resource_url: str, **options: Any) -> None:  # noqa: ANN401 - OAuthFlow's
        """Make the wrapped `OAuthFlow`."""
        self.flow = OAuthFlow(resource_url, **options)

    def __repr__(self) -> str:
        """The resource only."""
        return f"HttpxOAuthFlow({self.flow.resource_url!r})"

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        """`OAuthFlow.sync_auth_flow` on ``httpx`` objects."""
        return cast("Generator[httpx.Request, httpx.Response]", self.flow.sync_auth_flow(request))  # type: ignore[arg-type]

    def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """`OAuthFlow.async_auth_flow` on ``httpx`` objects."""
        flow = self.flow.async_auth_flow(request)  # type: ignore[arg-type]
        return cast("AsyncGenerator[httpx.Request, httpx.Response]", flow)
