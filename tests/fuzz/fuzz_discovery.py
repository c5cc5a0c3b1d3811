"""Fuzz `next_action` (MCP 2025-11-25 authorization, RFC 9728, RFC 8414) over structured worlds.

A world is built with `atheris.FuzzedDataProvider`: a base (one of the shipped discovery
vectors, or an empty world), a few edits (another resource URL, another 401/403 and
``WWW-Authenticate`` header, another policy, another canned answer), and then, for every
request discovery makes, the answer: the world's canned one, or one the fuzzer makes up (4xx,
5xx, 429, 408, a network error, a generated PRM or AS metadata document with hostile URLs and
long lists, a malformed or oddly typed body). The harness drives `next_action` as `simulate`
does, until a terminal action. With no input left every choice is 0, so the one-byte input
``bytes([k])`` replays vector ``k`` unchanged; those are the seeds.

Invariants (each a finding when broken):
- `next_action` raises nothing at all: malformed server data is an input, not an error, and the
  caller's arguments here are always well-typed;
- discovery ends within `STEP_BOUND` steps and never requests the same URL twice; it makes at
  most `Policy.max_discovery_requests` requests and tries at most
  `Policy.max_authorization_servers` authorization servers;
- `Authorize` is always PKCE S256;
- `Authorize.issuer` is listed in the PRM document it came from, or is the resource's origin on
  the legacy path; every non-legacy `FetchServerMetadata.issuer` is listed in a PRM served;
- no downgrade: after a transient answer (5xx, 429, 408, network error) on a PRM request there
  is no legacy request and no legacy `Authorize`;
- no request to, and no endpoint on, a special-purpose host (loopback, private, link-local,
  unspecified, other IANA special-purpose addresses in any spelling an HTTP stack accepts, and
  internal names) unless the resource itself is on one. `special_host` is this harness's own
  oracle, written from the stdlib `ipaddress` and the WHATWG URL host rules, on purpose not
  rfcauth's check (``Policy(allow_private_network=True)`` lifts it, as documented).

Run: ``python tests/fuzz/fuzz_discovery.py [libFuzzer flags] [corpus dirs]``.
"""

from __future__ import annotations

import ipaddress
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from fuzzkit import InvariantError, fuzz

from rfcauth import (
    Authorize,
    ClientOptions,
    DiscoveryContext,
    Fetched,
    FetchResourceMetadata,
    FetchServerMetadata,
    Policy,
    ResourceResponse,
    UsageError,
    next_action,
)
from rfcauth.challenge._examples import EXAMPLES
from rfcauth.discovery._scenarios import load_scenarios

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rfcauth import Action

STEP_BOUND = 256
VECTORS = load_scenarios()
TRANSIENT_STATUSES = frozenset({408, 429})

# -- the independent SSRF oracle --------------------------------------------------------------

#: Names that resolve to the machine itself or to a cloud provider's internal services:
#: RFC 6761 §6.3 (localhost), the GCE metadata server, ICANN's private-use TLD (.internal),
#: mDNS (.local, RFC 6762) and home networks (.home.arpa, RFC 8375).
INTERNAL_NAMES = frozenset({"localhost", "metadata.google.internal"})
INTERNAL_SUFFIXES = (".localhost", ".internal", ".local", ".home.arpa")
_DEC = "0123456789"
_HEX = "0123456789abcdef"


def _ipv4_number(part: str) -> int | None:
    """A WHATWG URL IPv4 number (decimal, 0x hex, 0-prefixed octal), or None."""
    base, digits = 10, part
    if part[:2] in ("0x", "0X"):
        base, digits = 16, part[2:]
    elif len(part) > 1 and part[0] == "0":
        base, digits = 8, part[1:]
    if digits == "":
        return 0 if base == 16 else None
    allowed = _HEX if base == 16 else _DEC[:base]
    if not all(c in allowed for c in digits.lower()):
        return None
    return int(digits, base)


def whatwg_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address a WHATWG URL parser (and inet_aton) reads in `host`, if any."""
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    if not 1 <= len(parts) <= 4:
        return None
    numbers = [_ipv4_number(p) for p in parts]
    if any(n is None for n in numbers):
        return None
    values = [n for n in numbers if n is not None]
    if any(n > 255 for n in values[:-1]) or values[-1] >= 256 ** (5 - len(values)):
        return None
    address = values[-1]
    for index, number in enumerate(values[:-1]):
        address += number * 256 ** (3 - index)
    return ipaddress.IPv4Address(address)


def _special_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is not None and _special_address(embedded):
            return True
    return (
        not address.is_global
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or address.is_loopback
        or address.is_link_local
        or address.is_private
    )


def _special_name_or_literal(host: str) -> bool:
    host = unquote(host).lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    host = host.split("%", 1)[0]  # an IPv6 zone id (RFC 6874)
    if ":" in host:
        try:
            return _special_address(ipaddress.IPv6Address(host))
        except ValueError:
            return False
    name = host.rstrip(".")
    if name in INTERNAL_NAMES or (name and name.endswith(INTERNAL_SUFFIXES)):
        return True
    address = whatwg_ipv4(host)
    return address is not None and _special_address(address)


def _whatwg_host(url: str) -> str:
    """The host a WHATWG parser sees: ``\\`` ends the authority, the last ``@`` ends userinfo."""
    rest = url.split("://", 1)[1] if "://" in url else url
    for end in "/\\?#":
        rest = rest.split(end, 1)[0]
    host = rest.rsplit("@", 1)[-1]
    if host.startswith("["):
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def special_host(url: str) -> bool:
    """Whether `url` points at a special-purpose host for Python's or a WHATWG URL parser."""
    try:
        python_host = urlsplit(url).hostname or ""
    except ValueError:
        python_host = ""
    return _special_name_or_literal(python_host) or _special_name_or_literal(_whatwg_host(url))


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or {"https": 443, "http": 80}.get(scheme)
    return scheme, (parts.hostname or "").lower(), port


# -- building a world ------------------------------------------------------------------------

PUBLIC_HOSTS = (
    "mcp.example.com",
    "auth.example.com",
    "as.example.net",
    "MCP.Example.COM",
    "xn--bcher-kva.example",
)
HOSTILE_HOSTS = (
    "127.0.0.1",
    "localhost",
    "LOCALHOST",
    "localhost.",
    "api.localhost",
    "10.0.0.5",
    "172.16.1.1",
    "192.168.0.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",  # noqa: S104 - a hostile value, not a bind address
    "192.0.2.1",
    "198.18.0.1",
    "224.0.0.1",
    "255.255.255.255",
    "[::1]",
    "[::]",
    "[fe80::1]",
    "[fe80::1%25eth0]",
    "[fd00::1]",
    "[::ffff:127.0.0.1]",
    "[::ffff:169.254.169.254]",
    "[::ffff:a9fe:a9fe]",
    "[2001:db8::1]",
    "[64:ff9b::7f00:1]",
    "metadata.google.internal",
    "metadata.google.internal.",
    "2130706433",
    "0x7f000001",
    "0x7f.1",
    "127.1",
    "0177.0.0.1",
    "127.0.0.1.",
    "%31%32%37.0.0.1",
    "169.254.169.254.nip.io",
)
SCHEMES = ("https", "https", "http", "HTTPS", "ftp")
PORTS = ("", "", ":443", ":8443", ":80", ":0", ":99999", ":")
USERINFO = ("", "", "user:pass@", "good.example\\@", "@")
PATHS = (
    "",
    "/",
    "/mcp",
    "/mcp/",
    "/prm",
    "/.well-known/oauth-protected-resource",
    "/tenant/a",
    "/a/../b",
    "/%2e%2e/x",
    "/mcp?x=1",
    "/mcp#frag",
    "/pa th",
    '/"q"',
    "/\u00e9",
    "\\evil",
)
HEADER_SCHEMES = ("Bearer", "Bearer", "DPoP", "bearer", "Basic", "Negotiate")
ERRORS = ("", "invalid_token", "insufficient_scope", "invalid_request", "x")
STATUSES = (401, 401, 403, 200, 302, 404, 500, 503, 429, 400)
NETWORK_ERRORS = ("timeout", "connect", "tls", "too_large")
POLICIES = (
    Policy(),
    Policy.strict(),
    Policy(resource_match="identical"),
    Policy(legacy_fallback=False),
    Policy(header_tolerances=False, metadata_tolerances=False),
    Policy(assume_pkce_without_advertisement=True, allow_loopback_http=False),
    Policy(max_authorization_servers=1, max_discovery_requests=5),
    Policy(max_discovery_requests=1),
    Policy(allow_private_network=True),
)
CLIENTS = (
    ClientOptions(),
    ClientOptions(client_id="pre", client_id_issuer="https://auth.example.com"),
    ClientOptions(client_metadata_url="https://client.example/cimd.json"),
    ClientOptions(dynamic_registration=False),
    ClientOptions(previous_scope="a b", step_up_attempts=1),
)
ODD_VALUES: tuple[object, ...] = (None, 0, 1.5, True, "x", [], {}, 10**4301)


class World:
    """A resource, its answer, a policy and client, and canned answers keyed by URL."""

    def __init__(self, fdp: Any) -> None:
        """Build the world from the fuzzer's data (see the module docstring)."""
        self.fdp = fdp
        base = self.int(len(VECTORS))
        if base < len(VECTORS):
            vector = VECTORS[base]
            self.resource = vector.resource
            self.responses: dict[str, Any] = dict(vector.responses)
            self.policy, self.client = vector.policy, vector.client
        else:
            self.resource = self.url()
            self.responses = {}
            self.policy, self.client = self.pick(POLICIES), self.pick(CLIENTS)
        for _ in range(self.int(4)):
            self.edit()
        self.served_prm: dict[str, list[object]] = {}
        self.issuers_tried: set[str] = set()

    # FuzzedDataProvider helpers: every choice is 0 when the data is used up

    def int(self, high: int) -> int:
        """A number in [0, high]."""
        return int(self.fdp.ConsumeIntInRange(0, high))

    def pick(self, options: Sequence[Any]) -> Any:
        """One of `options`."""
        return options[self.int(len(options) - 1)]

    def text(self, most: int) -> str:
        """Up to `most` raw characters (ISO-8859-1)."""
        return bytes(self.fdp.ConsumeBytes(self.int(most))).decode("iso-8859-1")

    def url(self) -> str:
        """An absolute URL, often hostile; sometimes raw bytes."""
        if self.int(15) == 15:
            return self.text(64)
        host = self.pick(PUBLIC_HOSTS if self.int(1) == 0 else HOSTILE_HOSTS)
        return (
            f"{self.pick(SCHEMES)}://{self.pick(USERINFO)}{host}{self.pick(PORTS)}"
            f"{self.pick(PATHS)}"
        )

    def urls(self) -> list[object]:
        """An authorization_servers list: empty, short, or long."""
        count = self.pick((1, 0, 2, 3, 40))
        return [self.url() if self.int(2) else "https://auth.example.com" for _ in range(count)]

    def header(self) -> str | list[str] | None:
        """A WWW-Authenticate value: a real one, a built one, several lines, or none."""
        choice = self.int(3)
        if choice == 0:
            example = self.pick(EXAMPLES).value
            return example if isinstance(example, str) else list(example)
        if choice == 1:
            return None
        if choice == 2:
            return self.text(200)
        challenges = []
        for _ in range(1 + self.int(2)):
            params = []
            if self.int(3):
                url = self.url().replace("\\", "\\\\").replace('"', '\\"')
                params.append(
                    f'resource_metadata="{url}"' if self.int(3) else f"resource_metadata={url}"
                )
            error = self.pick(ERRORS)
            if error:
                params.append(f'error="{error}"')
            if self.int(1):
                params.append('scope="mcp:tools files:read"')
            challenges.append(f"{self.pick(HEADER_SCHEMES)} {', '.join(params)}".strip())
        return ", ".join(challenges)

    def edit(self) -> None:
        """Change one thing about the world."""
        what = self.int(4)
        if what == 0:
            self.resource = self.url()
        elif what == 1:
            self.responses[self.resource] = {
                "status": self.pick(STATUSES),
                "headers": {"WWW-Authenticate": self.header()},
            }
        elif what == 2:
            self.policy = self.pick(POLICIES)
        elif what == 3:
            self.client = self.pick(CLIENTS)
        elif self.responses:
            url = self.pick(sorted(self.responses))
            self.responses[url] = {"status": 200, "body": self.document(prm=bool(self.int(1)))}

    def body(self, value: object) -> object:
        """The value as the driver may hand it over: decoded, JSON text, or JSON bytes."""
        form = self.int(2)
        if form == 0:
            return value
        try:
            text = json.dumps(value)
        except (ValueError, RecursionError):
            return value
        return text if form == 1 else text.encode()

    def document(self, *, prm: bool, issuer: str | None = None, expected: str = "") -> object:
        """A PRM or AS metadata document, sometimes not a document at all."""
        shape = self.int(7)
        if shape == 7:
            return self.text(300)
        if shape == 6:
            value: object = self.pick(ODD_VALUES)
            for _ in range(self.pick((0, 5, 3000))):
                value = [value]
            return value
        if prm:
            doc: dict[str, object] = {
                "resource": self.pick((expected, self.resource, self.url(), self.resource + "/")),
                "authorization_servers": self.urls(),
            }
            if self.int(1):
                doc["scopes_supported"] = ["mcp:tools"]
        else:
            iss = self.pick((issuer, self.url())) if issuer else self.url()
            doc = {
                "issuer": iss,
                "authorization_endpoint": self.pick((f"{iss}/authorize", self.url())),
                "token_endpoint": self.pick((f"{iss}/token", self.url())),
                "response_types_supported": self.pick((["code"], ["token"], "code")),
            }
            methods = self.pick((["S256"], None, ["plain"], ["S256", "plain"], "S256"))
            if methods is not None:
                doc["code_challenge_methods_supported"] = methods
            if self.int(1):
                doc["registration_endpoint"] = self.pick((f"{iss}/register", self.url()))
            if self.int(1):
                doc["client_id_metadata_document_supported"] = self.pick((True, "true", 1))
        if shape == 5:
            doc[self.text(8)] = self.pick(ODD_VALUES)
        return self.body(doc)

    def answer(self, action: FetchResourceMetadata | FetchServerMetadata) -> Fetched:
        """The answer to one discovery GET: canned (choice 0) or made up."""
        url = action.url
        choice = self.int(9)
        canned = self.responses.get(url)
        if choice == 0:
            if canned is None:
                return Fetched(url=url, status=404)
            if canned.get("error") is not None:
                return Fetched(url=url, error=canned["error"])
            headers = {str(k).lower(): v for k, v in (canned.get("headers") or {}).items()}
            retry_after = headers.get("retry-after")
            return Fetched(
                url=url,
                status=canned.get("status", 200),
                body=canned.get("body"),
                retry_after=retry_after if isinstance(retry_after, str) else None,
            )
        if choice <= 2:
            prm = isinstance(action, FetchResourceMetadata)
            if prm:
                expected = action.expected_resource
                body = self.document(prm=True, expected=expected)
            else:
                body = self.document(prm=False, issuer=action.issuer)
            return Fetched(url=url, status=200, body=body)
        if choice == 3:
            return Fetched(url=url, error=self.pick(NETWORK_ERRORS))
        status = self.pick((404, 500, 503, 429, 408, 410, 401, 302, 204, 599))
        return Fetched(url=url, status=status, body=self.text(20) if self.int(1) else None)


def _www_authenticate(canned: Any) -> Any:
    headers = canned.get("headers") or {}
    for name, value in headers.items():
        if name.lower() == "www-authenticate":
            return value
    return None


def _listed(served: object) -> list[object]:
    if isinstance(served, (bytes, str)):
        try:
            served = json.loads(served)
        except (ValueError, RecursionError):
            return []
    if isinstance(served, dict):
        servers = served.get("authorization_servers")
        return list(servers) if isinstance(servers, list) else []
    return []


def _transient(fetched: Fetched) -> bool:
    status = fetched.status
    return fetched.error is not None or (
        status is not None and (status >= 500 or status in TRANSIENT_STATUSES)
    )


def _check_authorize(world: World, action: Authorize, *, transient: bool) -> None:
    if action.code_challenge_method != "S256":
        raise InvariantError(f"Authorize without S256: {action.code_challenge_method!r}")
    if action.protocol == "2025-03-26":
        if transient:
            raise InvariantError("legacy Authorize after a transient PRM failure (downgrade)")
        if _origin(action.issuer) != _origin(world.resource):
            raise InvariantError(f"legacy issuer {action.issuer!r} is not the resource's origin")
    else:
        url = action.resource_metadata_url
        listed = world.served_prm.get(url, []) if url is not None else []
        if not _is_listed(action.issuer, listed, world.policy):
            raise InvariantError(f"issuer {action.issuer!r} is not listed in the PRM at {url!r}")


def _is_listed(issuer: str, listed: Sequence[object], policy: Policy) -> bool:
    """Listed exactly, or (the named tolerance) differing only by ``/`` as an empty path."""
    if issuer in listed:
        return True
    if not policy.metadata_tolerances:
        return False
    bare = issuer.removesuffix("/")
    return urlsplit(bare).path == "" and any(s in (bare, bare + "/") for s in listed)


def _check_urls(world: World, urls: Sequence[str | None], what: str) -> None:
    if special_host(world.resource):
        return  # a developer's own loopback or private server: its URLs are fair game
    if world.policy.allow_private_network:
        return  # the named tolerance for deployments on a private network
    for url in urls:
        if url is not None and special_host(url):
            raise InvariantError(f"{what} {url!r} is on a special-purpose host")


def run_world(world: World) -> list[Action]:
    """Drive `next_action` over the world until a terminal action; check every invariant."""
    canned = world.responses.get(world.resource) or {"status": 404}
    if canned.get("error") is not None:
        return []
    try:
        context = DiscoveryContext(
            resource=world.resource, policy=world.policy, client=world.client
        )
    except UsageError:
        return []  # a resource URL the caller could not use: documented caller misuse
    status = canned.get("status", 200)
    challenge = ResourceResponse(status=status, www_authenticate=_www_authenticate(canned))
    prm: list[Fetched] = []
    asm: list[Fetched] = []
    steps: list[Action] = []
    transient = False
    for _ in range(STEP_BOUND):
        action = next_action(challenge, prm, asm, context=context)
        steps.append(action)
        if isinstance(action, (FetchResourceMetadata, FetchServerMetadata)):
            _check_fetch(world, action, prm, asm, transient=transient)
            _check_caps(world, action, prm, asm)
            fetched = world.answer(action)
            if isinstance(action, FetchResourceMetadata):
                prm.append(fetched)
                transient = transient or _transient(fetched)
                if fetched.status == 200:
                    world.served_prm[action.url] = _listed(fetched.body)
            else:
                asm.append(fetched)
            continue
        if isinstance(action, Authorize):
            _check_authorize(world, action, transient=transient)
            _check_urls(
                world,
                (
                    action.authorization_endpoint,
                    action.token_endpoint,
                    action.registration.endpoint,
                ),
                "endpoint",
            )
        return steps
    raise InvariantError(f"discovery did not end within {STEP_BOUND} steps")


def _check_caps(
    world: World,
    action: FetchResourceMetadata | FetchServerMetadata,
    prm: list[Fetched],
    asm: list[Fetched],
) -> None:
    """The policy's caps: discovery requests in all, authorization servers tried."""
    if len(prm) + len(asm) + 1 > world.policy.max_discovery_requests:
        raise InvariantError(f"request {len(prm) + len(asm) + 1} exceeds the policy's cap")
    if isinstance(action, FetchServerMetadata) and not action.legacy:
        world.issuers_tried.add(action.issuer)
    if len(world.issuers_tried) > world.policy.max_authorization_servers:
        raise InvariantError(
            f"{len(world.issuers_tried)} authorization servers tried: over the cap"
        )


def _check_fetch(
    world: World,
    action: FetchResourceMetadata | FetchServerMetadata,
    prm: list[Fetched],
    asm: list[Fetched],
    *,
    transient: bool,
) -> None:
    done = prm if isinstance(action, FetchResourceMetadata) else asm
    if any(f.url == action.url for f in done):
        raise InvariantError(f"{action.url!r} is requested a second time")
    _check_urls(world, (action.url,), "request")
    if isinstance(action, FetchServerMetadata):
        if action.legacy and transient:
            raise InvariantError("legacy request after a transient PRM failure (downgrade)")
        listed = [s for servers in world.served_prm.values() for s in servers]
        if not action.legacy and not _is_listed(action.issuer, listed, world.policy):
            raise InvariantError(f"metadata of {action.issuer!r}, which no PRM lists")


def check(data: bytes) -> None:
    """One input: see the module docstring for the invariants."""
    import atheris  # noqa: PLC0415 - optional: only when fuzzing or replaying

    run_world(World(atheris.FuzzedDataProvider(data)))


def show(data: bytes) -> str:
    """The world an input builds and what discovery did in it (for triaging a finding)."""
    import atheris  # noqa: PLC0415

    world = World(atheris.FuzzedDataProvider(data))
    lines = [
        f"resource: {world.resource!r}",
        f"policy: {world.policy}",
        f"client: {world.client}",
        f"resource answer: {world.responses.get(world.resource)!r}",
    ]
    answer = world.answer

    def traced(action: FetchResourceMetadata | FetchServerMetadata) -> Fetched:
        fetched = answer(action)
        lines.append(f"  {type(action).__name__} {action.url!r}")
        try:
            body = repr(fetched.body)[:300]
        except (ValueError, RecursionError) as exc:  # a 4301-digit int, a 3000-deep list
            body = f"<{type(fetched.body).__name__}: {exc}>"
        lines.append(f"    -> {fetched.status or fetched.error} {body}")
        return fetched

    world.answer = traced  # type: ignore[method-assign]
    try:
        steps = run_world(world)
        lines.append(f"outcome: {steps[-1] if steps else 'no discovery'}")
    except Exception as exc:  # noqa: BLE001 - shown, not handled
        lines.append(f"FINDING: {type(exc).__name__}: {exc}")
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    if sys.argv[1:2] == ["--show"]:
        for name in sys.argv[2:]:
            with open(name, "rb") as file:  # noqa: PTH123 - a path from the command line
                sys.stdout.write(f"== {name}\n{show(file.read())}\n")
    else:
        fuzz(check)
