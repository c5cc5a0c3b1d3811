"""Cross-language vectors: the kit's properties as JSON Lines any implementation can replay.

Theory of operation
-------------------
Each line is one input and what rfcauth says about it. Generated lines come from the
strategies in ``rfcauth.strategies``, drawn by Hypothesis with a fixed seed and no example
database, so ``rfcauth vectors KIND --count N --seed S`` prints the same lines for the same
rfcauth and Hypothesis versions. The line formats are a JSON Schema (2020-12),
``vectors/schema.json`` (``rfcauth vectors KIND --schema``). A curated, versioned set (RFC
examples and real-world headers, ``vectors/challenges-v1.jsonl``) ships with the package.

Challenge lines: ``{"input", "valid": true, "expect": [{"scheme", "token68", "params"}]}``
(scheme and parameter names lower-cased, values unescaped, RFC 9110 §11) or ``{"input",
"valid": false, "error": {"position", "rule", "code"}}``. Metadata lines: ``{"kind": "asm" |
"prm", "input": {...}, "valid": true}`` or with ``"error": {"rule", "section"}`` (RFC 8414
§2, RFC 9728 §2). Discovery lines: ``{"resource", "responses", "expect": {"outcome",
"probes", ...}}`` (what ``rfcauth.simulate`` does).
"""

from __future__ import annotations

import json
from importlib import resources
from typing import TYPE_CHECKING, Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from rfcauth._errors import ChallengeParseError, UsageError
from rfcauth.challenge import parse_www_authenticate, scan_www_authenticate
from rfcauth.challenge._examples import EXAMPLES
from rfcauth.discovery import Authorize, Fail
from rfcauth.testing._challenge_strategies import (
    MalformedValue,
    WwwAuthenticateValue,
    malformed_www_authenticate_values,
    www_authenticate_values,
)
from rfcauth.testing._checkers import challenge_view
from rfcauth.testing._discovery_strategies import DiscoveryWorld, discovery_worlds
from rfcauth.testing._metadata_strategies import (
    InvalidDocument,
    authorization_server_metadata,
    invalid_authorization_server_metadata,
    invalid_protected_resource_metadata,
    protected_resource_metadata,
)
from rfcauth.testing._report import without_local_constants

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "CURATED_CHALLENGES",
    "KINDS",
    "curated_challenge_vectors",
    "generate_vectors",
    "load_curated",
    "schema",
]

KINDS = ("challenges", "metadata", "discovery")
#: The curated set's file name; the number is its version (a new version is a new file).
CURATED_CHALLENGES = "challenges-v1.jsonl"
_MAX_COUNT = 100_000


def schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of every vector line, with ``$defs`` per kind."""
    text = resources.files("rfcauth.testing").joinpath("vectors", "schema.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def challenge_vector(value: str) -> dict[str, Any]:
    """The vector line for one field value: rfcauth's strict parse, or its error."""
    try:
        parsed = parse_www_authenticate(value)
    except ChallengeParseError as exc:
        skipped = scan_www_authenticate(value).skipped
        code = skipped[0].code if skipped else exc.rule
        error = {"position": exc.position, "rule": exc.rule, "code": code}
        return {"input": value, "valid": False, "error": error}
    return {"input": value, "valid": True, "expect": challenge_view(parsed)}


def _challenge_line(case: WwwAuthenticateValue | MalformedValue) -> dict[str, Any]:
    if isinstance(case, WwwAuthenticateValue):
        return {"input": case.value, "valid": True, "expect": challenge_view(case.challenges)}
    error = {"position": case.position, "rule": case.rule, "code": case.code}
    return {"input": case.value, "valid": False, "error": error}


def _metadata_line(case: tuple[str, dict[str, Any] | InvalidDocument]) -> dict[str, Any]:
    kind, document = case
    if isinstance(document, InvalidDocument):
        error = {"rule": document.rule, "section": document.section}
        return {"kind": kind, "input": document.document, "valid": False, "error": error}
    return {"kind": kind, "input": document, "valid": True}


def _discovery_line(world: DiscoveryWorld) -> dict[str, Any]:
    outcome = world.plan.outcome
    expect: dict[str, Any] = {"probes": list(world.plan.probes)}
    if isinstance(outcome, Authorize):
        expect |= {
            "outcome": "authorize",
            "issuer": outcome.issuer,
            "authorization_endpoint": outcome.authorization_endpoint,
            "protocol": outcome.protocol,
        }
    elif isinstance(outcome, Fail):
        expect |= {"outcome": "fail", "code": outcome.code, "rule": outcome.rule}
    else:
        expect |= {"outcome": "no_authorization_needed"}
    return {"resource": world.resource, "responses": world.responses, "expect": expect}


def _strategy(kind: str) -> tuple[st.SearchStrategy[Any], Callable[[Any], dict[str, Any]]]:
    if kind == "challenges":
        either = st.one_of(www_authenticate_values(), malformed_www_authenticate_values())
        return either, _challenge_line
    if kind == "metadata":
        documents = st.one_of(
            st.tuples(st.just("asm"), authorization_server_metadata()),
            st.tuples(st.just("prm"), protected_resource_metadata()),
            st.tuples(st.just("asm"), invalid_authorization_server_metadata()),
            st.tuples(st.just("prm"), invalid_protected_resource_metadata()),
        )
        return documents, _metadata_line
    return discovery_worlds(), _discovery_line


def generate_vectors(kind: str, *, count: int, seed: int) -> list[dict[str, Any]]:
    """`count` vector lines of `kind` (``"challenges"``, ``"metadata"``, ``"discovery"``).

    The same `seed` gives the same lines (for one rfcauth and Hypothesis version).

    Raises:
        UsageError: an unknown kind, or a count outside 1..100000.
    """
    if kind not in KINDS:
        raise UsageError(f"kind must be one of {', '.join(KINDS)}")
    if not isinstance(count, int) or not 1 <= count <= _MAX_COUNT:
        raise UsageError(f"count must be between 1 and {_MAX_COUNT}")
    strategy, to_line = _strategy(kind)
    lines: list[dict[str, Any]] = []
    seen: set[str] = set()

    @hypothesis_seed(seed)
    @settings(
        max_examples=count * 3,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(case: Any) -> None:  # noqa: ANN401 -- whatever the kind's strategy draws
        if len(lines) >= count:
            return
        line = to_line(case)
        key = json.dumps(line, sort_keys=True)
        if key not in seen:
            seen.add(key)
            lines.append(line)

    with without_local_constants():  # the seed alone decides the lines
        collect()
    return lines


#: The RFCs' own examples: (id, field value, where).
_RFC_EXAMPLES = (
    (
        "rfc9110-newauth-then-basic",
        'Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"',
        "RFC 9110 §11.6.1",
    ),
    ("rfc6750-realm", 'Bearer realm="example"', "RFC 6750 §3"),
    (
        "rfc6750-expired-token",
        (
            'Bearer realm="example", error="invalid_token", '
            'error_description="The access token expired"'
        ),
        "RFC 6750 §3",
    ),
    (
        "rfc9728-resource-metadata",
        'Bearer resource_metadata="https://resource.example.com/.well-known/oauth-protected-resource"',
        "RFC 9728 §5.1",
    ),
    (
        "rfc9728-insufficient-scope",
        (
            'Bearer error="insufficient_scope", scope="files:read files:write", '
            'resource_metadata="https://resource.example.com/.well-known/oauth-protected-resource"'
        ),
        "RFC 9728 §5.1",
    ),
)


def curated_challenge_vectors() -> list[dict[str, Any]]:
    """The curated set: the RFCs' examples and real-world headers, with what they mean."""
    out = [
        {"id": name, "source": source, **challenge_vector(value)}
        for name, value, source in _RFC_EXAMPLES
    ]
    for example in EXAMPLES:
        value = example.value if isinstance(example.value, str) else ", ".join(example.value)
        out.append({"id": example.name, "source": example.source, **challenge_vector(value)})
    return out


def load_curated() -> list[dict[str, Any]]:
    """The curated set as shipped (``vectors/challenges-v1.jsonl``)."""
    path = resources.files("rfcauth.testing").joinpath("vectors", CURATED_CHALLENGES)
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]


def dumps(line: dict[str, Any]) -> str:
    """One JSON Lines line: ASCII, so lone surrogates and controls travel escaped."""
    return json.dumps(line, ensure_ascii=True, sort_keys=False)
