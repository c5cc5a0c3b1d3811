"""Real servers' documents (tests/data/metadata/manifest.json): the verdict in both modes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rfcauth import (
    MetadataError,
    check_mcp_profile,
    parse_authorization_server_metadata,
    parse_protected_resource_metadata,
)

DATA = Path(__file__).parent.parent / "data" / "metadata"
CASES = json.loads((DATA / "manifest.json").read_text(encoding="utf-8"))["cases"]


def _parse(case: dict[str, object], *, strict: bool) -> object:
    data = (DATA / str(case["file"])).read_bytes()
    expected = case["expected"]
    if str(case["file"]).startswith("asm-"):
        return parse_authorization_server_metadata(
            data,
            expected_issuer=expected,
            strict=strict,  # type: ignore[arg-type]
        )
    return parse_protected_resource_metadata(
        data,
        expected_resource=expected,
        strict=strict,  # type: ignore[arg-type]
    )


def _verdict(case: dict[str, object], *, strict: bool) -> tuple[list[str], list[str], object]:
    """(error codes, warning codes, model or None)."""
    try:
        model = _parse(case, strict=strict)
    except MetadataError as exc:
        return sorted(exc.codes), [], None
    return [], [w.code for w in model.warnings], model  # type: ignore[attr-defined]


@pytest.mark.parametrize("case", CASES, ids=[f"{c['file']}@{c['expected']}" for c in CASES])
def test_corpus_verdicts(case: dict[str, object]) -> None:
    assert case["source"]
    strict_expect: dict[str, list[str]] = case["strict"]  # type: ignore[assignment]
    lenient_expect: dict[str, list[str]] = case["lenient"]  # type: ignore[assignment]

    codes, warnings, model = _verdict(case, strict=True)
    assert codes == sorted(strict_expect["codes"])
    assert warnings == []

    codes, warnings, lenient_model = _verdict(case, strict=False)
    assert codes == sorted(lenient_expect.get("codes", []))
    assert warnings == lenient_expect.get("warnings", [])

    final = model or lenient_model
    if case["mcp"] is None:
        assert final is None
    else:
        assert final is not None
        assert [v.code for v in check_mcp_profile(final)] == case["mcp"]  # type: ignore[arg-type]


DOCUMENTS = sorted(p for p in DATA.glob("*.json") if p.name != "manifest.json")


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_corpus_documents_round_trip_losslessly(path: Path) -> None:
    raw = json.loads(path.read_bytes())
    parse = (
        parse_authorization_server_metadata
        if path.name.startswith("asm-")
        else parse_protected_resource_metadata
    )
    try:
        model = parse(path.read_bytes(), strict=False)
    except MetadataError:
        return  # rejected documents have no model to round-trip
    assert json.loads(model.to_json()) == raw


def test_every_corpus_document_has_a_case() -> None:
    files = {p.name for p in DOCUMENTS}
    assert files == {str(c["file"]) for c in CASES}
