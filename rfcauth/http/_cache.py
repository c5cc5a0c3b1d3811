"""A small private HTTP cache for discovery documents (RFC 9111), keyed by resource and URL.

Why not a general HTTP cache (hishel)? The discovery cache has two rules a URL-keyed shared
cache does not know: an entry belongs to the *resource* that asked for it (a PRM or AS document
fetched while connecting to one resource is never reused for another), and an entry must not
outlive a failed identity check (a ``resource_mismatch`` / ``issuer_mismatch`` / invalid
document drops every entry of that resource). What it keeps of RFC 9111 is the subset a
private client cache needs:

- only explicit freshness: ``Cache-Control: max-age`` (§5.2.2.1) minus ``Age`` (§5.1), else
  ``Expires`` minus ``Date`` (§4.2.1); no heuristic freshness, so an answer without either is
  stored only when it carries a validator and is always revalidated;
- ``no-store`` (§5.2.2.5) is never stored; ``no-cache`` (§5.2.2.4) is stored but revalidated;
- validators: ``ETag`` → ``If-None-Match``, ``Last-Modified`` → ``If-Modified-Since``
  (RFC 9110 §13.1); a 304 refreshes the stored entry's freshness (RFC 9111 §4.3.4);
- 200 and 404 answers are stored (404 only with explicit freshness), nothing else.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = ["MetadataCache"]

_CACHEABLE = (200, 404)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Entry:
    status: int
    body: bytes = field(repr=False)
    headers: Mapping[str, str]
    stored_at: float
    lifetime: float | None  # None: no explicit freshness
    etag: str | None
    last_modified: str | None
    no_cache: bool

    def fresh(self, now: float) -> bool:
        return (
            not self.no_cache and self.lifetime is not None and now < self.stored_at + self.lifetime
        )

    def validators(self) -> tuple[tuple[str, str], ...]:
        out: list[tuple[str, str]] = []
        if self.etag is not None:
            out.append(("If-None-Match", self.etag))
        if self.last_modified is not None:
            out.append(("If-Modified-Since", self.last_modified))
        return tuple(out)


def _directives(value: str) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for raw in value.split(","):
        name, _, argument = raw.strip().partition("=")
        if name:
            out[name.strip().lower()] = argument.strip().strip('"') if argument else None
    return out


def _seconds(value: str | None) -> float | None:
    if value is None or not value.isdigit():
        return None
    return float(value)


def _date(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _lifetime(headers: Mapping[str, str]) -> float | None:
    """RFC 9111 §4.2.1 freshness lifetime minus §4.2.3 current age; None when not explicit."""
    directives = _directives(headers.get("cache-control", ""))
    age = _seconds(headers.get("age")) or 0.0
    max_age = _seconds(directives.get("max-age"))
    if max_age is not None:
        return max_age - age
    expires, date = _date(headers.get("expires")), _date(headers.get("date"))
    if "expires" in headers:
        # §5.3: an invalid Expires (e.g. "0") means already expired.
        if expires is None or date is None:
            return 0.0
        return expires - date - age
    return None


class MetadataCache:
    """Discovery documents by (resource, URL), with RFC 9111 freshness and revalidation.

    Thread-safe; one cache may serve many `OAuthFlow` objects (that is how a second
    connection to the same server makes no discovery request while the documents are fresh).

    Args:
        clock: the time source (seconds since the epoch); tests pass a fake.
        max_entries: entries kept at most; the oldest go first.
    """

    def __init__(self, *, clock: Callable[[], float] = time.time, max_entries: int = 256) -> None:
        """An empty cache."""
        self._clock = clock
        self._max_entries = max_entries
        self._entries: dict[tuple[str, str], _Entry] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """How many entries are stored."""
        return len(self._entries)

    def lookup(self, resource: str, url: str) -> tuple[_Entry | None, bool]:
        """The stored entry for (resource, url) and whether it is fresh now."""
        with self._lock:
            entry = self._entries.get((resource, url))
        if entry is None:
            return None, False
        return entry, entry.fresh(self._clock())

    def conditional_headers(self, resource: str, url: str) -> tuple[tuple[str, str], ...]:
        """The validator headers to revalidate a stale entry (empty when there is none)."""
        entry, _ = self.lookup(resource, url)
        return entry.validators() if entry is not None else ()

    def store(
        self, resource: str, url: str, status: int, headers: Mapping[str, str], body: bytes
    ) -> tuple[int, Mapping[str, str], bytes] | None:
        """Record an answer; for a 304, return the stored (status, headers, body) it validates.

        Returns:
            For a 304 that matches an entry, the refreshed stored answer; otherwise None.
        """
        now = self._clock()
        key = (resource, url)
        directives = _directives(headers.get("cache-control", ""))
        if status == 304:  # noqa: PLR2004 - RFC 9110 §15.4.5 Not Modified
            with self._lock:
                entry = self._entries.get(key)
                if entry is None:
                    return None
                merged = {**entry.headers, **headers}
                entry = replace(
                    entry,
                    headers=merged,
                    stored_at=now,
                    lifetime=_lifetime(merged),
                    no_cache="no-cache" in _directives(merged.get("cache-control", "")),
                )
                self._entries[key] = entry
            return entry.status, entry.headers, entry.body
        if status not in _CACHEABLE or "no-store" in directives:
            self.forget(resource, url)
            return None
        lifetime = _lifetime(headers)
        etag, last_modified = headers.get("etag"), headers.get("last-modified")
        has_validator = etag is not None or last_modified is not None
        if lifetime is None and not (status == 200 and has_validator):  # noqa: PLR2004
            self.forget(resource, url)
            return None
        entry = _Entry(
            status=status,
            body=body,
            headers=dict(headers),
            stored_at=now,
            lifetime=lifetime,
            etag=etag,
            last_modified=last_modified,
            no_cache="no-cache" in directives,
        )
        with self._lock:
            self._entries[key] = entry
            while len(self._entries) > self._max_entries:
                del self._entries[next(iter(self._entries))]
        return None

    def forget(self, resource: str, url: str | None = None) -> None:
        """Drop one entry, or with `url` None every entry of `resource`."""
        with self._lock:
            if url is not None:
                self._entries.pop((resource, url), None)
                return
            for key in [k for k in self._entries if k[0] == resource]:
                del self._entries[key]

    def clear(self) -> None:
        """Drop everything."""
        with self._lock:
            self._entries.clear()
