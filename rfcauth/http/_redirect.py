"""Where the authorization request goes: a person's browser, or nobody (automation).

A redirect handler names the ``redirect_uri`` the client registers and, given the authorization
URL, returns the URL the authorization server redirected back to (the callback, carrying
``code``, ``state`` and maybe ``iss``).

- `LoopbackBrowser`: RFC 8252 §7.3 — listen on a loopback port, open the system browser, wait
  for the one callback request.
- `FollowRedirects`: no person. The driver GETs the authorization URL itself and follows the
  authorization server's redirects *on its own origin* until one points at the redirect URI.
  This completes the login against servers that approve at once (test servers, automation,
  pre-consented clients); a server that shows a login page fails with a reason.
"""

from __future__ import annotations

import http.server
import socket
import threading
import webbrowser
from typing import TYPE_CHECKING, Protocol, runtime_checkable
from urllib.parse import urlsplit

from rfcauth._errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["FollowRedirects", "LoopbackBrowser", "RedirectHandler"]


@runtime_checkable
class RedirectHandler(Protocol):
    """Sends the user agent to the authorization URL and returns the callback URL."""

    @property
    def redirect_uri(self) -> str:
        """The redirect URI to register and send (RFC 6749 §3.1.2)."""
        ...

    def authorize(self, url: str) -> str:
        """Blocking: the callback URL the authorization server redirected to."""
        ...

    async def aauthorize(self, url: str) -> str:
        """The same, for async flows."""
        ...


class FollowRedirects:
    """No person: the driver follows the authorization server's same-origin redirects.

    Args:
        redirect_uri: the redirect URI to register; nothing needs to listen there, the
            driver stops at the redirect that points to it.
        max_hops: redirects followed at most.
    """

    def __init__(
        self, redirect_uri: str = "http://127.0.0.1/callback", *, max_hops: int = 5
    ) -> None:
        """Check the redirect URI: absolute, no fragment (RFC 6749 §3.1.2)."""
        parts = urlsplit(redirect_uri)
        if not parts.scheme or not parts.netloc or parts.fragment:
            raise UsageError("redirect_uri must be an absolute URI without a fragment")
        self._redirect_uri = redirect_uri
        self.max_hops = max_hops

    def __repr__(self) -> str:
        """The redirect URI."""
        return f"FollowRedirects({self._redirect_uri!r})"

    @property
    def redirect_uri(self) -> str:
        """The redirect URI to register."""
        return self._redirect_uri

    def authorize(self, url: str) -> str:  # pragma: no cover - the driver follows itself
        """Not used: `OAuthFlow` follows the redirects in its own request machinery."""
        del url
        raise UsageError("FollowRedirects is performed by OAuthFlow itself")

    async def aauthorize(self, url: str) -> str:  # pragma: no cover - see authorize
        """Not used: `OAuthFlow` follows the redirects in its own request machinery."""
        del url
        raise UsageError("FollowRedirects is performed by OAuthFlow itself")


_PAGE = (
    b"<!doctype html><meta charset=utf-8><title>rfcauth</title>"
    b"<p>Authorization received. You can close this window.</p>"
)


class LoopbackBrowser:
    """RFC 8252 §7.3: a loopback redirect URI, the system browser, one callback.

    The port is bound when the object is made, so the redirect URI is known before
    registration; the listener answers exactly one request to `path` and stops.

    Args:
        port: the loopback port (0: any free port).
        path: the callback path.
        open_url: how to show the authorization URL (default: `webbrowser.open`).
        timeout: seconds to wait for the callback.
    """

    def __init__(
        self,
        *,
        port: int = 0,
        path: str = "/callback",
        open_url: Callable[[str], object] = webbrowser.open,
        timeout: float = 300.0,
    ) -> None:
        """Bind the loopback port."""
        self._socket = socket.create_server(("127.0.0.1", port))
        self._path = path
        self._open_url = open_url
        self.timeout = timeout
        bound = self._socket.getsockname()[1]
        self._redirect_uri = f"http://127.0.0.1:{bound}{path}"

    def __repr__(self) -> str:
        """The redirect URI."""
        return f"LoopbackBrowser({self._redirect_uri!r})"

    @property
    def redirect_uri(self) -> str:
        """``http://127.0.0.1:<port><path>`` (RFC 8252 §7.3 prefers the IP literal)."""
        return self._redirect_uri

    def close(self) -> None:
        """Release the port."""
        self._socket.close()

    def authorize(self, url: str) -> str:
        """Open `url` in the browser and wait for the callback request."""
        received: list[str] = []
        done = threading.Event()
        path = self._path
        base = self._redirect_uri.removesuffix(path)

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if urlsplit(self.path).path != path:
                    self.send_error(404)
                    return
                received.append(base + self.path)
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(_PAGE)))
                self.end_headers()
                self.wfile.write(_PAGE)
                done.set()

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
                del format, args  # the callback carries the code: never logged

        server = http.server.HTTPServer(
            self._socket.getsockname(), Handler, bind_and_activate=False
        )
        server.socket.close()
        server.socket = self._socket
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            self._open_url(url)
            if not done.wait(self.timeout):
                msg = f"no authorization callback within {self.timeout:.0f} s"
                raise TimeoutError(msg)
        finally:
            server.shutdown()
            thread.join()
        return received[0]

    async def aauthorize(self, url: str) -> str:
        """`authorize` on a worker thread."""
        import anyio.to_thread  # noqa: PLC0415 - async path only

        return await anyio.to_thread.run_sync(self.authorize, url)
