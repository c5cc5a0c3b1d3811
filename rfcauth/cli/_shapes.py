"""The documented shapes of ``--json`` output, as JSON Schema (2020-12).

``docs/cli.md`` prints them next to each subcommand and the tests validate every subcommand's
JSON output against them, so the documentation and the output cannot drift apart.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (see rfcauth._frozen)
if TYPE_CHECKING:
    from typing import Any, Final

__all__ = ["ERROR", "LIST", "PARSE", "PLAN", "SCHEMA", "VALIDATE", "demo_shape"]

_STR: Final[dict[str, Any]] = {"type": "string"}
_OPT_STR: Final[dict[str, Any]] = {"type": ["string", "null"]}
_INT: Final[dict[str, Any]] = {"type": "integer"}


def _object(required: dict[str, Any], *, extra: bool = False) -> dict[str, Any]:
    return {
        "type": "object",
        "required": list(required),
        "properties": required,
        "additionalProperties": extra,
    }


ERROR: Final[dict[str, Any]] = _object(
    {
        "error": _object(
            {"code": _STR, "message": _STR, "exit": {"enum": [1, 2, 3]}},
            extra=True,  # details: rule and position, or violations
        )
    }
)

_VIOLATION: Final[dict[str, Any]] = _object(
    {"location": _STR, "code": _STR, "section": _STR, "message": _STR}
)

PARSE: Final[dict[str, Any]] = _object(
    {
        "strict": {
            "type": "object",
            "required": ["valid"],
            "properties": {
                "valid": {"type": "boolean"},
                "rule": _STR,
                "position": _INT,
                "reason": _STR,
            },
            "additionalProperties": False,
        },
        "challenges": {
            "type": "array",
            "items": _object(
                {
                    "scheme": _STR,
                    "token68": _OPT_STR,
                    "params": {"type": "object", "additionalProperties": _STR},
                }
            ),
        },
        "skipped": {
            "type": "array",
            "items": _object(
                {
                    "scheme": _OPT_STR,
                    "position": _INT,
                    "end": _INT,
                    "code": _STR,
                    "rule": _STR,
                    "reason": _STR,
                }
            ),
        },
        "tolerated": {
            "type": "array",
            "items": _object({"name": _STR, "position": _INT, "scheme": _STR, "param": _OPT_STR}),
        },
        "bearer": {
            "oneOf": [
                {"type": "null"},
                _object(
                    {
                        "realm": _OPT_STR,
                        "scope": {"type": ["array", "null"], "items": _STR},
                        "error": _OPT_STR,
                        "error_description": _OPT_STR,
                        "error_uri": _OPT_STR,
                        "resource_metadata": _OPT_STR,
                        "problems": {
                            "type": "array",
                            "items": _object(
                                {"code": _STR, "param": _STR, "section": _STR, "message": _STR}
                            ),
                        },
                    }
                ),
            ]
        },
        "advice": {"type": "array", "items": _STR},
    }
)

VALIDATE: Final[dict[str, Any]] = _object(
    {
        "valid": {"type": "boolean", "description": "accepted in the mode asked for"},
        "strict": {"type": "boolean", "description": "accepted without any tolerance"},
        "violations": {"type": "array", "items": _VIOLATION},
        "warnings": {"type": "array", "items": _VIOLATION},
    }
)

_ACTION: Final[dict[str, Any]] = {
    "type": "object",
    "required": ["action", "reason", "rule", "explanation", "notes"],
    "properties": {
        "action": {
            "enum": [
                "FetchResourceMetadata",
                "FetchServerMetadata",
                "Authorize",
                "Fail",
                "NoAuthorizationNeeded",
            ]
        },
        "reason": _STR,
        "rule": _STR,
        "explanation": _STR,
        "notes": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "message", "rule", "level"],
                "properties": {"code": _STR, "message": _STR, "rule": _STR, "url": _OPT_STR},
            },
        },
    },
}

PLAN: Final[dict[str, Any]] = {
    "type": "object",
    "required": ["resource", "exchanges", "steps", "outcome"],
    "properties": {
        "resource": _STR,
        "exchanges": {
            "type": "array",
            "items": _object(
                {
                    "url": _STR,
                    "status": {"type": ["integer", "null"]},
                    "error": _OPT_STR,
                    "listed": {"type": "boolean"},
                }
            ),
        },
        "steps": {"type": "array", "items": _ACTION},
        "outcome": {
            **_ACTION,
            "properties": {
                **_ACTION["properties"],
                "action": {"enum": ["Authorize", "Fail", "NoAuthorizationNeeded"]},
            },
        },
    },
}

LIST: Final[dict[str, Any]] = {
    "type": "array",
    "items": _object({"id": _STR, "title": _STR, "rule": _STR, "source": _OPT_STR}),
}

SCHEMA: Final[dict[str, Any]] = {
    "type": "object",
    "required": ["$schema", "type", "properties"],
    "properties": {"$schema": {"const": "https://json-schema.org/draft/2020-12/schema"}},
}


def demo_shape() -> dict[str, Any]:
    """``demo --json``: every header's `PARSE` report with its name, and the seed's `PLAN`."""
    header = {
        **PARSE,
        "required": [*PARSE["required"], "name", "source", "value"],
        "properties": {
            **PARSE["properties"],
            "name": _STR,
            "source": _STR,
            "value": {"oneOf": [_STR, {"type": "array", "items": _STR}]},
        },
    }
    discovery = {
        **PLAN,
        "required": [*PLAN["required"], "scenario", "title", "source"],
        "properties": {**PLAN["properties"], "scenario": _STR, "title": _STR, "source": _OPT_STR},
    }
    return _object({"headers": {"type": "array", "items": header}, "discovery": discovery})
