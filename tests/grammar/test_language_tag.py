"""RFC 5646 §2.1 language tags: the compiled pattern against the `abnf` library's own grammar."""

from __future__ import annotations

import json
import time

import jsonschema
import pytest
from abnf import ParseError
from abnf.grammars import rfc5646
from hypothesis import given
from hypothesis import strategies as st

from rfcauth import MetadataError, UsageError, parse_protected_resource_metadata
from rfcauth.grammar._language_tag import is_language_tag
from rfcauth.metadata.schema import protected_resource_metadata_schema


def _abnf_says(tag: str) -> bool:
    try:
        rfc5646.Rule("Language-Tag").parse_all(tag)
    except ParseError:
        return False
    return True


_SUBTAG = st.text(alphabet="aZx9-", min_size=1, max_size=9) | st.sampled_from(
    ["en", "zh", "Hant", "TW", "419", "1996", "u", "x", "i", "ca", "gregory", "klingon", "GB"]
)
_TAGGISH = st.lists(_SUBTAG, min_size=1, max_size=7).map("-".join) | st.text(max_size=12)


@given(_TAGGISH)
def test_the_pattern_agrees_with_the_abnf_grammar(tag: str) -> None:
    assert is_language_tag(tag) == _abnf_says(tag)


@pytest.mark.parametrize(
    ("tag", "well_formed"),
    [
        ("ja", True),
        ("zh-Hant-TW", True),
        ("zh-yue-HK", True),  # extlang
        ("de-CH-1996", True),  # variant
        ("en-US-u-ca-gregory", True),  # extension
        ("x-private", True),
        ("EN-gb-OED", True),  # grandfathered, any case
        ("", False),
        ("en_US", False),
        ("en-", False),
        ("e", False),
        ("en-x", False),
        ("toolongtag", False),
        ("ja#x", False),
        ("日本語", False),
    ],
)
def test_examples(tag: str, *, well_formed: bool) -> None:
    assert is_language_tag(tag) is well_formed
    assert _abnf_says(tag) is well_formed


def test_matching_is_linear_on_long_near_misses() -> None:
    for bad in ("en" + "-aaaaa" * 20_000 + "!", "en-a" + "-bb" * 30_000 + "!", "x" + "-a" * 40_000):
        start = time.perf_counter()
        is_language_tag(bad + "!")
        assert time.perf_counter() - start < 0.5


def test_only_well_formed_tags_make_a_translation() -> None:
    """RFC 9728 §2.1: an empty or malformed tag is an unknown member (§3.2), never checked."""
    doc = {
        "resource": "https://r.example",
        "resource_name": "Tool",
        "resource_name#": "Evil",
        "resource_name#ja": "ツール",
        "resource_documentation#not a tag": "see the docs",
    }
    for data in (doc, json.dumps(doc), json.dumps(doc).encode()):
        prm = parse_protected_resource_metadata(data)
        assert prm.localized("resource_name") == {"": "Tool", "ja": "ツール"}
        assert prm.localized_value("resource_name", "de") == "Tool"
        assert prm.extra["resource_name#"] == "Evil"  # kept, as every unknown member is
    with pytest.raises(MetadataError) as info:
        parse_protected_resource_metadata({**doc, "resource_documentation#fr": "see the docs"})
    assert [(v.code, v.location) for v in info.value.violations] == [
        ("invalid_url", "/resource_documentation#fr")
    ]


def test_a_null_translation_takes_the_null_member_tolerance() -> None:
    doc = {"resource": "https://r.example", "resource_name#ja": None}
    with pytest.raises(MetadataError) as info:
        parse_protected_resource_metadata(json.dumps(doc))
    assert info.value.codes == {"wrong_type"}
    prm = parse_protected_resource_metadata(json.dumps(doc), strict=False)
    assert [w.code for w in prm.warnings] == ["null_member"]
    assert prm.localized("resource_name") == {}


def test_the_json_schema_uses_the_same_tags() -> None:
    schema = jsonschema.Draft202012Validator(protected_resource_metadata_schema())
    for name, is_translation in [
        ("resource_name#ja", True),
        ("resource_name#EN-gb-oed", True),
        ("resource_name#", False),
        ("resource_name#not a tag", False),
    ]:
        doc = {"resource": "https://r.example", name: 5}  # not a string
        assert schema.is_valid(doc) is not is_translation


def test_localized_value_wants_a_str_language() -> None:
    prm = parse_protected_resource_metadata('{"resource": "https://r.example"}')
    with pytest.raises(UsageError):
        prm.localized_value("resource_name", None)  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        prm.localized_value("resource", "en")
