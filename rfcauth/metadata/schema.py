"""JSON Schema (2020-12) for RFC 8414 and RFC 9728 documents, for implementations elsewhere.

Generated from the same member tables and rule table the parsers use (`_members`, `_rules`),
so the schema and the models cannot drift. The schema expresses what JSON Schema can: member
types, required members, non-empty arrays, ``https`` / no-query / no-fragment identifiers,
``none`` bans, and the conditional requirements of RFC 8414 §2. It cannot express the context
rules (RFC 8414 §3.3 / RFC 9728 §3.3 identity), duplicate member names, the structural
``signed_metadata`` checks beyond its shape, or rfcauth's lenient tolerances; the rule table is
attached as ``x-rfcauth-rules`` for reference.

Usage: ``python -m rfcauth.metadata.schema asm`` or ``python -m rfcauth.metadata.schema prm``.

>>> schema = protected_resource_metadata_schema()
>>> schema["required"], schema["properties"]["bearer_methods_supported"]["type"]
(['resource'], 'array')
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Final

from rfcauth.grammar._abnf import SCOPE_TOKEN
from rfcauth.grammar._language_tag import LANGUAGE_TAG
from rfcauth.grammar._uri import FAST_HTTPS_URL, FAST_ISSUER, FAST_RESOURCE, FAST_URL, whole
from rfcauth.metadata._members import (
    ASM_MEMBERS,
    ASM_SIGNING_ALG_LISTS,
    BOOL,
    ISSUER,
    ISSUERS,
    JWS,
    LOCALIZABLE,
    PRM_MEMBERS,
    RESOURCE,
    RESOURCES,
    SCOPES,
    STRING,
    STRINGS,
    URL,
    URL_HTTPS,
    URL_MAP,
)
from rfcauth.metadata._rules import RULES

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = ["authorization_server_metadata_schema", "main", "protected_resource_metadata_schema"]

JsonObject = dict[str, object]

_DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"
_URL: Final[JsonObject] = {"type": "string", "format": "uri", "pattern": whole(FAST_URL)}
_HTTPS_URL: Final[JsonObject] = {
    "type": "string",
    "format": "uri",
    "pattern": whole(FAST_HTTPS_URL),
}
_ISSUER: Final[JsonObject] = {
    "type": "string",
    "format": "uri",
    "pattern": whole(FAST_ISSUER),
    "description": "RFC 8414 §2 issuer identifier: https, no query, no fragment.",
}
_RESOURCE: Final[JsonObject] = {
    "type": "string",
    "format": "uri",
    "pattern": whole(FAST_RESOURCE),
    "description": "RFC 9728 §1.2 resource identifier: https, no fragment.",
}
_JWT_METHODS: Final = ["private_key_jwt", "client_secret_jwt"]


def _member_schema(kind: str, *, allow_empty: bool = False, no_none: bool = False) -> JsonObject:
    if kind in (STRINGS, SCOPES):
        item: JsonObject = {"type": "string"}
        if kind == SCOPES:  # RFC 6749 §3.3 scope-token
            item["pattern"] = f"^(?:{SCOPE_TOKEN})$"
        if no_none:
            item["not"] = {"const": "none"}
        schema: JsonObject = {"type": "array", "items": item}
        if not allow_empty:
            schema["minItems"] = 1
        return schema
    simple: Mapping[str, JsonObject] = {
        URL: _URL,
        URL_HTTPS: _HTTPS_URL,
        ISSUER: _ISSUER,
        RESOURCE: _RESOURCE,
        STRING: {"type": "string"},
        BOOL: {"type": "boolean"},
        JWS: {
            "type": "string",
            "pattern": r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$",
            "description": "JWT in JWS compact serialization; alg is not none (RFC 8414 §2.1).",
        },
        URL_MAP: {"type": "object", "additionalProperties": _URL},
        ISSUERS: {"type": "array", "items": _ISSUER, "minItems": 1},
        RESOURCES: {"type": "array", "items": _RESOURCE, "minItems": 1},
    }
    return dict(simple[kind])


def _rules(kind: str) -> list[JsonObject]:
    out: list[JsonObject] = []
    for rule in RULES.values():
        section = rule.asm if kind == "asm" else rule.prm
        if section is not None:
            out.append({"id": rule.id, "section": section, "summary": rule.summary})
    return out


def _contains_any(values: Sequence[str]) -> JsonObject:
    return {"contains": {"enum": list(values)}}


def authorization_server_metadata_schema() -> JsonObject:
    """JSON Schema of an RFC 8414 Authorization Server Metadata document (+ OIDC members)."""
    banned = {f"{p}_auth_signing_alg_values_supported" for p in ASM_SIGNING_ALG_LISTS}
    properties = {
        name: _member_schema(kind, no_none=name in banned) for name, kind in ASM_MEMBERS.items()
    }
    conditions: list[JsonObject] = [
        {
            # RFC 8414 §2: REQUIRED unless no grant type that uses it is supported; the
            # default grant types (authorization_code, implicit) both use it.
            "if": {
                "anyOf": [
                    {"not": {"required": ["grant_types_supported"]}},
                    {
                        "required": ["grant_types_supported"],
                        "properties": {
                            "grant_types_supported": _contains_any(
                                ["authorization_code", "implicit"]
                            )
                        },
                    },
                ]
            },
            "then": {"required": ["authorization_endpoint"]},
        },
        {
            # RFC 8414 §2: REQUIRED unless only the implicit grant type is supported.
            "if": {
                "not": {
                    "required": ["grant_types_supported"],
                    "properties": {"grant_types_supported": {"items": {"const": "implicit"}}},
                }
            },
            "then": {"required": ["token_endpoint"]},
        },
    ]
    # RFC 8414 §2: the signing-alg list MUST be present when a *_jwt method is listed.
    conditions.extend(
        {
            "if": {
                "required": [f"{prefix}_auth_methods_supported"],
                "properties": {f"{prefix}_auth_methods_supported": _contains_any(_JWT_METHODS)},
            },
            "then": {"required": [f"{prefix}_auth_signing_alg_values_supported"]},
        }
        for prefix in ASM_SIGNING_ALG_LISTS
    )
    return {
        "$schema": _DIALECT,
        "title": "OAuth 2.0 Authorization Server Metadata (RFC 8414)",
        "description": "Generated by rfcauth.metadata.schema from the rules rfcauth enforces "
        "(strict mode, document-level rules only).",
        "type": "object",
        "required": ["issuer", "response_types_supported"],
        "properties": properties,
        "additionalProperties": True,
        "allOf": conditions,
        "x-rfcauth-rules": _rules("asm"),
    }


def protected_resource_metadata_schema() -> JsonObject:
    """JSON Schema of an RFC 9728 Protected Resource Metadata document."""
    properties = {
        name: _member_schema(
            kind,
            allow_empty=name == "bearer_methods_supported",
            no_none=name == "resource_signing_alg_values_supported",
        )
        for name, kind in PRM_MEMBERS.items()
    }
    tagged = {  # RFC 9728 §2.1: <member>#<BCP 47 language tag>
        f"^{name}#(?:{LANGUAGE_TAG})$": _member_schema(PRM_MEMBERS[name])
        for name in sorted(LOCALIZABLE)
    }
    return {
        "$schema": _DIALECT,
        "title": "OAuth 2.0 Protected Resource Metadata (RFC 9728)",
        "description": "Generated by rfcauth.metadata.schema from the rules rfcauth enforces "
        "(strict mode, document-level rules only).",
        "type": "object",
        "required": ["resource"],
        "properties": properties,
        "patternProperties": tagged,
        "additionalProperties": True,
        "x-rfcauth-rules": _rules("prm"),
    }


_SCHEMAS: Final = {
    "asm": authorization_server_metadata_schema,
    "prm": protected_resource_metadata_schema,
}


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m rfcauth.metadata.schema asm|prm``: print the schema as JSON; 2 on bad usage."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1 or args[0] not in _SCHEMAS:
        sys.stderr.write("usage: python -m rfcauth.metadata.schema asm|prm\n")
        return 2
    sys.stdout.write(json.dumps(_SCHEMAS[args[0]](), indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
