"""MetadataCache: the RFC 9111 subset a private discovery cache needs, per resource."""

from __future__ import annotations

from email.utils import formatdate

from hypothesis import given
from hypothesis import strategies as st

from rfcauth.http import MetadataCache

R1, R2 = "https://a.example/mcp", "https://b.example/mcp"
URL = "https://auth.example/.well-known/oauth-authorization-server"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_max_age_minus_age_is_the_freshness() -> None:
    clock = Clock()
    cache = MetadataCache(clock=clock)
    cache.store(R1, URL, 200, {"cache-control": "max-age=100", "age": "40"}, b"{}")
    clock.now += 59
    assert cache.lookup(R1, URL)[1] is True
    clock.now += 2
    assert cache.lookup(R1, URL)[1] is False


def test_expires_minus_date_when_no_max_age() -> None:
    clock = Clock()
    cache = MetadataCache(clock=clock)
    date = formatdate(clock.now, usegmt=True)
    expires = formatdate(clock.now + 30, usegmt=True)
    cache.store(R1, URL, 200, {"date": date, "expires": expires}, b"{}")
    assert cache.lookup(R1, URL)[1] is True
    clock.now += 31
    assert cache.lookup(R1, URL)[1] is False


def test_invalid_expires_means_already_stale() -> None:
    cache = MetadataCache(clock=Clock())
    cache.store(R1, URL, 200, {"expires": "0", "etag": '"v1"'}, b"{}")
    entry, fresh = cache.lookup(R1, URL)
    assert entry is not None
    assert fresh is False


def test_no_store_is_never_stored_and_drops_an_older_entry() -> None:
    cache = MetadataCache(clock=Clock())
    cache.store(R1, URL, 200, {"cache-control": "max-age=60"}, b"{}")
    cache.store(R1, URL, 200, {"cache-control": "no-store, max-age=60"}, b"{}")
    assert cache.lookup(R1, URL) == (None, False)


def test_no_cache_is_stored_but_always_revalidated() -> None:
    cache = MetadataCache(clock=Clock())
    cache.store(R1, URL, 200, {"cache-control": "no-cache, max-age=60", "etag": '"v1"'}, b"{}")
    entry, fresh = cache.lookup(R1, URL)
    assert entry is not None
    assert fresh is False
    assert cache.conditional_headers(R1, URL) == (("If-None-Match", '"v1"'),)


def test_no_explicit_freshness_without_validator_is_not_stored() -> None:
    cache = MetadataCache(clock=Clock())
    cache.store(R1, URL, 200, {}, b"{}")
    assert len(cache) == 0


def test_not_modified_refreshes_the_stored_answer() -> None:
    clock = Clock()
    cache = MetadataCache(clock=clock)
    headers = {"cache-control": "max-age=10", "etag": '"v1"', "last-modified": "x"}
    cache.store(R1, URL, 200, headers, b'{"a": 1}')
    clock.now += 20
    assert cache.conditional_headers(R1, URL) == (
        ("If-None-Match", '"v1"'),
        ("If-Modified-Since", "x"),
    )
    stored = cache.store(R1, URL, 304, {"cache-control": "max-age=10"}, b"")
    assert stored is not None
    assert stored[0] == 200
    assert stored[2] == b'{"a": 1}'
    assert cache.lookup(R1, URL)[1] is True


def test_404_only_with_explicit_freshness_and_never_other_statuses() -> None:
    cache = MetadataCache(clock=Clock())
    cache.store(R1, URL, 404, {"etag": '"x"'}, b"")
    assert len(cache) == 0
    cache.store(R1, URL, 404, {"cache-control": "max-age=60"}, b"")
    assert cache.lookup(R1, URL)[1] is True
    cache.store(R1, URL, 500, {"cache-control": "max-age=60"}, b"")
    assert cache.lookup(R1, URL) == (None, False)


@given(st.sampled_from([R1, R2]), st.integers(min_value=1, max_value=10_000))
def test_entries_never_cross_resources(resource: str, max_age: int) -> None:
    cache = MetadataCache(clock=Clock())
    cache.store(resource, URL, 200, {"cache-control": f"max-age={max_age}"}, b"{}")
    other = R2 if resource == R1 else R1
    assert cache.lookup(other, URL) == (None, False)
    assert cache.lookup(resource, URL)[1] is True
    cache.forget(resource)
    assert len(cache) == 0


def test_oldest_entries_go_first() -> None:
    cache = MetadataCache(clock=Clock(), max_entries=2)
    for number in range(3):
        cache.store(R1, f"{URL}/{number}", 200, {"cache-control": "max-age=60"}, b"{}")
    assert len(cache) == 2
    assert cache.lookup(R1, f"{URL}/0") == (None, False)
