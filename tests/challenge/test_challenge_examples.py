"""Example tests: the RFCs' own examples, the built-in corpus and the edge-case vectors."""

from __future__ import annotations

import pytest

from rfcauth import (
    BearerChallenge,
    BearerError,
    Challenge,
    ChallengeParseError,
    parse_www_authenticate,
    scan_www_authenticate,
)
from rfcauth.challenge._examples import EXAMPLES


def ch(scheme: str, token68: str | None = None, **params: str) -> Challenge:
    return Challenge(scheme=scheme, token68=token68, params=params)


TITLE = 'Login to "apps"'
PRM = "https://resource.example.com/.well-known/oauth-protected-resource"

VALID = [
    # RFC 9110 Section 11.6.1 (the example spans two lines in the RFC; one field value)
    (
        'Basic realm="simple", Newauth realm="apps", type=1, title="Login to \\"apps\\""',
        [
            ch("Basic", realm="simple"),
            ch("Newauth", realm="apps", type="1", title='Login to "apps"'),
        ],
    ),
    # RFC 7235 Section 4.1, the same example in the other order
    (
        'Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"',
        [
            ch("Newauth", realm="apps", type="1", title='Login to "apps"'),
            ch("Basic", realm="simple"),
        ],
    ),
    # RFC 6750 Section 3
    ('Bearer realm="example"', [ch("Bearer", realm="example")]),
    (
        (
            'Bearer realm="example", error="invalid_token", '
            'error_description="The access token expired"'
        ),
        [
            ch(
                "Bearer",
                realm="example",
                error="invalid_token",
                error_description="The access token expired",
            )
        ],
    ),
    # RFC 6750 Section 3, the scope examples
    ('Bearer scope="openid profile email"', [ch("Bearer", scope="openid profile email")]),
    (
        'Bearer scope="urn:example:channel=HBO&urn:example:rating=G,PG-13"',
        [ch("Bearer", scope="urn:example:channel=HBO&urn:example:rating=G,PG-13")],
    ),
    # RFC 9728 Section 5.1
    (f'Bearer resource_metadata="{PRM}"', [ch("Bearer", resource_metadata=PRM)]),
    # RFC 9728 Section 5.3 style: error and resource_metadata together
    (
        (
            'Bearer error="invalid_request", error_description="No access token was provided '
            f'in this request", resource_metadata="{PRM}"'
        ),
        [
            ch(
                "Bearer",
                error="invalid_request",
                error_description="No access token was provided in this request",
                resource_metadata=PRM,
            )
        ],
    ),
    # the seed header
    ('Bearer error="invalid_token"', [ch("Bearer", error="invalid_token")]),
    # edge cases (ids from the research notes)
    ("Negotiate YIIBBgYGKwYBBQUCoII=", [ch("Negotiate", token68="YIIBBgYGKwYBBQUCoII=")]),
    ("NTLM TlRMTVNTUAABAAAA", [ch("NTLM", token68="TlRMTVNTUAABAAAA")]),
    ("Basic abc===", [ch("Basic", token68="abc===")]),
    ("Bearer realm=", [ch("Bearer", token68="realm=")]),
    ('BASIC REALM="x"', [ch("BASIC", realm="x")]),
    (r'A p="\n\u0041\f"', [ch("A", p="nu0041f")]),
    (r'Basic realm="a\\", Basic realm="b"', [ch("Basic", realm="a\\"), ch("Basic", realm="b")]),
    ('Basic realm="a, Bearer b=c"', [ch("Basic", realm="a, Bearer b=c")]),
    ('Basic realm="x",,, charset="UTF-8"', [ch("Basic", realm="x", charset="UTF-8")]),
    ('Basic , realm="foo"', [ch("Basic", realm="foo")]),
    ("Bearer" + ",,,," * 10, [ch("Bearer")]),
    ("", []),
    (",", []),
    (" , ,\t, ", []),
    ("Bearer error\t=\tinvalid_token", [ch("Bearer", error="invalid_token")]),
    ('Basic     realm="x"', [ch("Basic", realm="x")]),
    ('Basic realm=""', [ch("Basic", realm="")]),
    ('Basic realm="caf\xe9"', [ch("Basic", realm="caf\xe9")]),
    ("Basic, Bearer", [ch("Basic"), ch("Bearer")]),
    ("A b, C d=e, , F", [ch("A", token68="b"), ch("C", d="e"), ch("F")]),
    (
        'DPoP algs="ES256", Bearer resource_metadata="x"',
        [ch("DPoP", algs="ES256"), ch("Bearer", resource_metadata="x")],
    ),
]


@pytest.mark.parametrize(("header", "expected"), VALID)
def test_valid_headers(header: str, expected: list[Challenge]) -> None:
    assert list(parse_www_authenticate(header)) == expected
    scan = scan_www_authenticate(header)
    assert list(scan.challenges) == expected
    assert scan.clean


INVALID = [
    # header, the code lenient mode reports, the offset strict mode reports
    ('Bearer realm="a", realm="b"', "duplicate_parameter", 18),
    ('Bearer realm="a", REALM="b"', "duplicate_parameter", 18),
    ("Bearer abc, realm=x", "token68_with_parameters", 12),
    ("Bearer realm=, error=x", "token68_with_parameters", 15),
    ("Bearer, error=x", "parameters_without_space", 8),
    ("Bearer\terror=x", "htab_after_scheme", 6),
    ('Bearer realm="x', "unterminated_quoted_string", 13),
    ('Bearer realm="x\\', "unterminated_quoted_string", 13),
    ('Bearer realm="x" error="y"', "missing_comma", 17),
    ('Bearer realm="x" garbage', "missing_comma", 17),
    ("Bearer error=The token expired", "missing_comma", 17),
    ("Bearer realm=x, error=", "missing_value", 22),
    ('Bearer realm="a\rb"', "control_character", 15),
    ('Bearer realm="a\nb"', "control_character", 15),
    ("Bearer realm=a\x00", "control_character", 14),
    ('Bearer realm="\x7f"', "control_character", 14),
    ("Bearer\xa0realm=x", "non_ascii_outside_quoted_string", 6),
    ('Bearer realm="\u20ac"', "non_latin1_character", 14),
    ('Bearer realm="\ud800"', "non_latin1_character", 14),
    ('"Bearer"', "invalid_character", 0),
    ("=x", "invalid_character", 0),
    ('Bearer realm=x"y"', "missing_comma", 14),
]


@pytest.mark.parametrize(("header", "code", "position"), INVALID)
def test_invalid_headers(header: str, code: str, position: int) -> None:
    with pytest.raises(ChallengeParseError) as info:
        parse_www_authenticate(header)
    assert info.value.position == position
    assert "^" in str(info.value)
    assert info.value.value == header.strip(" \t")
    scan = scan_www_authenticate(header)
    assert scan.challenges == ()
    assert [s.code for s in scan.skipped] == [code]
    assert scan.skipped[0].error_position == position


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.name)
def test_corpus_strictness_is_as_documented(example) -> None:
    scan = scan_www_authenticate(example.value)
    if example.strict_ok:
        assert parse_www_authenticate(example.value) == scan.challenges
        assert scan.clean
    else:
        with pytest.raises(ChallengeParseError):
            parse_www_authenticate(example.value)
        assert not scan.clean


def test_seed_header_is_first_and_means_fall_back() -> None:
    assert EXAMPLES[0].value == 'Bearer error="invalid_token"'
    bearer = BearerChallenge.find(parse_www_authenticate(EXAMPLES[0].value))
    assert bearer is not None
    assert bearer.error is BearerError.INVALID_TOKEN
    assert bearer.resource_metadata is None
    assert bearer.problems == ()


def test_duplicate_bearer_param_is_skipped_and_reported_as_bearer() -> None:
    header = 'Bearer resource_metadata="a", resource_metadata="b"'
    assert parse_www_authenticate(header, strict=False) == ()
    (skipped,) = scan_www_authenticate(header).skipped
    assert (skipped.scheme, skipped.code, skipped.position) == ("Bearer", "duplicate_parameter", 0)
    assert skipped.end == len(header)
    assert skipped.text == header


def test_broken_sibling_keeps_the_following_bearer() -> None:
    header = 'Negotiate "abc, Bearer resource_metadata="https://rs.example/prm"'
    scan = scan_www_authenticate(header)
    assert scan.challenges == (ch("Bearer", resource_metadata="https://rs.example/prm"),)
    assert [s.scheme for s in scan.skipped] == ["Negotiate"]


def test_unterminated_quote_in_sibling_keeps_the_following_bearer() -> None:
    header = 'Negotiate realm="x, Bearer error="invalid_token", Basic realm="r"'
    scan = scan_www_authenticate(header)
    assert [c.scheme for c in scan.challenges] == ["Bearer", "Basic"]
    assert scan.challenges[0].params == {"error": "invalid_token"}


def test_nothing_is_salvaged_from_a_broken_challenge() -> None:
    header = 'Bearer resource_metadata="https://good", error="x" junk, Basic realm="r"'
    scan = scan_www_authenticate(header)
    assert scan.challenges == (ch("Basic", realm="r"),)
    assert scan.skipped[0].scheme == "Bearer"


def test_quoted_commas_do_not_create_boundaries_in_recovery() -> None:
    # the broken challenge's quoted value holds a fake Bearer challenge; quotes balance,
    # so recovery steps over it
    header = 'Foo a="x, Bearer resource_metadata=evil" bad, Basic realm="r"'
    scan = scan_www_authenticate(header)
    assert scan.challenges == (ch("Basic", realm="r"),)


def test_lenient_tolerance_unquoted_uri_is_named_and_strict_refuses_it() -> None:
    header = "Bearer resource_metadata=https://rs.example/.well-known/x?a=b"
    with pytest.raises(ChallengeParseError):
        parse_www_authenticate(header)
    scan = scan_www_authenticate(header)
    assert scan.challenges == (
        ch("Bearer", resource_metadata="https://rs.example/.well-known/x?a=b"),
    )
    assert [(t.name, t.param, t.scheme) for t in scan.tolerated] == [
        ("unquoted_uri_value", "resource_metadata", "Bearer")
    ]


def test_tolerance_is_not_kept_for_a_skipped_challenge() -> None:
    scan = scan_www_authenticate("Bearer resource_metadata=https://x, resource_metadata=y")
    assert scan.challenges == ()
    assert scan.tolerated == ()


def test_several_field_lines_join_with_comma() -> None:
    lines = ['Basic realm="a"', b'Bearer error="invalid_token"', "  "]
    assert parse_www_authenticate(lines) == (
        ch("Basic", realm="a"),
        ch("Bearer", error="invalid_token"),
    )
    # a challenge's parameters may continue on the next line (mcp-split-across-fields)
    assert parse_www_authenticate(['Bearer error="x"', 'resource_metadata="u"']) == (
        ch("Bearer", error="x", resource_metadata="u"),
    )


def test_bytes_are_iso_8859_1() -> None:
    assert parse_www_authenticate(b'Basic realm="caf\xe9"') == (ch("Basic", realm="caf\xe9"),)


def test_challenge_helpers() -> None:
    (challenge,) = parse_www_authenticate('bEaReR Error="x"')
    assert challenge.scheme == "bEaReR"
    assert challenge.is_scheme("BEARER")
    assert challenge.param("ERROR") == "x"
    assert challenge.params == {"error": "x"}
    with pytest.raises(TypeError):
        challenge.params["x"] = "y"  # type: ignore[index]
    assert hash(challenge) == hash(ch("bEaReR", error="x"))
