"""What a driver tells `next_action`: the resource's answer and every discovery GET so far.

`next_action` never performs I/O. The driver sends the request an action names and reports the
raw outcome back as a `Fetched` value: status, body, or a network error. Classifying the outcome
(absent, unavailable, invalid, mismatched, usable) is the decision function's job, so every
driver — the HTTP one in rfcauth, `simulate`, or a client in another language replaying the
vectors — gets the same answers.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import Literal, cast

from rfcauth._errors import UsageError
from rfcauth.discovery._memo import remember
from rfcauth.discovery._policy import ClientOptions, Policy
from rfcauth.grammar._uri import absolute_url_problem, split_uri

__all__ = [
    "DiscoveryContext",
    "Fetched",
    "ResourceResponse",
    "canonical_resource_url",
    "latest_by_url",
]

NetworkError = Literal["timeout", "connect", "tls", "too_large"]


def _field_lines(value: str | bytes | Sequence[str | bytes] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, bytes):
        return (value.decode("iso-8859-1"),)
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Sequence):
        lines: list[str] = []
        for line in value:
            if isinstance(line, bytes):
                lines.append(line.decode("iso-8859-1"))
            elif isinstance(line, str):
                lines.append(line)
            else:
                raise UsageError("WWW-Authenticate field lines must be str or bytes")
        return tuple(lines)
    raise UsageError("www_authenticate must be str, bytes, a sequence of them, or None")


@dataclass(frozen=True, slots=True, kw_only=True, init=False)
class ResourceResponse:
    """The protected resource's answer to the client's request.

    Attributes:
        status: the HTTP status code (401 and 403 start discovery).
        www_authenticate: the raw ``WWW-Authenticate`` field lines, in order (RFC 9110 §5.3:
            they are combined with ``", "``); empty when the header was absent.
    """

    status: int
    www_authenticate: tuple[str, ...]

    def __init__(
        self, *, status: int, www_authenticate: str | bytes | Sequence[str | bytes] | None = None
    ) -> None:
        """Record the status and the header lines (str, bytes or a sequence of either)."""
        if not _is_status(status):
            raise UsageError(f"status must be an HTTP status code, not {status!r}")
        object.__setattr__(self, "status", status)
        object.__setattr__(self, "www_authenticate", _field_lines(www_authenticate))


_NETWORK_ERRORS = frozenset({"timeout", "connect", "tls", "too_large"})
# The body shapes a driver may report: the raw bytes or text, or a value json.loads produced.
_BODY_TYPES = (bytes, bytearray, memoryview, str, Mapping, list, tuple, int, float, type(None))


def _is_status(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 100 <= value <= 599  # noqa: PLR2004


@dataclass(frozen=True, slots=True, kw_only=True, weakref_slot=True)
class Fetched:
    """The outcome of one discovery GET, as the driver saw it.

    Attributes:
        url: the URL the action named.
        status: the HTTP status, or None when no response arrived.
        body: the response body: bytes, str, or an already-decoded JSON value.
        error: ``"timeout"``, ``"connect"``, ``"tls"`` or ``"too_large"`` when no usable
            response arrived.
        retry_after: the raw ``Retry-After`` field value (RFC 9110 §10.2.3), if the answer
            carried one; passed through on `discovery_unavailable` for 408, 429 and 5xx.
    """

    url: str
    status: int | None = None
    body: object = None
    error: NetworkError | None = None
    retry_after: str | None = None

    def __post_init__(self) -> None:
        """A fetch has either a status or a network error; every field has its type."""
        if not isinstance(self.url, str):
            raise UsageError("Fetched.url must be a str")
        if (self.status is None) == (self.error is None):
            raise UsageError("Fetched needs exactly one of status and error")
        if self.status is not None and not _is_status(self.status):
            raise UsageError(f"Fetched.status must be an HTTP status code, not {self.status!r}")
        if self.error is not None and self.error not in _NETWORK_ERRORS:
            raise UsageError(f"Fetched.error must be one of {sorted(_NETWORK_ERRORS)}")
        if self.retry_after is not None and not isinstance(self.retry_after, str):
            raise UsageError("Fetched.retry_after must be the raw header value (str) or None")
        if not isinstance(self.body, _BODY_TYPES):
            raise UsageError(
                "Fetched.body must be bytes, str or a decoded JSON value, not "
                + type(self.body).__name__
            )


_DEFAULT_PORTS = {"http": "80", "https": "443"}


def canonical_resource_url(resource: object) -> str:
    """The configured resource URL in canonical form (MCP 2025-11-25 Canonical Server URI).

    Lower-case scheme and host, the default port dropped, the fragment removed (HTTP never
    sends it; RFC 8707 §2 forbids it in ``resource``); path and query stay exactly as given.

    Raises:
        UsageError: `resource` is not a str, or not an absolute http(s) URL that can be put
            in canonical form; the message says why.

    >>> canonical_resource_url("HTTPS://MCP.Example.com:443/MCP#top")
    'https://mcp.example.com/MCP'
    """
    if not isinstance(resource, str):
        raise UsageError("resource must be a str URL")
    problem = absolute_url_problem(resource)
    if problem is not None:
        raise UsageError(f"resource {resource!r} cannot be canonicalised: it {problem}")
    parts = split_uri(resource)
    scheme = (parts.scheme or "").lower()
    hostport = parts.authority or ""
    if hostport.startswith("["):
        host, _, rest = hostport.partition("]")
        host, port = host + "]", rest.removeprefix(":")
    else:
        host, _, port = hostport.partition(":")
    port = port.lstrip("0") or ("0" if port else "")
    if len(port) > 5 or (port and int(port) > 65535):  # noqa: PLR2004 - RFC 793 port range
        raise UsageError(f"resource {resource!r} cannot be canonicalised: port {port} > 65535")
    if port == _DEFAULT_PORTS[scheme]:
        port = ""
    netloc = host.lower() + (f":{port}" if port else "")
    query = "" if parts.query is None else "?" + parts.query
    return f"{scheme}://{netloc}{parts.path}{query}"


@dataclass(frozen=True, slots=True, kw_only=True)
class DiscoveryContext:
    """Everything `next_action` needs besides the server's answers.

    Attributes:
        resource: the URL the client requested (the MCP server URL), in canonical form: scheme
            and host lower-cased, the default port dropped, the fragment removed (every action
            then carries a ``resource_canonicalised`` note).
        resource_as_given: the URL exactly as passed in.
        policy: how strict to be (`Policy()` is the compatible preset).
        client: the client's registration options and step-up state.
    """

    resource: str
    policy: Policy = field(default_factory=Policy)
    client: ClientOptions = field(default_factory=ClientOptions)
    resource_as_given: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Canonicalise the resource URL; only caller misuse raises (`UsageError`)."""
        canonical = canonical_resource_url(self.resource)
        object.__setattr__(self, "resource_as_given", self.resource)
        object.__setattr__(self, "resource", canonical)
        if not isinstance(self.policy, Policy):
            raise UsageError("policy must be a rfcauth.Policy")
        if not isinstance(self.client, ClientOptions):
            raise UsageError("client must be a rfcauth.ClientOptions")


def latest_by_url(fetches: Sequence[Fetched] | Mapping[str, Fetched]) -> dict[str, Fetched]:
    """Index fetches by URL; a later fetch of the same URL replaces an earlier one.

    A driver passes its whole history on every call of `next_action`, usually the same list
    with one answer appended. The index of the last sequence seen is kept, and reused when
    the new sequence starts with exactly the same answers (compared by identity, in C), so
    indexing a whole discovery stays linear in practice.
    """
    given: object = fetches  # the annotation is a promise; check it
    if isinstance(given, Mapping):
        snapshot = tuple(given.values())
    elif isinstance(given, Sequence) and not isinstance(given, (str, bytes)):
        snapshot = tuple(given)
    else:
        raise UsageError("prm and asm must be a sequence of rfcauth.Fetched (or a mapping)")
    key = id(given)
    last = _INDEXES.get(key)
    start, index = 0, {}
    if last is not None and last[0] is given and snapshot[: len(last[1])] == last[1]:
        start, index = len(last[1]), dict(last[2])
    added = snapshot[start:]
    if not all(map(isinstance, added, repeat(Fetched))):
        raise UsageError("prm and asm must hold rfcauth.Fetched values")
    new = cast("tuple[Fetched, ...]", added)
    index.update(zip(map(_URL, new), new, strict=True))
    remember(
        _INDEXES, key, (given, cast("tuple[Fetched, ...]", snapshot), index), size=_INDEXES_SIZE
    )
    return dict(index)


_URL = operator.attrgetter("url")
_INDEXES: dict[int, tuple[object, tuple[Fetched, ...], dict[str, Fetched]]] = {}
_INDEXES_SIZE = 8  # histories of concurrent discoveries; each entry holds its answers
