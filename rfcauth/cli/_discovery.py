"""The CLI rows over discovery and metadata: ``simulate``, ``validate`` and ``schema``.

Registered in `rfcauth.cli._main.COMMANDS`.

Exit codes (shared with the rest of the CLI): 0 success (`Authorize`, `NoAuthorizationNeeded`,
a valid document), 1 the input does not parse (bad JSON, invalid document), 2 usage error,
3 discovery fails (`Fail`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from rfcauth._errors import MetadataError, UsageError
from rfcauth.discovery._actions import Fail
from rfcauth.discovery._policy import ClientOptions
from rfcauth.discovery._scenarios import load_scenarios, policy_from_spec
from rfcauth.discovery._simulate import Plan, simulate
from rfcauth.metadata._mcp_profile import check_mcp_profile
from rfcauth.metadata._parse import (
    parse_authorization_server_metadata,
    parse_protected_resource_metadata,
)

if TYPE_CHECKING:
    import argparse

__all__ = [
    "configure_schema",
    "configure_simulate",
    "configure_validate",
    "run_schema",
    "run_simulate",
    "run_validate",
]

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_DISCOVERY_FAILED = 3


def _read_body(path: str) -> bytes | str:
    """The document as received: bytes, so that the parser judges the encoding and the size."""
    if path == "-":
        stream = getattr(sys.stdin, "buffer", None)
        return stream.read() if stream is not None else sys.stdin.read()
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc})") from None


def _read_json(path: str) -> Any:  # noqa: ANN401 - arbitrary JSON
    body = _read_body(path)
    try:
        return json.loads(body)  # bytes: UTF-8 (or -16/-32) as RFC 8259 §8.1 allows
    except ValueError as exc:
        raise UsageError(f"{path}: not JSON ({exc})") from None
    except RecursionError:
        raise UsageError(f"{path}: nested too deeply to read") from None


# --- simulate ---------------------------------------------------------------------------------


def configure_simulate(parser: argparse.ArgumentParser) -> None:
    """``rfcauth simulate WORLD.json`` / ``--scenario ID`` / ``--list``."""
    parser.add_argument(
        "world",
        nargs="?",
        metavar="WORLD.json",
        help='{"resource": URL, "responses": {URL: {"status", "headers", "body"} | '
        '{"error": "timeout"}}, "policy": "compatible"|"strict"|{...}, "client": {...}}; '
        "- reads stdin",
    )
    parser.add_argument("--scenario", metavar="ID", help="run one of the shipped vectors")
    parser.add_argument("--list", action="store_true", help="list the shipped vectors")
    parser.add_argument("--json", action="store_true", help="machine-readable plan")


def _world_plan(world: Any) -> Plan:  # noqa: ANN401 - arbitrary JSON
    if not isinstance(world, dict) or "resource" not in world or "responses" not in world:
        raise UsageError('a world is a JSON object with "resource" and "responses"')
    client = world.get("client", {})
    if not isinstance(client, dict):
        raise UsageError('"client" must be an object of ClientOptions fields')
    try:
        options = ClientOptions(**client)
    except TypeError as exc:
        raise UsageError(f'"client": {exc}') from None
    return simulate(
        world["resource"],
        world["responses"],
        policy=policy_from_spec(world.get("policy", "compatible")),
        client=options,
    )


def run_simulate(args: argparse.Namespace, out: TextIO) -> int:
    """Simulate discovery against canned responses and explain every step."""
    scenarios = load_scenarios()
    if args.list:
        out.writelines(f"{s.id:<45} {s.title}\n" for s in scenarios)
        return EXIT_OK
    if args.scenario is not None:
        matching = [s for s in scenarios if s.id == args.scenario]
        if not matching:
            raise UsageError(f"no scenario {args.scenario!r} (see --list)")
        plan = matching[0].run()
    elif args.world is not None:
        plan = _world_plan(_read_json(args.world))
    else:
        raise UsageError("give WORLD.json, --scenario ID or --list")
    if args.json:
        out.write(json.dumps(plan.as_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        out.write(plan.explain() + "\n")
    return EXIT_DISCOVERY_FAILED if isinstance(plan.outcome, Fail) else EXIT_OK


# --- validate ---------------------------------------------------------------------------------


def configure_validate(parser: argparse.ArgumentParser) -> None:
    """``rfcauth validate asm|prm DOCUMENT.json``."""
    parser.add_argument("kind", choices=["asm", "prm"], help="authorization server or resource")
    parser.add_argument("document", metavar="DOCUMENT.json", help="the document; - reads stdin")
    parser.add_argument(
        "--expected",
        metavar="IDENTIFIER",
        help="the issuer (asm) or resource (prm) the document's URL was built from "
        "(RFC 8414 §3.3 / RFC 9728 §3.3)",
    )
    parser.add_argument(
        "--lenient", action="store_true", help="apply the named tolerances (strict=False)"
    )
    parser.add_argument("--mcp", action="store_true", help="also check the MCP profile")
    parser.add_argument(
        "--keys",
        metavar="JWKS.json",
        help="verify signed_metadata with these keys (a JWK Set or one JWK) and check the "
        "document with the signed values applied (RFC 8414 §2.1, RFC 9728 §2.2; needs the "
        "jose extra)",
    )
    parser.add_argument(
        "--trusted-issuer",
        action="append",
        metavar="ISS",
        help="with --keys: an acceptable 'iss' of the signed metadata (repeatable)",
    )
    parser.add_argument(
        "--algorithm",
        action="append",
        metavar="ALG",
        help="with --keys: an acceptable JWS 'alg' (repeatable; default: the asymmetric ones)",
    )
    parser.add_argument("--json", action="store_true", help="machine-readable report")


def _verify_signed(document: Any, args: argparse.Namespace) -> Any:  # noqa: ANN401 - a model
    """The document with its verified ``signed_metadata`` applied (``--keys``)."""
    from rfcauth.metadata._signed import verify_signed_metadata  # noqa: PLC0415 - the jose extra

    return verify_signed_metadata(
        document,
        _read_json(args.keys),
        algorithms=args.algorithm,
        trusted_issuers=args.trusted_issuer,
        strict=not args.lenient,
    )


def run_validate(args: argparse.Namespace, out: TextIO) -> int:
    """Validate a metadata document and list every violation."""
    if args.keys is None and (args.trusted_issuer or args.algorithm):
        raise UsageError("--trusted-issuer and --algorithm go with --keys")
    text = _read_body(args.document)
    strict = not args.lenient
    try:
        if args.kind == "asm":
            document: Any = parse_authorization_server_metadata(
                text, expected_issuer=args.expected, strict=strict
            )
        else:
            document = parse_protected_resource_metadata(
                text, expected_resource=args.expected, strict=strict
            )
        if args.keys is not None:
            document = _verify_signed(document, args)
    except MetadataError as exc:
        violations = list(exc.violations)
        warnings: list[Any] = []
    else:
        violations = list(check_mcp_profile(document)) if args.mcp else []
        warnings = list(document.warnings)
    valid = not violations
    if args.json:
        report = {
            "valid": valid,
            "violations": [_violation(v) for v in violations],
            "warnings": [_violation(w) for w in warnings],
        }
        out.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    else:
        out.write("valid\n" if valid else f"invalid: {len(violations)} violation(s)\n")
        out.writelines(f"  error   {v}\n" for v in violations)
        out.writelines(f"  warning {w}\n" for w in warnings)
    return EXIT_OK if valid else EXIT_INVALID


def _violation(v: Any) -> dict[str, str]:  # noqa: ANN401 - a Violation
    return {"location": v.location, "code": v.code, "section": v.section, "message": v.message}


# --- schema -----------------------------------------------------------------------------------


def configure_schema(parser: argparse.ArgumentParser) -> None:
    """``rfcauth schema asm|prm``."""
    parser.add_argument("kind", choices=["asm", "prm"], help="which document's JSON Schema")


def run_schema(args: argparse.Namespace, out: TextIO) -> int:
    """Print the JSON Schema (2020-12) of a metadata document."""
    from rfcauth.metadata import schema  # noqa: PLC0415 - only this subcommand needs it

    document = (
        schema.authorization_server_metadata_schema()
        if args.kind == "asm"
        else schema.protected_resource_metadata_schema()
    )
    out.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK
