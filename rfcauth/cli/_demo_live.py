"""``rfcauth demo --live`` (``make demo``): the motivating server and a modern one, for real.

Two MCP servers start on loopback, each a real ``mcp`` SDK server with one tool behind OAuth
(`rfcauth.http._testserver.World`): the seed (``401 Bearer error="invalid_token"``, no Protected
Resource Metadata, RFC 8414 metadata with dynamic registration at its origin) and a modern RFC
9728 server whose authorization server is on another origin, issuer with a path. Each is probed
(what a strict current-spec client does, what rfcauth does) and logged in to with ``rfcauth
login --no-browser``, which then calls the tool. The headline comes first and short; the full
probe and login reports follow.
"""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from rfcauth.cli._output import Output

__all__ = ["run_live"]

_SEED_TITLE: Final = (
    'The seed server (401 Bearer error="invalid_token", no Protected Resource Metadata, '
    "RFC 8414 metadata and dynamic registration at its origin)"
)
_MODERN_TITLE: Final = (
    "A modern server (RFC 9728 metadata named in the 401, authorization server on another "
    "origin, issuer with a path)"
)
_SERVERS: Final = (("seed", _SEED_TITLE), ("modern", _MODERN_TITLE))


def _command(argv: list[str]) -> tuple[int, str]:
    from rfcauth.cli._main import main  # noqa: PLC0415 - lazy

    out = io.StringIO()
    code = main(argv, out)
    return code, out.getvalue()


def _strict_line(report: dict[str, Any]) -> tuple[str, str]:
    outcome = report["strict"]["outcome"]
    if outcome["action"] == "Authorize":
        return "authorizes", "ok"
    if outcome["action"] == "Fail":
        return f'"Failed to connect" ({outcome["code"]}: {outcome["explanation"]})', "bad"
    return "needs no authorization", "ok"


def _login_line(report: dict[str, Any], text: str) -> tuple[str, str]:
    if "error" in report:
        return f"login FAILED at {report['error']['step']}: {report['error']['message']}", "bad"
    called = report["mcp"]["call"] or {}
    said = " ".join(called.get("text", []))
    return f'logged in, called echo -> "{said}"' + text, "ok"


def run_live(out: Output) -> int:
    """Start both worlds, probe and log in to each; the headline, then the details."""
    from rfcauth.http._testserver import World  # noqa: PLC0415 - the demo extra, lazily

    worlds = {"seed": World.seed(mcp=True), "modern": World.modern(mcp=True)}
    headline: list[tuple[str, str | None]] = []
    details: list[str] = []
    failed = False
    for name, title in _SERVERS:
        with worlds[name] as world:
            url = world.resource_url
            _, probed = _command(["probe", "--json", url])
            probe = json.loads(probed)
            greeting = f"hello from the {name} server"
            login_argv = ["login", "--no-browser", "--call", "echo", "--args"]
            login_argv += [json.dumps({"text": greeting}), url]
            code, logged = _command([*login_argv[:-1], "--json", url])
            login = json.loads(logged)
            _, probe_text = _command(["probe", "--diagram", url])
            _, login_text = _command(login_argv)
        failed = failed or code != 0
        strict, strict_style = _strict_line(probe)
        compatible = probe["compatible"]["outcome"]
        how = (
            " (MCP 2025-03-26 fallback: the origin is the authorization server)"
            if compatible.get("protocol") == "2025-03-26"
            else ""
        )
        mine, mine_style = _login_line(login, how)
        headline += [
            (title + ":", "head"),
            (f"  a strict current-spec client: {strict}", strict_style),
            (f"  rfcauth:                      {mine}", mine_style),
        ]
        details += [
            "=" * 78,
            f"{title}",
            f"$ rfcauth probe --diagram {url}",
            probe_text.rstrip(),
            "",
            "$ rfcauth " + " ".join(login_argv[:-1]) + f" {url}",
            login_text.rstrip(),
            "",
        ]
    out.line("rfcauth live demo: two MCP servers on loopback, probed and logged in to.", "head")
    out.line()
    out.lines(headline)
    out.line()
    out.line("Details below: every request, decision and fix; `rfcauth probe URL` and")
    out.line("`rfcauth login URL` do the same against any server.")
    out.line()
    for line in details:
        out.line(line)
    return 1 if failed else 0
