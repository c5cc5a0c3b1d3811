"""LoopbackBrowser end to end: a stand-in browser follows the authorization server's redirect."""

from __future__ import annotations

import threading

import httpx2
import pytest

from rfcauth._errors import UsageError
from rfcauth.http import FollowRedirects, LoopbackBrowser, OAuthFlow
from rfcauth.http._testserver import World


def _browser(url: str) -> None:
    """What a person's browser does when the server approves at once: follow every redirect."""

    def visit() -> None:
        with httpx2.Client(follow_redirects=True, trust_env=False) as browser:
            browser.get(url)

    threading.Thread(target=visit, daemon=True).start()


def test_loopback_browser_receives_the_callback_and_the_login_completes() -> None:
    handler = LoopbackBrowser(open_url=_browser, timeout=20)
    try:
        assert handler.redirect_uri.startswith("http://127.0.0.1:")
        with World.modern() as world:
            flow = OAuthFlow(world.resource_url, redirect_handler=handler)
            with httpx2.Client(auth=flow) as client:
                assert client.get(world.resource_url).json()["ok"] is True
            (registered,) = world.clients.values()
            assert registered["redirect_uris"] == [handler.redirect_uri]
    finally:
        handler.close()


def test_loopback_browser_times_out_without_a_callback() -> None:
    handler = LoopbackBrowser(open_url=lambda _url: None, timeout=0.2)
    try:
        with pytest.raises(TimeoutError):
            handler.authorize("https://auth.example/authorize")
    finally:
        handler.close()


def test_follow_redirects_wants_an_absolute_redirect_uri() -> None:
    with pytest.raises(UsageError):
        FollowRedirects("/callback")
