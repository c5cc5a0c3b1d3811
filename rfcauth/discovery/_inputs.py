"""What a driver tells `next_action`: the resource's answer and every discovery GET so far.

`next_action` never performs I/O. The driver sends the request an action names and reports the
raw outcome back as a `Fetched` value: status, body, or a network error. Classifying the outcome
(absent, unavailable, invalid, mismatched, usable) is the decision function's job, so every
driver — the HTTP one in rfcauth, `simulate`, or a client in another language replaying the
vectors — gets the same answers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

from rfcauth._errors import UsageError
from rfcauth.discovery._policy import ClientOptions, Policy

__all__ = ["DiscoveryContext", "Fetched", "ResourceResponse"]

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
        if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:  # noqa: PLR2004
            raise UsageError(f"status must be an HTTP status code, not {status!r}")
        object.__setattr__(self, "status", status)
        object.__setattr__(self, "www_authenticate", _field_lines(www_authenticate))


@dataclass(frozen=True, slots=True, kw_only=True)
class Fetched:
    """The outcome of one discovery GET, as the driver saw it.

    Attributes:
        url: the URL the action named.
        status: the HTTP status, or None when no response arrived.
        body: the response body: bytes, str, or an already-decoded JSON value.
        error: ``"timeout"``, ``"connect"``, ``"tls"`` or ``"too_large"`` when no usable
            response arrived.
    """

    url: str
    status: int | None = None
    body: object = None
    error: NetworkError | None = None

    def __post_init__(self) -> None:
        """A fetch has either a status or a network error."""
        if (self.status is None) == (self.error is None):
            raise UsageError("Fetched needs exactly one of status and error")


def _check_resource(resource: str) -> None:
    if not isinstance(resource, str):
        raise UsageError("resource must be a str URL")
    parts = urlsplit(resource)
    if parts.scheme.lower() not in ("https", "http") or not parts.hostname:
        raise UsageError(f"resource must be an absolute http(s) URL, not {resource!r}")
    if parts.fragment or resource.endswith("#"):
        raise UsageError("resource must not have a fragment (RFC 8707 §2)")


@dataclass(frozen=True, slots=True, kw_only=True)
class DiscoveryContext:
    """Everything `next_action` needs besides the server's answers.

    Attributes:
        resource: the URL the client requested (the MCP server URL).
        policy: how strict to be (`Policy()` is the compatible preset).
        client: the client's registration options and step-up state.
    """

    resource: str
    policy: Policy = field(default_factory=Policy)
    client: ClientOptions = field(default_factory=ClientOptions)

    def __post_init__(self) -> None:
        """Only caller misuse raises: the resource must be an absolute http(s) URL."""
        _check_resource(self.resource)
        if not isinstance(self.policy, Policy):
            raise UsageError("policy must be a rfcauth.Policy")
        if not isinstance(self.client, ClientOptions):
            raise UsageError("client must be a rfcauth.ClientOptions")


def latest_by_url(fetches: Sequence[Fetched] | Mapping[str, Fetched]) -> dict[str, Fetched]:
    """Index fetches by URL; a later fetch of the same URL replaces an earlier one."""
    items = fetches.values() if isinstance(fetches, Mapping) else fetches
    index: dict[str, Fetched] = {}
    for item in items:
        if not isinstance(item, Fetched):
            raise UsageError("prm and asm must hold rfcauth.Fetched values")
        index[item.url] = item
    return index
