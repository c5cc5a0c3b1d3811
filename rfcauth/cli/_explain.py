"""What a parsed ``WWW-Authenticate`` header means for a client (``parse`` and ``demo``).

Lines come as ``(text, style)`` pairs for `rfcauth.cli._output.Output`; every value taken from
the header is shown JSON-quoted, so control characters and escape sequences arrive escaped.
"""

from __future__ import annotations

from rfcauth.challenge import BearerChallenge, ChallengeScan

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see rfcauth._frozen)
if TYPE_CHECKING:
    from typing import Any

    from rfcauth._errors import ChallengeParseError
    from rfcauth.challenge import Challenge

__all__ = ["Line", "advice", "explain", "scan_report", "strict_report"]

Line = tuple[str, str | None]


# JSON string escapes for every character a terminal may act on: the C0 controls, DEL and the C1
# controls (obs-text lets a header carry U+009B, CSI, which some terminals read as ESC [).
_ESCAPES = {code: f"\\u{code:04x}" for code in (*range(0x20), *range(0x7F, 0xA0))} | {
    ord('"'): '\\"',
    ord("\\"): "\\\\",
    ord("\b"): "\\b",
    ord("\t"): "\\t",
    ord("\n"): "\\n",
    ord("\f"): "\\f",
    ord("\r"): "\\r",
}


def _text(value: str) -> str:
    """A value made safe to print: a JSON string, every C0 and C1 control character escaped."""
    return '"' + value.translate(_ESCAPES) + '"'


def _hint_step(url: str) -> str:
    """What to do with a ``resource_metadata`` hint (RFC 9728 §5.1, MCP 2025-11-25)."""
    scheme = url.partition(":")[0].lower() if ":" in url else ""
    if scheme == "https" and "#" not in url:
        return (
            f"Fetch protected resource metadata from {_text(url)} (RFC 9728 §5.1; it may be "
            "on another origin, but its resource must still name this server, RFC 9728 §3.3)."
        )
    if scheme == "http":
        check = "is http, so it fails the https check (http is allowed on a loopback host only)"
    else:
        check = "is not an absolute https URL without a fragment, so it fails the URL check"
    return (
        f"The resource_metadata hint {_text(url)} {check}: ignore it and fall back to "
        "well-known discovery (/.well-known/oauth-protected-resource, RFC 9728 §3)."
    )


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
    malformed = [p for p in bearer.problems if p.param == "resource_metadata"]
    if bearer.resource_metadata is not None:
        steps.append(_hint_step(bearer.resource_metadata))
    elif malformed:
        steps.append(
            f"The resource_metadata hint is malformed ({malformed[0].message}): ignore it and "
            "fall back to well-known discovery (/.well-known/oauth-protected-resource, "
            "RFC 9728 §3)."
        )
    else:
        steps.append(
            "No resource_metadata hint: fall back to well-known discovery "
            "(/.well-known/oauth-protected-resource, RFC 9728 §3), then RFC 8414 metadata."
        )
    return steps


def _challenge_lines(challenge: Challenge) -> list[Line]:
    lines: list[Line] = [(f"  challenge {_text(challenge.scheme)}", "head")]
    if challenge.token68 is not None:
        lines.append((f"    token68 {_text(challenge.token68)}", None))
    lines.extend((f"    {name} = {_text(value)}", None) for name, value in challenge.params.items())
    return lines


def _bearer_lines(bearer: BearerChallenge) -> list[Line]:
    error = None if bearer.error is None else str(bearer.error)
    fields = {
        "realm": bearer.realm,
        "scope": " ".join(bearer.scope) if bearer.scope is not None else None,
        "error": error,
        "error_description": bearer.error_description,
        "error_uri": bearer.error_uri,
        "resource_metadata": bearer.resource_metadata,
    }
    lines: list[Line] = [("  Bearer view (RFC 6750 §3, RFC 9728 §5.1):", "head")]
    lines.extend(
        (f"    {k}: {_text(v) if v is not None else '-'}", None) for k, v in fields.items()
    )
    lines.extend((f"    problem: {problem}", "warn") for problem in bearer.problems)
    return lines


def explain(scan: ChallengeScan, strict_error: ChallengeParseError | None) -> list[Line]:
    """Readable lines for one scanned header and the strict parser's verdict on it."""
    lines: list[Line] = []
    if strict_error is None:
        lines.append(("  strict: valid RFC 9110 field value", "ok"))
    else:
        lines.append(
            (
                (
                    f"  strict: rejected, {strict_error.reason} (rule {strict_error.rule}, "
                    f"at offset {strict_error.position})"
                ),
                "bad",
            )
        )
    for challenge in scan.challenges:
        lines.extend(_challenge_lines(challenge))
    lines.extend(
        (
            (
                f"  skipped {s.scheme or 'text'} at {s.position}-{s.end}: {s.code}, {s.reason} "
                f"(rule {s.rule}, at offset {s.error_position})"
            ),
            "warn",
        )
        for s in scan.skipped
    )
    lines.extend(
        (
            f"  tolerated {t.name} for {t.param or '-'} in {t.scheme} (at offset {t.position})",
            "warn",
        )
        for t in scan.tolerated
    )
    bearer = BearerChallenge.find(scan.challenges)
    if bearer is not None:
        lines.extend(_bearer_lines(bearer))
    lines.extend((f"  => {step}", "head") for step in advice(scan))
    return lines


def strict_report(error: ChallengeParseError | None) -> dict[str, Any]:
    """The strict parser's verdict as JSON data."""
    if error is None:
        return {"valid": True}
    return {"valid": False, "rule": error.rule, "position": error.position, "reason": error.reason}


def scan_report(scan: ChallengeScan, strict_error: ChallengeParseError | None) -> dict[str, Any]:
    """One scanned header as JSON data (the shape ``parse --json`` documents)."""
    bearer = BearerChallenge.find(scan.challenges)
    return {
        "strict": strict_report(strict_error),
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
