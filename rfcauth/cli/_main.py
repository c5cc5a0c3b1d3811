"""The ``rfcauth`` command: a thin shell over the pure functions.

Subcommands live in ``COMMANDS``, a table of `Command` rows (name, help, how to add its
arguments, what to run); add a row to add a subcommand. Exit codes: 0 success, 1 the input
does not parse (or a document is invalid), 2 usage error, 3 discovery fails (`simulate`).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from rfcauth._errors import ChallengeParseError, UsageError
from rfcauth.challenge import (
    BearerChallenge,
    Challenge,
    ChallengeScan,
    parse_www_authenticate,
    scan_www_authenticate,
)
from rfcauth.challenge._examples import EXAMPLES
from rfcauth.cli._discovery import (
    configure_schema,
    configure_simulate,
    configure_validate,
    run_schema,
    run_simulate,
    run_validate,
)
from rfcauth.discovery._scenarios import load_scenarios

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = ["COMMANDS", "Command", "main"]

EXIT_OK = 0
EXIT_PARSE_ERROR = 1
EXIT_USAGE = 2


@dataclass(frozen=True, slots=True, kw_only=True)
class Command:
    """One subcommand: its name, one-line help, argument set-up and handler."""

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, TextIO], int]


def _text(value: str) -> str:
    """A value made safe to print: quoted, control characters escaped."""
    return json.dumps(value, ensure_ascii=False)


# --- explaining challenges ------------------------------------------------------------------


def advice(scan: ChallengeScan) -> list[str]:
    """What a client should do with a parsed header (RFC 6750 §3, RFC 9728 §5.1)."""
    bearer = BearerChallenge.find(scan.challenges)
    broken = [s for s in scan.skipped if s.scheme and s.scheme.lower() == "bearer"]
    if bearer is None:
        if broken:
            return [
                (
                    "The Bearer challenge is malformed: use none of its parameters (no "
                    "resource_metadata hint); fall back to well-known discovery (RFC 9728 §3)."
                )
            ]
        hints = [c for c in scan.challenges if "resource_metadata" in c.params]
        if hints:
            url = hints[0].params["resource_metadata"]
            return [f"No Bearer challenge; {hints[0].scheme} names PRM at {_text(url)}."]
        return ["No Bearer challenge: this resource does not ask for OAuth bearer tokens."]
    steps = []
    if bearer.error == "insufficient_scope":
        scope = " ".join(bearer.scope) if bearer.scope else "(none given)"
        steps.append(f"Step up: re-authorize asking for scope {_text(scope)} (RFC 6750 §3.1).")
    elif bearer.error == "invalid_token":
        steps.append("The token is missing, expired or invalid: (re)authorize (RFC 6750 §3.1).")
    if bearer.resource_metadata is not None:
        steps.append(
            f"Fetch protected resource metadata from {_text(bearer.resource_metadata)} "
            "(RFC 9728 §5.1), after checking it is an absolute https URL (it may be on "
            "another origin; its resource must still name this server, RFC 9728 §3.3)."
        )
    else:
        steps.append(
            "No resource_metadata hint: fall back to well-known discovery "
            "(/.well-known/oauth-protected-resource, RFC 9728 §3), then RFC 8414 metadata."
        )
    return steps


def _challenge_lines(challenge: Challenge) -> list[str]:
    lines = [f"  challenge {_text(challenge.scheme)}"]
    if challenge.token68 is not None:
        lines.append(f"    token68 {_text(challenge.token68)}")
    lines.extend(f"    {name} = {_text(value)}" for name, value in challenge.params.items())
    return lines


def _bearer_lines(bearer: BearerChallenge) -> list[str]:
    error = None if bearer.error is None else str(bearer.error)
    fields = {
        "realm": bearer.realm,
        "scope": " ".join(bearer.scope) if bearer.scope is not None else None,
        "error": error,
        "error_description": bearer.error_description,
        "error_uri": bearer.error_uri,
        "resource_metadata": bearer.resource_metadata,
    }
    lines = ["  Bearer view (RFC 6750 §3, RFC 9728 §5.1):"]
    lines.extend(f"    {k}: {_text(v) if v is not None else '-'}" for k, v in fields.items())
    lines.extend(f"    problem: {problem}" for problem in bearer.problems)
    return lines


def explain(scan: ChallengeScan, strict_error: ChallengeParseError | None) -> list[str]:
    """Readable lines for one scanned header."""
    lines = []
    if strict_error is None:
        lines.append("  strict: valid RFC 9110 field value")
    else:
        lines.append(f"  strict: rejected, {strict_error.reason} (rule {strict_error.rule})")
    for challenge in scan.challenges:
        lines.extend(_challenge_lines(challenge))
    lines.extend(
        f"  skipped {s.scheme or 'text'} at {s.position}-{s.end}: {s.code}, {s.reason} "
        f"(rule {s.rule}, at offset {s.error_position})"
        for s in scan.skipped
    )
    lines.extend(
        f"  tolerated {t.name} for {t.param or '-'} in {t.scheme} (at offset {t.position})"
        for t in scan.tolerated
    )
    bearer = BearerChallenge.find(scan.challenges)
    if bearer is not None:
        lines.extend(_bearer_lines(bearer))
    lines.extend(f"  => {step}" for step in advice(scan))
    return lines


def _strict_error(value: str | Sequence[str]) -> ChallengeParseError | None:
    try:
        parse_www_authenticate(value)
    except ChallengeParseError as exc:
        return exc
    return None


# --- demo -------------------------------------------------------------------------------------


def _configure_demo(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def _run_demo(args: argparse.Namespace, out: TextIO) -> int:
    if args.json:
        rows = [
            {"name": e.name, "source": e.source, **_as_json(scan_www_authenticate(e.value))}
            for e in EXAMPLES
        ]
        out.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    out.write(f"{len(EXAMPLES)} real-world WWW-Authenticate headers, parsed and explained\n")
    for number, example in enumerate(EXAMPLES, 1):
        lines = (example.value,) if isinstance(example.value, str) else example.value
        out.write(f"\n{number}. {example.name}: {example.source}\n")
        out.writelines(f"   WWW-Authenticate: {line}\n" for line in lines)
        scan = scan_www_authenticate(example.value)
        out.write("\n".join(explain(scan, _strict_error(example.value))) + "\n")
    seed = load_scenarios()[0]
    out.write(
        "\n" + "=" * 78 + "\n"
        f"Discovery for the motivating server ({seed.source}):\n{seed.title}.\n"
        "Simulated with canned responses (`rfcauth simulate --scenario "
        f"{seed.id}`; `rfcauth simulate --list` shows all {len(load_scenarios())}):\n\n"
    )
    out.write(seed.run().explain() + "\n")
    return EXIT_OK


# --- parse ------------------------------------------------------------------------------------


def _configure_parse(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "header",
        nargs="+",
        metavar="HEADER",
        help="a WWW-Authenticate field value; several = several field lines; - reads stdin "
        "(one field line per line)",
    )
    parser.add_argument(
        "--lenient", action="store_true", help="skip malformed challenges (strict=False)"
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def _as_json(scan: ChallengeScan) -> dict[str, Any]:
    bearer = BearerChallenge.find(scan.challenges)
    return {
        "challenges": [
            {"scheme": c.scheme, "token68": c.token68, "params": dict(c.params)}
            for c in scan.challenges
        ],
        "skipped": [
            {
                "scheme": s.scheme,
                "position": s.position,
                "end": s.end,
                "code": s.code,
                "rule": s.rule,
                "reason": s.reason,
            }
            for s in scan.skipped
        ],
        "tolerated": [
            {"name": t.name, "position": t.position, "scheme": t.scheme, "param": t.param}
            for t in scan.tolerated
        ],
        "bearer": None
        if bearer is None
        else {
            "realm": bearer.realm,
            "scope": list(bearer.scope) if bearer.scope is not None else None,
            "error": None if bearer.error is None else str(bearer.error),
            "error_description": bearer.error_description,
            "error_uri": bearer.error_uri,
            "resource_metadata": bearer.resource_metadata,
            "problems": [
                {"code": p.code, "param": p.param, "section": p.section, "message": p.message}
                for p in bearer.problems
            ],
        },
        "advice": advice(scan),
    }


def _run_parse(args: argparse.Namespace, out: TextIO) -> int:
    lines: list[str] = []
    for header in args.header:
        if header == "-":
            lines.extend(line.rstrip("\r\n") for line in sys.stdin if line.strip())
        else:
            lines.append(header)
    if args.lenient:
        scan = scan_www_authenticate(lines)
        error = None
    else:
        try:
            challenges = parse_www_authenticate(lines)
        except ChallengeParseError as exc:
            if args.json:
                report = {"error": exc.reason, "rule": exc.rule, "position": exc.position}
                out.write(json.dumps(report, ensure_ascii=False) + "\n")
            sys.stderr.write(f"rfcauth: {exc}\n")
            return EXIT_PARSE_ERROR
        scan = ChallengeScan(value=", ".join(lines), challenges=challenges)
        error = None
    if args.json:
        out.write(json.dumps(_as_json(scan), indent=2, ensure_ascii=False) + "\n")
    else:
        out.write("\n".join(explain(scan, error)) + "\n")
    return EXIT_OK


COMMANDS: list[Command] = [
    Command(
        name="demo",
        help="parse and explain a built-in set of real-world WWW-Authenticate headers",
        configure=_configure_demo,
        run=_run_demo,
    ),
    Command(
        name="parse",
        help="parse WWW-Authenticate field values (RFC 9110 §11) and explain them",
        configure=_configure_parse,
        run=_run_parse,
    ),
    Command(
        name="simulate",
        help="run discovery against canned HTTP responses and explain every step",
        configure=configure_simulate,
        run=run_simulate,
    ),
    Command(
        name="validate",
        help="validate RFC 8414 / RFC 9728 metadata and list every violation",
        configure=configure_validate,
        run=run_validate,
    ),
    Command(
        name="schema",
        help="print the JSON Schema of an RFC 8414 or RFC 9728 document",
        configure=configure_schema,
        run=run_schema,
    ),
]


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser, one subparser per row of `COMMANDS`."""
    parser = argparse.ArgumentParser(
        prog="rfcauth", description="OAuth discovery for HTTP APIs and MCP servers."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        sub = commands.add_parser(command.name, help=command.help, description=command.help)
        command.configure(sub)
        sub.set_defaults(run=command.run)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the ``rfcauth`` command; return its exit code."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad usage, 0 on --help
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    try:
        return int(args.run(args, out or sys.stdout))
    except UsageError as exc:
        sys.stderr.write(f"rfcauth: {exc}\n")
        return EXIT_USAGE
