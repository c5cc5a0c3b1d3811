"""The typed Bearer view: RFC 6750 Section 3 values and RFC 9728 Section 5.1."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rfcauth import (
    BearerChallenge,
    BearerError,
    Challenge,
    UsageError,
    parse_www_authenticate,
)

PRM = "https://resource.example.com/.well-known/oauth-protected-resource"


def view(header: str) -> BearerChallenge:
    bearer = BearerChallenge.find(parse_www_authenticate(header))
    assert bearer is not None
    return bearer


def codes(bearer: BearerChallenge) -> list[str]:
    return [p.code for p in bearer.problems]


def test_rfc_6750_example() -> None:
    bearer = view(
        'Bearer realm="example", error="invalid_token", '
        'error_description="The access token expired"'
    )
    assert bearer.realm == "example"
    assert bearer.error is BearerError.INVALID_TOKEN
    assert bearer.error_description == "The access token expired"
    assert (bearer.scope, bearer.error_uri, bearer.resource_metadata) == (None, None, None)
    assert bearer.problems == ()


def test_rfc_9728_example() -> None:
    assert view(f'Bearer resource_metadata="{PRM}"').resource_metadata == PRM


def test_insufficient_scope_with_scope_tokens() -> None:
    bearer = view('Bearer error="insufficient_scope", scope="files:read  files:write"')
    assert bearer.error is BearerError.INSUFFICIENT_SCOPE
    # two spaces: not `scope-token *( SP scope-token )`, so reported and not used
    assert bearer.scope is None
    assert codes(bearer) == ["scope_invalid"]
    assert view('Bearer scope="openid profile email"').scope == ("openid", "profile", "email")


def test_unknown_error_code_is_kept_as_string() -> None:
    bearer = view('Bearer error="use_dpop_nonce"')
    assert bearer.error == "use_dpop_nonce"
    assert not isinstance(bearer.error, BearerError)


@pytest.mark.parametrize(
    ("header", "code", "field"),
    [
        ('Bearer error="bad\\"quote"', "error_invalid", "error"),
        ('Bearer error_description="caf\xe9"', "error_description_invalid", "error_description"),
        ('Bearer error_uri="not a uri"', "error_uri_invalid", "error_uri"),
        (
            'Bearer resource_metadata="/relative/path"',
            "resource_metadata_invalid",
            "resource_metadata",
        ),
        ('Bearer resource_metadata=""', "resource_metadata_invalid", "resource_metadata"),
        ('Bearer scope=""', "scope_invalid", "scope"),
        ('Bearer error=""', "error_invalid", "error"),
    ],
)
def test_values_breaking_their_grammar_are_reported_not_used(
    header: str, code: str, field: str
) -> None:
    bearer = view(header)
    assert code in codes(bearer)
    assert getattr(bearer, field) is None
    assert str(bearer.problems[0]).endswith("]")


def test_profile_problems() -> None:
    assert codes(view("Bearer")) == ["no_auth_params"]
    assert codes(view("Bearer abc==")) == ["token68_instead_of_auth_params"]
    other = BearerChallenge.from_challenge(Challenge(scheme="Basic", params={"realm": "x"}))
    assert codes(other) == ["not_bearer"]
    assert other.realm == "x"


def test_find_takes_the_first_bearer_wherever_it_stands() -> None:
    challenges = parse_www_authenticate(
        'Basic realm="a", DPoP algs="ES256", bearer realm="first", Bearer realm="second"'
    )
    bearer = BearerChallenge.find(challenges)
    assert bearer is not None
    assert bearer.realm == "first"
    assert bearer.challenge is challenges[2]
    assert BearerChallenge.find(parse_www_authenticate("Basic realm=x")) is None
    assert BearerChallenge.find([]) is None


def test_disguised_parameters_are_not_found() -> None:
    # every MCP SDK regex returns the URL hidden in realm and the scope in the description
    bearer = view(
        'Bearer realm="x resource_metadata=https://evil.example/prm", '
        'error_description="scope=admin", scope="read"'
    )
    assert bearer.resource_metadata is None
    assert bearer.scope == ("read",)


def test_from_challenge_wants_a_challenge() -> None:
    with pytest.raises(UsageError):
        BearerChallenge.from_challenge("Bearer")  # type: ignore[arg-type]


@given(st.text(alphabet="!#$%&'()*+,-./09:;<=>?@AZ[]^_`az{|}~ \"\\", max_size=20))
def test_scope_is_used_exactly_when_it_is_valid(scope: str) -> None:
    bearer = BearerChallenge.from_challenge(Challenge(scheme="Bearer", params={"scope": scope}))
    if bearer.scope is None:
        assert codes(bearer) == ["scope_invalid"]
    else:
        assert " ".join(bearer.scope) == scope
        assert all(bearer.scope)
        assert not any(c in scope for c in '"\\')
