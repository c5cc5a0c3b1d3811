"""``rfcauth validate``: every RFC 8414 / RFC 9728 violation of a metadata document."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rfcauth._errors import UsageError
from rfcauth.cli._commands import Command, Example
from rfcauth.cli._output import EXIT_INVALID, EXIT_OK
from rfcauth.cli._shapes import VALIDATE

if TYPE_CHECKING:
    import argparse
    from types import SimpleNamespace

    from rfcauth._violation import Violation
    from rfcauth.cli._output import Output

__all__ = ["COMMAND"]


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", choices=["asm", "prm"], help="authorization server or resource")
    parser.add_argument(
        "document",
        metavar="DOCUMENT.json",
        help="the document, read as raw bytes so that its encoding and size are judged too; "
        "- reads stdin",
    )
    parser.add_argument(
        "--expected",
        metavar="IDENTIFIER",
        help="the issuer (asm) or resource (prm) the document's URL was built from "
        "(RFC 8414 §3.3 / RFC 9728 §3.3)",
    )
    parser.add_argument(
        "--lenient",
        action="store_true",
        help="apply the named tolerances (strict=False); a document accepted only thanks to "
        "one is reported as such, never as valid",
    )
    parser.add_argument(
        "--mcp", action="store_true", help="also check the MCP profile (for a document that passes)"
    )
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


def _violation(v: Violation) -> dict[str, str]:
    return {"location": v.location, "code": v.code, "section": v.section, "message": v.message}


def _document(args: SimpleNamespace) -> Any:  # noqa: ANN401 - one of the two models
    """The parsed (and with ``--keys``, verified and merged) document; raises MetadataError."""
    from rfcauth.cli._inputs import read_bytes, read_json  # noqa: PLC0415 - lazy
    from rfcauth.metadata import (  # noqa: PLC0415 - lazy: pydantic
        parse_authorization_server_metadata,
        parse_protected_resource_metadata,
    )

    body = read_bytes(args.document)
    strict = not args.lenient
    document: Any
    if args.kind == "asm":
        document = parse_authorization_server_metadata(
            body, expected_issuer=args.expected, strict=strict
        )
    else:
        document = parse_protected_resource_metadata(
            body, expected_resource=args.expected, strict=strict
        )
    if args.keys is not None:
        from rfcauth.metadata import verify_signed_metadata  # noqa: PLC0415 - the jose extra

        document = verify_signed_metadata(
            document,
            read_json(args.keys),
            algorithms=args.algorithm,
            trusted_issuers=args.trusted_issuer,
            strict=strict,
        )
    return document


def _run(args: SimpleNamespace, out: Output) -> int:
    from rfcauth._errors import MetadataError  # noqa: PLC0415 - lazy
    from rfcauth.metadata import check_mcp_profile  # noqa: PLC0415 - lazy: pydantic

    if args.keys is None and (args.trusted_issuer or args.algorithm):
        raise UsageError("--trusted-issuer and --algorithm go with --keys")
    warnings: list[Violation] = []
    try:
        document = _document(args)
    except MetadataError as error:
        violations = list(error.violations)
    else:
        violations = list(check_mcp_profile(document)) if args.mcp else []
        warnings = list(document.warnings)
    valid = not violations
    strict_valid = valid and not warnings
    if out.json:
        out.document(
            {
                "valid": valid,
                "strict": strict_valid,
                "violations": [_violation(v) for v in violations],
                "warnings": [_violation(w) for w in warnings],
            }
        )
    else:
        if strict_valid:
            out.line("valid", "ok")
        elif valid:
            count = len(warnings)
            noun = "tolerance" if count == 1 else "tolerances"
            out.line(
                f"accepted under --lenient with {count} {noun}; not valid: strict validation "
                "rejects it, and a strict client does not use it",
                "warn",
            )
        else:
            out.line(f"invalid: {len(violations)} violation(s)", "bad")
        out.lines((f"  error   {v}", "bad") for v in violations)
        out.lines((f"  warning {w}", "warn") for w in warnings)
    return EXIT_OK if valid else EXIT_INVALID


_GOOGLE_STYLE = (
    b'{"issuer": "https://accounts.example.com", "response_types_supported": ["code"],\n'
    b' "authorization_endpoint": "https://accounts.example.com/authorize",\n'
    b' "token_endpoint": "https://accounts.example.com/token"}\n'
)


def _json_shape() -> dict[str, Any]:
    return VALIDATE


COMMAND = Command(
    name="validate",
    help="validate RFC 8414 / RFC 9728 metadata and list every violation",
    description="Validate an authorization server metadata document (asm, RFC 8414 with OpenID "
    "Connect Discovery) or a protected resource metadata document (prm, RFC 9728) and list "
    "every violation with its JSON pointer, rule id and RFC section. Exit codes: 0 valid (or, "
    "with --lenient, accepted with tolerances), 1 invalid, 2 usage.",
    configure=_configure,
    run=_run,
    examples=(
        Example(
            argv=("validate", "asm", "-", "--expected", "https://accounts.example.com"),
            stdin=_GOOGLE_STYLE,
        ),
        Example(
            argv=("validate", "asm", "-", "--expected", "https://accounts.example.com/"),
            stdin=_GOOGLE_STYLE,
        ),
        Example(
            argv=(
                "validate",
                "asm",
                "-",
                "--expected",
                "https://accounts.example.com/",
                "--lenient",
            ),
            stdin=_GOOGLE_STYLE,
        ),
        Example(
            argv=("validate", "prm", "-", "--mcp", "--json"),
            stdin=b'{"resource": "https://mcp.example.com/mcp"}\n',
        ),
    ),
    json_shape=_json_shape,
)
