from __future__ import annotations

import base64
import json
from urllib.parse import parse_qsl, unquote_plus

import pytest
from hypothesis import given
from hypothesis import strategies as st
from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey

from rfcauth._errors import UsageError
from rfcauth.http import (
    CLIENT_ASSERTION_TYPE_JWT,
    GRANT_JWT_BEARER,
    GRANT_TOKEN_EXCHANGE,
    TOKEN_TYPE_ID_JAG,
    TOKEN_TYPE_ID_TOKEN,
    ClientAuthentication,
    TokenError,
    TokenResponse,
    choose_client_authentication,
    client_credentials_request,
    id_jag_request,
    jwt_bearer_request,
    parse_token_response,
)

TOKEN_URL = "https://as.example/tenant/token"  # noqa: S105 -- a URL, no secret
ISSUER = "https://as.example/tenant"
EC_KEY = ECKey.generate_key("P-256")
EC_PEM = EC_KEY.as_pem(private=True).decode()


def _basic(header: str) -> tuple[str, str]:
    scheme, _, token = header.partition(" ")
    assert scheme == "Basic"
    user, _, password = base64.b64decode(token).decode().partition(":")
    return unquote_plus(user), unquote_plus(password)


@given(client_id=st.text(min_size=1, max_size=20), secret=st.text(min_size=1, max_size=20))
def test_basic_authentication_round_trips_any_id_and_secret(client_id: str, secret: str) -> None:
    # RFC 6749 §2.3.1: both are form-encoded before Basic, so ':' and non-ASCII survive.
    request = client_credentials_request(
        TOKEN_URL, ClientAuthentication.basic(client_id, secret), issuer=ISSUER
    )
    assert _basic(request.headers["Authorization"]) == (client_id, secret)
    assert "client_secret" not in request.form
    assert dict(parse_qsl(request.body.decode())) == {"grant_type": "client_credentials"}


def test_post_authentication_puts_the_secret_in_the_form() -> None:
    request = client_credentials_request(
        TOKEN_URL,
        ClientAuthentication.post("c", "s"),
        issuer=ISSUER,
        scope="a b",
        resource="https://mcp.example/mcp",
    )
    assert "Authorization" not in request.headers
    assert dict(parse_qsl(request.body.decode())) == {
        "grant_type": "client_credentials",
        "scope": "a b",
        "resource": "https://mcp.example/mcp",
        "client_id": "c",
        "client_secret": "s",
    }


def test_private_key_jwt_assertion_verifies_with_the_public_key() -> None:
    auth = ClientAuthentication.private_key_jwt("conformance-client", EC_PEM, algorithm="ES256")
    first = client_credentials_request(TOKEN_URL, auth, issuer=ISSUER)
    second = client_credentials_request(TOKEN_URL, auth, issuer=ISSUER)
    assert first.form["client_assertion_type"] == CLIENT_ASSERTION_TYPE_JWT
    public = ECKey.import_key(EC_KEY.as_dict(private=False))
    token = jwt.decode(first.form["client_assertion"], public, algorithms=["ES256"])
    claims = token.claims
    assert claims["iss"] == claims["sub"] == "conformance-client"
    assert claims["aud"] == ISSUER
    assert claims["exp"] - claims["iat"] == 300
    other = jwt.decode(second.form["client_assertion"], public, algorithms=["ES256"]).claims
    assert claims["jti"] != other["jti"]
    # The assertion authenticates the client: no secret, no client_id needed in the form.
    assert "client_secret" not in first.form
    assert "Authorization" not in first.headers


def test_private_key_jwt_with_rsa() -> None:
    key = RSAKey.generate_key(2048)
    auth = ClientAuthentication.private_key_jwt("c", key.as_pem(private=True), algorithm="RS256")
    assertion = auth.client_assertion("https://as.example", now=1_700_000_000)
    claims = jwt.decode(assertion, RSAKey.import_key(key.as_dict(private=False))).claims
    assert claims["iat"] == 1_700_000_000


def test_secrets_never_appear_in_a_repr() -> None:
    auth = ClientAuthentication.basic("client", "hunter2-secret")
    assert "hunter2" not in repr(auth)
    request = client_credentials_request(
        TOKEN_URL, ClientAuthentication.post("c", "hunter2"), issuer=ISSUER
    )
    assert "hunter2" not in repr(request)
    request = client_credentials_request(TOKEN_URL, auth, issuer=ISSUER)
    assert "aHVudGVy" not in repr(request)  # nor the Basic credentials
    jwt_auth = ClientAuthentication.private_key_jwt("c", EC_PEM)
    assert "PRIVATE" not in repr(jwt_auth)
    granted = parse_token_response(200, b'{"access_token": "sekrit", "token_type": "Bearer"}')
    assert "sekrit" not in repr(granted)


def test_jwt_bearer_grant_carries_the_assertion() -> None:
    request = jwt_bearer_request(
        TOKEN_URL, ClientAuthentication.none("wif"), "eyJ.eyJ.sig", issuer=ISSUER, scope="mcp"
    )
    assert dict(request.form) == {
        "grant_type": GRANT_JWT_BEARER,
        "assertion": "eyJ.eyJ.sig",
        "scope": "mcp",
        "client_id": "wif",
    }
    assert "eyJ.eyJ.sig" not in repr(request)


def test_id_jag_exchange_names_the_authorization_server_and_the_resource() -> None:
    request = id_jag_request(
        "https://idp.example/token",
        ClientAuthentication.none("idp-client"),
        idp_issuer="https://idp.example",
        id_token="id.token.jwt",  # noqa: S106 -- a fixture, no secret
        authorization_server=ISSUER,
        resource="https://mcp.example/mcp",
    )
    assert dict(request.form) == {
        "grant_type": GRANT_TOKEN_EXCHANGE,
        "subject_token": "id.token.jwt",
        "subject_token_type": TOKEN_TYPE_ID_TOKEN,
        "requested_token_type": TOKEN_TYPE_ID_JAG,
        "audience": ISSUER,
        "resource": "https://mcp.example/mcp",
        "client_id": "idp-client",
    }


@pytest.mark.parametrize(
    ("supported", "secret", "key", "registered", "expected"),
    [
        (None, "s", False, None, "client_secret_basic"),  # RFC 8414 §2 default
        (["client_secret_post"], "s", False, None, "client_secret_post"),
        (["client_secret_post", "client_secret_basic"], "s", False, None, "client_secret_basic"),
        (
            ["client_secret_post", "client_secret_basic"],
            "s",
            False,
            "client_secret_post",
            "client_secret_post",
        ),
        (["private_key_jwt", "client_secret_basic"], None, True, None, "private_key_jwt"),
        (["none"], None, False, None, "none"),
        (["client_secret_basic", "none"], None, False, None, "none"),
    ],
)
def test_choice_of_client_authentication(
    supported: list[str] | None,
    secret: str | None,
    key: bool,  # noqa: FBT001 -- a parametrized case
    registered: str | None,
    expected: str,
) -> None:
    chosen = choose_client_authentication(
        supported,
        client_id="c",
        client_secret=secret,
        private_key_pem=EC_PEM if key else None,
        registered=registered,
    )
    assert chosen.method == expected


@pytest.mark.parametrize(
    ("supported", "secret", "key"),
    [(["private_key_jwt"], "s", False), (["client_secret_basic"], None, False), ([], "s", False)],
)
def test_no_common_method_is_a_usage_error(
    supported: list[str],
    secret: str | None,
    key: bool,  # noqa: FBT001 -- a parametrized case
) -> None:
    with pytest.raises(UsageError, match="no token endpoint authentication in common"):
        choose_client_authentication(
            supported, client_id="c", client_secret=secret, private_key_pem=EC_PEM if key else None
        )


def test_misuse_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        ClientAuthentication.basic("c", "")
    with pytest.raises(UsageError):
        ClientAuthentication.private_key_jwt("c", "not a key")
    with pytest.raises(UsageError):
        ClientAuthentication.private_key_jwt("c", EC_KEY.as_pem(private=False))
    with pytest.raises(UsageError):
        client_credentials_request(TOKEN_URL, ClientAuthentication.none("c"), issuer=ISSUER)
    with pytest.raises(UsageError):
        ClientAuthentication.basic("c", "s").client_assertion(ISSUER)
    with pytest.raises(UsageError):
        jwt_bearer_request(TOKEN_URL, ClientAuthentication.none("c"), "", issuer=ISSUER)


def test_token_responses() -> None:
    ok = parse_token_response(
        200,
        json.dumps(
            {
                "access_token": "t",
                "token_type": "DPoP",
                "expires_in": 3600,
                "scope": "a",
                "refresh_token": "r",
                "issued_token_type": TOKEN_TYPE_ID_JAG,
                "x": 1,
            }
        ).encode(),
    )
    assert isinstance(ok, TokenResponse)
    assert (ok.token_type, ok.expires_in, ok.scope, ok.refresh_token) == ("DPoP", 3600, "a", "r")
    assert ok.issued_token_type == TOKEN_TYPE_ID_JAG
    assert dict(ok.extra) == {"x": 1}
    error = parse_token_response(401, b'{"error": "invalid_client", "error_description": "no"}')
    assert error == TokenError(status=401, error="invalid_client", description="no")
    assert str(error) == "invalid_client: no (HTTP 401)"
    missing = parse_token_response(200, b'{"token_type": "Bearer"}')
    assert isinstance(missing, TokenError)
    assert missing.error == "invalid_response"
    # "true" is not an integer lifetime: ignored, not coerced.
    odd = parse_token_response(200, b'{"access_token": "t", "token_type": "B", "expires_in": true}')
    assert isinstance(odd, TokenResponse)
    assert odd.expires_in is None


@given(
    status=st.integers(100, 599),
    body=st.binary(max_size=80)
    | st.builds(
        lambda d: json.dumps(d).encode(),
        st.dictionaries(
            st.sampled_from(["access_token", "token_type", "error", "expires_in"]),
            st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        ),
    ),
)
def test_any_answer_is_read_without_raising(status: int, body: bytes) -> None:
    result = parse_token_response(status, body)
    assert isinstance(result, TokenResponse | TokenError)
    if isinstance(result, TokenResponse):
        assert status == 200
        assert result.access_token


def test_a_server_that_takes_only_the_client_id_gets_only_the_client_id() -> None:
    # A dynamically registered client may be handed a secret by a server whose metadata lists
    # only "none": the secret then goes unused rather than the login failing.
    secret = "s"  # noqa: S105 -- a fixture, no secret
    chosen = choose_client_authentication(["none"], client_id="c", client_secret=secret)
    assert chosen.method == "none"
