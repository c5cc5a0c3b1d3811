"""``rfcauth probe URL``: discovery against a live server, explained, with a verdict for operators.

The probe asks the server what a client asks it: the resource request (by default an MCP
``initialize`` POST without a token), then each metadata document the discovery decision names.
Every answer is fetched once and read twice, by a strict current-spec client (`Policy.strict`: MCP
2025-11-25 to the letter, no legacy fallback) and by rfcauth's compatible client (`Policy()`), so
the verdict says what each does with this server, and what the operator should fix, most
important first. ``--diagram`` draws the exchange as a Mermaid sequence diagram.

Fetching is the driver's (`rfcauth.http._fetch.Fetcher`): no redirects (a 3xx is an absent
document, RFC 9728 §3.1 / RFC 8414 §3.1 name exact URLs), timeouts, a size cap, and its safety
rules for server-supplied URLs.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final, Literal
from urllib.parse import urlsplit

from rfcauth.cli._commands import Command, Example
from rfcauth.cli._output import EXIT_DISCOVERY_FAILED, EXIT_OK
from rfcauth.cli._shapes import PLAN

if TYPE_CHECKING:
    import argparse
    from types import SimpleNamespace

    from rfcauth.cli._output import Output
    from rfcauth.discovery import Plan
    from rfcauth.http._fetch import Fetcher

__all__ = ["COMMAND", "LiveWorld", "Probe", "fixes", "mermaid", "probe"]

_INITIALIZE: Final = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "rfcauth-probe", "version": "1"},
    },
}


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Request:
    """One request the probe made and what came back.

    Attributes:
        method: ``GET`` or ``POST``.
        url: the URL.
        status: the HTTP status, or None when no response arrived.
        error: ``timeout``, ``connect``, ``tls``, ``too_large`` or ``refused`` (the safety
            rules forbid the request: it was not sent) when none arrived.
        www_authenticate: the challenge header lines of the answer.
        content_type: the answer's media type.
        detail: with `error`, a sentence saying why (for ``refused``, the rule and its reason).
    """

    method: str
    url: str
    status: int | None
    error: str | None = None
    www_authenticate: tuple[str, ...] = ()
    content_type: str | None = None
    detail: str | None = None


class LiveWorld(Mapping[str, Mapping[str, object]]):
    """A `simulate` world whose answers come from the network, each URL fetched once.

    The requests go through the driver's `Fetcher`: no redirects, its timeouts and size cap,
    and its safety rules (http only on loopback, no server-supplied URL that resolves to a
    private address unless the resource is on one); a refused URL is reported as such and
    read by discovery as unreachable.
    """

    def __init__(self, fetcher: Fetcher, resource: str, *, method: str = "POST") -> None:
        """Fetch with ``fetcher``; the resource with ``method`` (POST sends MCP ``initialize``)."""
        self._fetcher = fetcher
        self._resource = resource
        self._method = method
        self._answers: dict[str, dict[str, object]] = {}
        self.requests: list[Request] = []

    def __getitem__(self, url: str) -> Mapping[str, object]:
        """The answer for ``url``, fetched on first use."""
        if url not in self._answers:
            self._answers[url] = self._fetch(url)
        return self._answers[url]

    def seed(self, url: str, answer: Mapping[str, object]) -> None:
        """Use ``answer`` for ``url`` instead of fetching it (a challenge already received)."""
        self._answers[url] = dict(answer)

    def __iter__(self) -> Iterator[str]:
        """The URLs fetched so far."""
        return iter(self._answers)

    def __len__(self) -> int:
        """How many URLs were fetched."""
        return len(self._answers)

    def _fetch(self, url: str) -> dict[str, object]:
        from rfcauth.http._values import Call  # noqa: PLC0415 - the http extra, lazily

        is_resource = url == self._resource
        method: Literal["GET", "POST"] = "POST" if is_resource and self._method == "POST" else "GET"
        headers: tuple[tuple[str, str], ...] = (("Accept", "application/json"),)
        body = b""
        if method == "POST":
            headers = (
                ("Accept", "application/json, text/event-stream"),
                ("Content-Type", "application/json"),
            )
            body = json.dumps(_INITIALIZE).encode()
        call = Call(method=method, url=url, purpose="resource_metadata", headers=headers, body=body)
        (reply,) = self._fetcher.run((call,))
        if reply.status is None:
            error = reply.error or "connect"
            self.requests.append(
                Request(method=method, url=url, status=None, error=error, detail=reply.detail)
            )
            # simulate knows network failures; a refusal by the safety rules reads as one.
            return {"error": "connect" if error == "refused" else error}
        field = reply.headers.get("www-authenticate")
        challenge = (field,) if field else ()
        self.requests.append(
            Request(
                method=method,
                url=url,
                status=reply.status,
                www_authenticate=challenge,
                content_type=reply.headers.get("content-type"),
            )
        )
        answer: dict[str, object] = {"status": reply.status, "body": reply.body}
        if challenge:
            answer["headers"] = {"WWW-Authenticate": list(challenge)}
        return answer


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Probe:
    """What the probe found.

    Attributes:
        resource: the probed URL.
        requests: every request made, in order.
        strict: what a strict current-spec client does (`Policy.strict`).
        compatible: what rfcauth's compatible client does (`Policy()`).
        loopback: the resource is on a loopback host, so both readings allow ``http`` (and the
            strict one, with it, the named metadata tolerances).
    """

    resource: str
    requests: tuple[Request, ...]
    strict: Plan
    compatible: Plan
    loopback: bool

    def fixes(self) -> list[str]:
        """What the operator should change, most important first."""
        refused = {r.url: r.detail or "" for r in self.requests if r.error == "refused"}
        return fixes(self.strict, self.compatible, loopback=self.loopback, refused=refused)


def probe(resource: str, *, method: str = "POST") -> Probe:
    """Probe ``resource`` live and read the answers as a strict and as a compatible client."""
    from rfcauth.discovery import DiscoveryContext, Policy, simulate  # noqa: PLC0415 - lazy
    from rfcauth.http._fetch import Fetcher, Limits  # noqa: PLC0415 - the http extra, lazily
    from rfcauth.metadata._url_identity import is_loopback_host  # noqa: PLC0415

    loopback = is_loopback_host(urlsplit(resource).hostname or "")
    fetcher = Fetcher(context=DiscoveryContext(resource=resource), limits=Limits())
    try:
        world = LiveWorld(fetcher, resource, method=method)
        strict_policy = Policy.strict()
        if loopback:
            # Local testing: http on loopback is allowed, which in metadata documents is one of
            # the named metadata tolerances (`loopback_http`), so those are allowed too.
            strict_policy = dataclasses.replace(
                strict_policy, allow_loopback_http=True, metadata_tolerances=True
            )
        compatible = simulate(resource, world, policy=Policy())
        strict = simulate(resource, world, policy=strict_policy)
    finally:
        fetcher.close()
    return Probe(
        resource=resource,
        requests=tuple(world.requests),
        strict=strict,
        compatible=compatible,
        loopback=loopback,
    )


# --- the verdict ----------------------------------------------------------------------------

#: What a strict client's failure asks the operator to fix, by `Fail.code` (most important
#: first where several apply); ``{url}`` is the failing URL, ``{resource}`` the probed one.
_FIX_FOR_FAILURE: Final = {
    "discovery_unavailable": "make {url} reachable: the request got no answer",
    "unsupported_auth_scheme": "answer 401 with a Bearer (or DPoP) challenge (RFC 6750 §3)",
    "resource_metadata_not_found": (
        "publish Protected Resource Metadata (RFC 9728) at {prm}, naming your authorization "
        "server in authorization_servers; a strict current-spec client finds no other way in"
    ),
    "no_authorization_server": (
        "publish Protected Resource Metadata (RFC 9728) at {prm} naming your authorization server"
    ),
    "resource_metadata_lists_no_authorization_server": (
        "list your authorization server's issuer in authorization_servers of {url}"
    ),
    "resource_mismatch": "make `resource` in {url} exactly {resource} (RFC 9728 §3.3)",
    "resource_not_identical": "make `resource` in {url} exactly {resource} (RFC 9728 §3.3)",
    "issuer_mismatch": (
        "make `issuer` in {url} identical to the issuer it was fetched for (RFC 8414 §3.3)"
    ),
    "issuer_not_identical": (
        "make `issuer` in {url} identical to the issuer it was fetched for (RFC 8414 §3.3)"
    ),
    "pkce_not_supported": 'list "S256" in code_challenge_methods_supported (MCP: PKCE S256)',
    "code_challenge_methods_supported_absent": (
        'add code_challenge_methods_supported: ["S256"] to {url}; current-spec clients refuse '
        "to proceed without it"
    ),
    "no_authorization_server_metadata": (
        "serve RFC 8414 (or OpenID Connect) metadata for your issuer at the well-known URL"
    ),
    "no_registration_method": (
        "offer a registration_endpoint (RFC 7591) or client_id_metadata_document_supported"
    ),
    "insecure_endpoint": "serve every endpoint over https",
    "registration_endpoint_not_https": "serve the registration endpoint over https",
}


def _prm_url(resource: str) -> str:
    """The first well-known PRM URL for ``resource`` (RFC 9728 §3.1: path inserted)."""
    from rfcauth.metadata import protected_resource_metadata_urls  # noqa: PLC0415 - lazy

    return protected_resource_metadata_urls(resource)[0].url


def fixes(
    strict: Plan,
    compatible: Plan,
    *,
    loopback: bool = False,
    refused: Mapping[str, str] | None = None,
) -> list[str]:
    """The operator's fix list, from what the strict and compatible readings ran into.

    A warning the compatible reading recorded (a tolerance it used) is a fix too, except the
    legacy fallback (the missing PRM is already first on the list) and, for a loopback server,
    plain http. `refused` maps the URLs the safety rules kept the probe from requesting to the
    reason (RFC 9728 §7, RFC 8414 §6); discovery read them as unreachable, but the fix is not
    to make them reachable: it is to stop naming them.
    """
    refused = refused or {}
    skip = {"legacy_fallback"} | ({"loopback_http"} if loopback else set())
    from rfcauth.discovery import Authorize, Fail  # noqa: PLC0415 - lazy: pydantic

    found: list[str] = []

    def add(text: str) -> None:
        if text not in found:
            found.append(text)

    for plan in (strict, compatible):
        outcome = plan.outcome
        if isinstance(outcome, Fail) and outcome.url is not None and outcome.url in refused:
            add(f"stop naming {outcome.url}: clients must not request it, {refused[outcome.url]}")
        elif isinstance(outcome, Fail) and outcome.code in _FIX_FOR_FAILURE:
            template = _FIX_FOR_FAILURE[outcome.code]
            add(
                template.format(
                    url=outcome.url or plan.resource,
                    resource=plan.resource,
                    prm=_prm_url(plan.resource),
                )
            )
        elif isinstance(outcome, Fail):
            add(f"{outcome.explanation} ({outcome.rule})")
    notes = [n for step in compatible.steps for n in getattr(step, "notes", ())]
    codes = {n.code for n in notes}
    if "resource_metadata_hint" not in codes and isinstance(compatible.outcome, Authorize):
        add(
            'add resource_metadata="<PRM URL>" to the 401 WWW-Authenticate challenge '
            "(RFC 9728 §5.1): clients then find the metadata in one request"
        )
    for note in notes:
        if note.level == "warning" and note.code not in skip:
            add(f"{note.message} ({note.rule})")
    return found


def _verdict_line(who: str, plan: Plan) -> tuple[str, str]:
    from rfcauth.discovery import Authorize, Fail  # noqa: PLC0415 - lazy: pydantic

    outcome = plan.outcome
    if isinstance(outcome, Authorize):
        how = "2025-03-26 fallback" if outcome.protocol == "2025-03-26" else outcome.protocol
        kind = outcome.registration.kind
        return f"{who}: authorizes with {outcome.issuer} ({how}; registration {kind})", "ok"
    if isinstance(outcome, Fail):
        return f"{who}: FAILS, {outcome.code} ({outcome.rule}): {outcome.explanation}", "bad"
    return f"{who}: needs no authorization (HTTP {outcome.status})", "ok"


# --- the diagram ------------------------------------------------------------------------------


def _participant(url: str, resource_origin: str, names: dict[str, str]) -> str:
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    if origin not in names:
        names[origin] = "RS" if origin == resource_origin else f"AS{len(names)}"
    return names[origin]


def mermaid(result: Probe) -> str:
    """The exchange as a Mermaid sequence diagram: each request, its answer, the decisions."""
    from rfcauth.discovery import Authorize, Fail  # noqa: PLC0415 - lazy: pydantic

    parts = urlsplit(result.resource)
    resource_origin = f"{parts.scheme}://{parts.netloc}"
    names: dict[str, str] = {}
    lines = ["sequenceDiagram", "    participant C as Client"]
    body: list[str] = []
    for request in result.requests:
        who = _participant(request.url, resource_origin, names)
        path = urlsplit(request.url).path or "/"
        body.append(f"    C->>{who}: {request.method} {path}")
        if request.status is None:
            body.append(f"    {who}--xC: {request.error}")
        elif request.status >= 400:  # noqa: PLR2004
            challenge = " (WWW-Authenticate)" if request.www_authenticate else ""
            body.append(f"    {who}--xC: {request.status}{challenge}")
        else:
            body.append(f"    {who}-->>C: {request.status}")
    for origin, name in names.items():
        label = "MCP server" if name == "RS" else "Authorization server"
        lines.append(f"    participant {name} as {label} {origin}")
    lines.extend(body)
    for who, plan in (("strict client", result.strict), ("rfcauth", result.compatible)):
        outcome = plan.outcome
        if isinstance(outcome, Authorize):
            lines.append(f"    Note over C: {who}: authorize at {outcome.authorization_endpoint}")
        elif isinstance(outcome, Fail):
            lines.append(f"    Note over C: {who}: FAIL {outcome.code}")
        else:
            lines.append(f"    Note over C: {who}: no authorization needed")
    return "\n".join(lines)


# --- the command ------------------------------------------------------------------------------


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("url", metavar="URL", help="the MCP server (or protected API) URL")
    parser.add_argument(
        "--method",
        choices=("POST", "GET"),
        default="POST",
        help="the first request: POST sends an MCP initialize (default); GET for other APIs",
    )
    parser.add_argument("--diagram", action="store_true", help="a Mermaid sequence diagram")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit 3 unless a strict current-spec client can authorize (default: rfcauth)",
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def _as_json(result: Probe) -> dict[str, Any]:
    return {
        "resource": result.resource,
        "requests": [dataclasses.asdict(r) for r in result.requests],
        "strict": result.strict.as_dict(),
        "compatible": result.compatible.as_dict(),
        "fixes": result.fixes(),
    }


def _run(args: SimpleNamespace, out: Output) -> int:
    from rfcauth.cli._simulate import plan_lines  # noqa: PLC0415 - lazy
    from rfcauth.discovery import Fail  # noqa: PLC0415 - lazy: pydantic
    from rfcauth.discovery._inputs import canonical_resource_url  # noqa: PLC0415 - lazy

    args.url = canonical_resource_url(args.url)
    with out.status(f"probing {args.url}"):
        result = probe(args.url, method=args.method)
    judged = result.strict if args.strict else result.compatible
    code = EXIT_DISCOVERY_FAILED if isinstance(judged.outcome, Fail) else EXIT_OK
    if out.json:
        out.document(_as_json(result))
        return code
    out.line(f"probe {result.resource}", "head")
    out.line(*_verdict_line("strict current-spec client", result.strict))
    out.line(*_verdict_line("rfcauth (compatible)", result.compatible))
    if result.loopback:
        out.line(
            "(loopback server: both readings allow http, and with it the named metadata "
            "tolerances)",
            "dim",
        )
    todo = result.fixes()
    if todo:
        out.line()
        out.line("What to fix, most important first:", "head")
        for number, text in enumerate(todo, 1):
            out.line(f"{number:>2}. {text}")
    out.line()
    out.line("Requests:", "head")
    for number, request in enumerate(result.requests, 1):
        answer = f"HTTP {request.status}" if request.status is not None else str(request.error)
        style = None
        if request.error == "refused":
            answer, style = f"{answer}, not sent: {request.detail}", "warn"
        out.line(f"{number:>2}. {request.method} {request.url} -> {answer}", style)
        for challenge in request.www_authenticate:
            out.line(f"      WWW-Authenticate: {challenge}", "dim")
    out.line()
    out.line("rfcauth's decisions:", "head")
    decisions = plan_lines(result.compatible)
    first_blank = next((i for i, (text, _) in enumerate(decisions) if not text), len(decisions))
    out.lines(decisions[first_blank + 1 :])
    if args.diagram:
        out.line()
        out.line("```mermaid")
        out.line(mermaid(result))
        out.line("```")
    return code


_STR: Final[dict[str, Any]] = {"type": "string"}
_OPT_STR: Final[dict[str, Any]] = {"type": ["string", "null"]}
#: The ``--json`` output: the requests, both readings (each a `Plan` as ``simulate --json``
#: prints it) and the fix list.
SHAPE: Final[dict[str, Any]] = {
    "type": "object",
    "required": ["resource", "requests", "strict", "compatible", "fixes"],
    "additionalProperties": False,
    "properties": {
        "resource": _STR,
        "requests": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["method", "url", "status", "error", "www_authenticate"],
                "properties": {
                    "method": {"enum": ["GET", "POST"]},
                    "url": _STR,
                    "status": {"type": ["integer", "null"]},
                    "error": _OPT_STR,
                    "www_authenticate": {"type": "array", "items": _STR},
                    "content_type": _OPT_STR,
                    "detail": _OPT_STR,
                },
                "additionalProperties": False,
            },
        },
        "strict": PLAN,
        "compatible": PLAN,
        "fixes": {"type": "array", "items": _STR},
    },
}


def _json_shape() -> dict[str, Any]:
    return SHAPE


COMMAND: Final = Command(
    name="probe",
    help="discovery against a live server, explained, with a verdict and a fix list",
    description=(
        "Probe a live server: each request and answer, each discovery decision with its "
        "reason and rule, what a strict current-spec client and rfcauth each do, and what to "
        "fix, most important first. Exit 0 when rfcauth (with --strict: a strict client) can "
        "authorize or no authorization is needed, 3 when discovery fails."
    ),
    configure=_configure,
    run=_run,
    examples=(
        Example(argv=("probe", "{url}"), world="seed", max_lines=60),
        Example(argv=("probe", "--diagram", "{url}"), world="modern", max_lines=80),
    ),
    json_shape=_json_shape,
)
