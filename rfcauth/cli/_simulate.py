"""``rfcauth simulate``: run discovery against canned HTTP responses and explain every step."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rfcauth._errors import UsageError
from rfcauth.cli._commands import Command, Example
from rfcauth.cli._output import EXIT_DISCOVERY_FAILED, EXIT_OK
from rfcauth.cli._shapes import LIST, PLAN

if TYPE_CHECKING:
    import argparse
    from types import SimpleNamespace

    from rfcauth.cli._output import Output
    from rfcauth.discovery import Plan

__all__ = ["COMMAND", "plan_lines"]


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "world",
        nargs="?",
        metavar="WORLD.json",
        help='{"resource": URL, "responses": {URL: {"status", "headers", "body"} | '
        '{"error": "timeout"}}, "policy": "compatible"|"strict"|{...}, "client": {...}}, as in '
        "the shipped vectors; - reads stdin",
    )
    parser.add_argument(
        "--scenario", metavar="ID", help="run one of the shipped vectors instead of a file"
    )
    parser.add_argument("--list", action="store_true", help="list the shipped vectors")
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def plan_lines(plan: Plan) -> list[tuple[str, str | None]]:
    """`Plan.explain` as styled lines: the verdict coloured."""
    lines: list[tuple[str, str | None]] = []
    for text in plan.explain().splitlines():
        if text.startswith("FAIL "):
            lines.append((text, "bad"))
        elif text.startswith(("AUTHORIZE ", "NO AUTHORIZATION NEEDED")):
            lines.append((text, "ok"))
        elif text.lstrip().startswith("[warning]"):
            lines.append((text, "warn"))
        elif text.startswith("resource: "):
            lines.append((text, "head"))
        else:
            lines.append((text, None))
    return lines


def _world_plan(world: Any) -> Plan:  # noqa: ANN401 - arbitrary JSON
    from rfcauth.discovery import ClientOptions, simulate  # noqa: PLC0415 - lazy
    from rfcauth.discovery._scenarios import policy_from_spec  # noqa: PLC0415 - lazy

    if not isinstance(world, dict) or "resource" not in world or "responses" not in world:
        raise UsageError('a world is a JSON object with "resource" and "responses"')
    client = world.get("client", {})
    if not isinstance(client, dict):
        raise UsageError('"client" must be an object of ClientOptions fields')
    try:
        options = ClientOptions(**client)
    except TypeError as exc:  # an unknown field name (UsageError is a TypeError too)
        raise UsageError(f'"client": {exc}') from None
    return simulate(
        world["resource"],
        world["responses"],
        policy=policy_from_spec(world.get("policy", "compatible")),
        client=options,
    )


def _list(out: Output) -> int:
    from rfcauth.discovery._scenarios import load_scenarios  # noqa: PLC0415 - lazy

    scenarios = load_scenarios()
    if out.json:
        out.document(
            [{"id": s.id, "title": s.title, "rule": s.rule, "source": s.source} for s in scenarios]
        )
    else:
        out.lines((f"{s.id:<45} {s.title}", None) for s in scenarios)
    return EXIT_OK


def _run(args: SimpleNamespace, out: Output) -> int:
    from rfcauth.cli._inputs import read_json  # noqa: PLC0415 - lazy
    from rfcauth.discovery import Fail  # noqa: PLC0415 - lazy
    from rfcauth.discovery._scenarios import load_scenarios  # noqa: PLC0415 - lazy

    given = [args.world is not None, args.scenario is not None, args.list]
    if sum(given) != 1:
        raise UsageError("give exactly one of WORLD.json, --scenario ID or --list")
    if args.list:
        return _list(out)
    if args.scenario is not None:
        matching = [s for s in load_scenarios() if s.id == args.scenario]
        if not matching:
            raise UsageError(f"no scenario {args.scenario!r} (see --list)")
        plan = matching[0].run()
    else:
        plan = _world_plan(read_json(args.world))
    if out.json:
        out.document(plan.as_dict())
    else:
        out.lines(plan_lines(plan))
    return EXIT_DISCOVERY_FAILED if isinstance(plan.outcome, Fail) else EXIT_OK


def _json_shape() -> dict[str, Any]:
    return {"oneOf": [PLAN, LIST]}


COMMAND = Command(
    name="simulate",
    help="run discovery against canned HTTP responses and explain every step",
    description="Drive the discovery decision (next_action) over canned HTTP responses, without "
    "a network: from a world file, or one of the shipped scenario vectors. Prints every request, "
    "its answer, each note with the rule it applies, and the outcome. Give exactly one of "
    "WORLD.json, --scenario or --list. Exit codes: 0 Authorize or no authorization needed, "
    "2 usage, 3 discovery fails.",
    configure=_configure,
    run=_run,
    examples=(
        Example(argv=("simulate", "--scenario", "seed-legacy-origin-metadata")),
        Example(argv=("simulate", "--scenario", "prm-5xx")),
        Example(
            argv=("simulate", "-", "--json"),
            stdin=b'{"resource": "https://mcp.example.com/mcp",\n'
            b' "responses": {"https://mcp.example.com/mcp": {"status": 403}}}\n',
        ),
        Example(argv=("simulate", "--list"), max_lines=12),
    ),
    json_shape=_json_shape,
)
