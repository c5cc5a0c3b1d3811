"""The HTTP driver: rfcauth's discovery and the whole OAuth login as an ``httpx2.Auth``.

::

    _flow.py        OAuthFlow: the httpx2.Auth (sync and async) a client plugs in
    _login.py       Login: the sans-I/O login (discovery, registration, authorization, token)
    _speculate.py   speculate: which discovery GETs may be needed next (fetched concurrently)
    _fetch.py       Fetcher, Limits: the driver's own requests (no redirects, caps, timeouts)
    _guard.py       the safety rules: http only on loopback, connect-time address check
    _cache.py       MetadataCache: RFC 9111 freshness and revalidation, per resource
    _storage.py     Storage, MemoryStorage, FileStorage (0600): tokens and registrations
    _redirect.py    RedirectHandler, LoopbackBrowser, FollowRedirects
    _values.py      Call, Reply, Tokens, ClientRegistration, Step
    _errors.py      LoginError
    _testserver.py  loopback OAuth worlds for tests, benchmarks and demos

Needs the ``http`` extra (``pip install 'rfcauth[http]'``).
"""

from __future__ import annotations

from rfcauth.http._cache import MetadataCache
from rfcauth.http._errors import LoginError
from rfcauth.http._fetch import Limits
from rfcauth.http._flow import OAuthFlow
from rfcauth.http._redirect import FollowRedirects, LoopbackBrowser, RedirectHandler
from rfcauth.http._speculate import speculate
from rfcauth.http._storage import FileStorage, MemoryStorage, Storage
from rfcauth.http._values import Call, ClientRegistration, Reply, Step, Tokens

__all__ = [
    "Call",
    "ClientRegistration",
    "FileStorage",
    "FollowRedirects",
    "Limits",
    "LoginError",
    "LoopbackBrowser",
    "MemoryStorage",
    "MetadataCache",
    "OAuthFlow",
    "RedirectHandler",
    "Reply",
    "Step",
    "Storage",
    "Tokens",
    "speculate",
]
