"""Differential tests: the fast parser against the reference parser built by `abnf`."""

from __future__ import annotations

import re

import pytest
from abnf.grammars import rfc9110
from abnf.parser import ParseError
from budgets import budget
from hypothesis import given
from hypothesis import strategies as st
from test_challenge_examples import INVALID, VALID

from rfcauth import (
    ChallengeParseError,
    format_www_authenticate,
    parse_www_authenticate,
)
from rfcauth.challenge._examples import EXAMPLES
from rfcauth.grammar import _abnf, reference
from rfcauth.strategies import (
    challenges as challenge_strategy,
)
from rfcauth.strategies import (
    near_valid_www_authenticate_values as near_valid_headers,
)
from rfcauth.strategies import (
    www_authenticate_values,
)

challenge_lists = st.lists(challenge_strategy(), max_size=4)
headers = www_authenticate_values().map(lambda case: case.value)


def outcome(parse, text: object) -> object:
    try:
        return parse(text)
    except ChallengeParseError as exc:
        return ("error", exc.rule == "max_length")


def assert_same(text: object) -> None:
    assert outcome(parse_www_authenticate, text) == outcome(reference.parse_www_authenticate, text)


@pytest.mark.parametrize("header", [h for h, _ in VALID] + [h for h, _, _ in INVALID])
def test_tables_agree(header: str) -> None:
    assert_same(header)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.name)
def test_corpus_agrees(example) -> None:
    assert_same(example.value)


@budget(60)
@given(headers)
def test_generated_valid_headers_agree(header: str) -> None:
    fast = parse_www_authenticate(header)
    assert reference.parse_www_authenticate(header) == fast


@budget(100)
@given(near_valid_headers())
def test_mutated_headers_agree(header: str) -> None:
    assert_same(header)


@budget(60)
@given(st.text(alphabet='ab=, \t"\\\x00\xe9', max_size=14).map(lambda s: "X " + s))
def test_dense_punctuation_agrees(header: str) -> None:
    assert_same(header)


@budget(60)
@given(challenge_lists)
def test_formatted_output_is_in_the_abnf_packages_sender_grammar(challenges) -> None:
    # abnf's own RFC 9110 grammar is the sender form (no empty list elements)
    text = format_www_authenticate(challenges)
    try:
        rfc9110.Rule("WWW-Authenticate").parse_all(text)
    except ParseError:  # pragma: no cover -- the failure is the finding
        pytest.fail(f"not in the RFC 9110 sender grammar: {text!r}")


VALUE_RULES = [
    ("scope", "SCOPE", 'ab :/ \\"\t'),
    ("error", "ERROR", 'ab_ \\"!\x7f'),
    ("error-description", "ERROR_DESCRIPTION", 'ab ."\\~\xe9'),
    ("URI-reference", "URI_REFERENCE", "ab:/?#[]@%1F.-"),
    ("URI", "URI", "hps:/?#[]@%1F.:v"),
    ("token68", "TOKEN68", "aZ9-._~+/= "),
    ("quoted-string", "QUOTED_STRING", 'a"\\ \t\x01\xe9'),
]


@pytest.mark.parametrize(("rule", "constant", "alphabet"), VALUE_RULES)
def test_generated_regex_equals_abnf_rule(rule: str, constant: str, alphabet: str) -> None:
    pattern = re.compile(getattr(_abnf, constant))

    @budget(80)
    @given(st.text(alphabet=alphabet, max_size=10))
    def check(text: str) -> None:
        assert bool(pattern.fullmatch(text)) == reference.matches(rule, text), text

    check()


@pytest.mark.parametrize(
    "uri",
    [
        "https://resource.example.com/.well-known/oauth-protected-resource",
        "http://[::1]:8080/a?b#c",
        "https://[v1.x]/",
        "urn:ietf:params:oauth",
        "https://192.168.0.1/",
        "//host/path",
        "relative/path",
        "",
        "ht tp://x",
        "https://exa mple.com",
        "https://x/%zz",
    ],
)
def test_uri_rules_agree_on_examples(uri: str) -> None:
    for rule, constant in (("URI", "URI"), ("URI-reference", "URI_REFERENCE")):
        fast = bool(re.fullmatch(getattr(_abnf, constant), uri))
        assert fast == reference.matches(rule, uri), (rule, uri)


def test_reference_reports_duplicates_and_positions() -> None:
    with pytest.raises(ChallengeParseError) as info:
        reference.parse_www_authenticate('Bearer a="1", A="2"')
    assert (info.value.position, info.value.rule) == (14, "auth-param")
