"""Metadata documents: rfcauth against the MCP Python SDK's models and authlib, same documents.

One process, one corpus (tests/data/metadata: the real documents every contender accepts):

* rfcauth ``parse_authorization_server_metadata`` / ``parse_protected_resource_metadata``,
  strict, every rule (duplicate names, identity against the expected identifier included);
* MCP Python SDK ``OAuthMetadata`` / ``ProtectedResourceMetadata`` ``.model_validate_json``
  (pydantic; checks member types and AnyHttpUrl syntax, drops unknown members);
* authlib ``AuthorizationServerMetadata(json.loads(body)).validate()`` (AS metadata only:
  authlib has no RFC 9728 model in this release).

Each contender parses the bytes of the response body. Rounds (25 of 100 passes over the
corpus) are interleaved, each timed in CPU time of this process (``time.process_time``: time
the shared machine gives to other work is not counted), and the best round is kept; the ratios
are the point, not the absolute times.
Run: ``.venv/bin/python benchmarks/bench_metadata.py`` (``--quick`` for a smoke run,
``--split`` for the per-document split of rfcauth's time against the SDK's).
"""

from __future__ import annotations

import argparse
import json
import time
import timeit
from pathlib import Path
from typing import TYPE_CHECKING

from rfcauth import parse_authorization_server_metadata, parse_protected_resource_metadata

if TYPE_CHECKING:
    from collections.abc import Callable

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "metadata"
CASES = json.loads((DATA / "manifest.json").read_text(encoding="utf-8"))["cases"]


def _corpus(prefix: str) -> list[tuple[bytes, str]]:
    """(body, expected identifier) of every document rfcauth accepts strictly."""
    seen: set[str] = set()
    out = []
    for case in CASES:
        name = case["file"]
        if name.startswith(prefix) and not case["strict"]["codes"] and name not in seen:
            seen.add(name)
            out.append(((DATA / name).read_bytes(), case["expected"]))
    return out


def contenders(kind: str) -> dict[str, Callable[[bytes, str], object]]:
    from authlib.oauth2.rfc8414 import AuthorizationServerMetadata  # noqa: PLC0415
    from mcp.shared.auth import OAuthMetadata, ProtectedResourceMetadata  # noqa: PLC0415

    if kind == "asm":

        def authlib_validate(body: bytes, _: str) -> object:
            metadata = AuthorizationServerMetadata(json.loads(body))
            metadata.validate()
            return metadata

        return {
            "rfcauth (strict, all rules)": lambda body, issuer: parse_authorization_server_metadata(
                body, expected_issuer=issuer
            ),
            "MCP SDK OAuthMetadata": lambda body, _: OAuthMetadata.model_validate_json(body),
            "authlib validate()": authlib_validate,
        }
    return {
        "rfcauth (strict, all rules)": lambda body, resource: parse_protected_resource_metadata(
            body, expected_resource=resource
        ),
        "MCP SDK ProtectedResourceMetadata": lambda body, _: (
            ProtectedResourceMetadata.model_validate_json(body)
        ),
    }


def measure(kind: str, *, number: int, rounds: int) -> dict[str, float]:
    corpus = _corpus(f"{kind}-")
    funcs = contenders(kind)
    for name, func in funcs.items():  # everyone must accept every document
        for body, expected in corpus:
            assert func(body, expected) is not None, name

    def run_all(func: Callable[[bytes, str], object]) -> None:
        for body, expected in corpus:
            func(body, expected)

    best = dict.fromkeys(funcs, float("inf"))
    for _ in range(rounds):
        for name, func in funcs.items():
            elapsed = timeit.timeit(
                lambda f=func: run_all(f), number=number, timer=time.process_time
            )
            best[name] = min(best[name], elapsed / number / len(corpus))
    return best


def report(kind: str, best: dict[str, float]) -> None:
    title = "AS metadata (RFC 8414)" if kind == "asm" else "protected resource metadata (RFC 9728)"
    print(f"\n{title}: {len(_corpus(kind + '-'))} documents, microseconds per document")
    ours = best["rfcauth (strict, all rules)"]
    for name, seconds in best.items():
        ratio = "" if seconds == ours else f"   rfcauth = {ours / seconds:.2f}x this"
        print(f"  {name:<38} {seconds * 1e6:8.1f} us{ratio}")


def split(kind: str, *, number: int, rounds: int) -> None:
    """Per document: the schema pass alone (S), the rest of rfcauth's parse (P), the SDK.

    S is the fast path's pydantic-core validator on its own (an internal of rfcauth, measured
    to show where the time goes; it is not a usable parse). Interleaved batches, best kept.
    """
    from mcp.shared.auth import OAuthMetadata, ProtectedResourceMetadata  # noqa: PLC0415

    from rfcauth.metadata import _fastpath  # noqa: PLC0415

    validator = _fastpath._ASM_VALIDATOR if kind == "asm" else _fastpath._PRM_VALIDATOR
    sdk = OAuthMetadata if kind == "asm" else ProtectedResourceMetadata
    ours = contenders(kind)["rfcauth (strict, all rules)"]
    print(f"\n{kind}: per document, microseconds (S = schema pass, P = the rest of rfcauth)")
    columns = ("bytes", "members", "S", "P", "SDK", "ratio")
    print(f"  {'document':<45} " + " ".join(f"{c:>7}" for c in columns))
    for body, expected in _corpus(f"{kind}-"):
        funcs: dict[str, Callable[[], object]] = {
            "schema": lambda v=validator, b=body: v.validate_json(b),
            "rfcauth": lambda b=body, e=expected: ours(b, e),
            "sdk": lambda b=body: sdk.model_validate_json(b),
        }
        best = dict.fromkeys(funcs, float("inf"))
        for _ in range(rounds):
            for name, func in funcs.items():
                seconds = timeit.timeit(func, number=number, timer=time.process_time)
                best[name] = min(best[name], seconds / number * 1e6)
        doc = json.loads(body)
        name = str(doc.get("issuer") or doc.get("resource"))[:45]
        print(
            f"  {name:<45} {len(body):>7} {len(doc):>7} {best['schema']:>7.1f}"
            f" {best['rfcauth'] - best['schema']:>7.1f} {best['sdk']:>7.1f}"
            f" {best['rfcauth'] / best['sdk']:>7.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run (few iterations)")
    parser.add_argument(
        "--split", action="store_true", help="per document: schema pass vs the rest vs the SDK"
    )
    args = parser.parse_args()
    number, rounds = (20, 2) if args.quick else (100, 25)
    for kind in ("asm", "prm"):
        if args.split:
            split(kind, number=max(1, number // 2), rounds=rounds * 4)
        else:
            report(kind, measure(kind, number=number, rounds=rounds))


if __name__ == "__main__":
    main()
