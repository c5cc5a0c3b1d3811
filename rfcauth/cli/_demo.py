"""``rfcauth demo``: real-world WWW-Authenticate headers explained, then the seed's discovery."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rfcauth.cli._commands import Command, Example
from rfcauth.cli._output import EXIT_OK
from rfcauth.cli._shapes import demo_shape

if TYPE_CHECKING:
    import argparse
    from types import SimpleNamespace

    from rfcauth.cli._output import Output

__all__ = ["COMMAND"]


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json",
        action="store_true",
        help='machine-readable output: {"headers": [...], "discovery": {...}}',
    )
    parser.add_argument(
        "--live",
        action="store_true",
        help="start the seed and a modern MCP server on loopback, probe them and log in to "
        "both (make demo)",
    )


def _run(args: SimpleNamespace, out: Output) -> int:
    if args.live:
        from rfcauth.cli._demo_live import run_live  # noqa: PLC0415 - lazy

        return run_live(out)
    from rfcauth._errors import ChallengeParseError  # noqa: PLC0415 - lazy
    from rfcauth.challenge import parse_www_authenticate, scan_www_authenticate  # noqa: PLC0415
    from rfcauth.challenge._examples import EXAMPLES  # noqa: PLC0415 - lazy
    from rfcauth.cli._explain import explain, scan_report  # noqa: PLC0415 - lazy
    from rfcauth.cli._simulate import plan_lines  # noqa: PLC0415 - lazy
    from rfcauth.discovery._scenarios import load_scenarios  # noqa: PLC0415 - lazy: pydantic

    def strict_error(value: str | tuple[str, ...]) -> ChallengeParseError | None:
        try:
            parse_www_authenticate(value)
        except ChallengeParseError as error:
            return error
        return None

    scenarios = load_scenarios()
    seed = scenarios[0]
    plan = seed.run()
    if out.json:
        headers = [
            {
                "name": e.name,
                "source": e.source,
                "value": e.value,
                **scan_report(scan_www_authenticate(e.value), strict_error(e.value)),
            }
            for e in EXAMPLES
        ]
        discovery: dict[str, Any] = {
            "scenario": seed.id,
            "title": seed.title,
            "source": seed.source,
        }
        discovery.update(plan.as_dict())
        out.document({"headers": headers, "discovery": discovery})
        return EXIT_OK
    out.line(f"{len(EXAMPLES)} real-world WWW-Authenticate headers, parsed and explained", "head")
    for number, example in enumerate(EXAMPLES, 1):
        lines = (example.value,) if isinstance(example.value, str) else example.value
        out.line()
        out.line(f"{number}. {example.name}: {example.source}", "head")
        out.lines((f"   WWW-Authenticate: {line}", None) for line in lines)
        out.lines(explain(scan_www_authenticate(example.value), strict_error(example.value)))
    out.line()
    out.line("=" * 78)
    out.line(f"Discovery for the motivating server ({seed.source}):", "head")
    out.line(f"{seed.title}.")
    out.line(
        f"Simulated with canned responses (`rfcauth simulate --scenario {seed.id}`; "
        f"`rfcauth simulate --list` shows all {len(scenarios)}):"
    )
    out.line()
    out.lines(plan_lines(plan))
    return EXIT_OK


COMMAND = Command(
    name="demo",
    help="parse and explain a built-in set of real-world WWW-Authenticate headers",
    description="Parse and explain the built-in corpus of real-world WWW-Authenticate headers "
    "(the motivating server's first), then simulate discovery for the motivating server step "
    "by step. Exit code: 0.",
    configure=_configure,
    run=_run,
    examples=(Example(argv=("demo",), max_lines=30),),
    json_shape=demo_shape,
)
