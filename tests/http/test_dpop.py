from __future__ import annotations

import base64
import hashlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from joserfc import jws
from joserfc.jwk import ECKey, JWKRegistry, OctKey

from rfcauth._errors import UsageError
from rfcauth.http import (
    DPOP_ALGORITHMS,
    DPoPKey,
    access_token_hash,
    choose_dpop_algorithm,
    proof_htu,
    use_dpop_nonce,
)

_KEYS = {alg: DPoPKey.generate(alg) for alg in DPOP_ALGORITHMS}


def _verify(proof: str) -> tuple[dict[str, object], dict[str, object]]:
    """Verify a proof the way a server does (RFC 9449 §4.3), independently of DPoPKey."""
    header_part = proof.split(".", maxsplit=1)[0]
    header = json.loads(base64.urlsafe_b64decode(header_part + "=" * (-len(header_part) % 4)))
    public = JWKRegistry.import_key(header["jwk"])
    assert not public.is_private
    registry = jws.JWSRegistry(algorithms=[header["alg"]])
    registry.max_header_length = 4096  # an RSA public key makes a long header
    obj = jws.deserialize_compact(proof, public, registry=registry)
    return dict(obj.protected), json.loads(obj.payload)


def test_rfc_9449_example_ath() -> None:
    # RFC 9449 §7.1, Figure 12: the access token and the ath of the proof that presents it.
    token = "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"  # noqa: S105 -- the RFC example
    assert access_token_hash(token) == "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo"


@pytest.mark.parametrize("alg", DPOP_ALGORITHMS)
def test_every_algorithm_signs_a_proof_a_server_accepts(alg: str) -> None:
    key = _KEYS[alg]
    header, claims = _verify(key.proof("POST", "https://as.example/token?a=b#c", now=1_700_000_000))
    assert header["typ"] == "dpop+jwt"
    assert header["alg"] == alg
    assert "d" not in header["jwk"]  # type: ignore[operator]
    assert claims["htm"] == "POST"
    assert claims["htu"] == "https://as.example/token"
    assert claims["iat"] == 1_700_000_000
    assert "ath" not in claims
    assert "nonce" not in claims
    assert isinstance(claims["jti"], str)
    assert len(claims["jti"]) >= 16  # type: ignore[arg-type]


def test_thumbprint_is_rfc_7638_of_the_header_jwk() -> None:
    key = _KEYS["ES256"]
    header, _ = _verify(key.proof("GET", "https://rs.example/mcp"))
    jwk = header["jwk"]
    assert isinstance(jwk, dict)
    canonical = json.dumps(
        {m: jwk[m] for m in ("crv", "kty", "x", "y")}, separators=(",", ":"), sort_keys=True
    )
    expected = base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=")
    assert key.thumbprint == expected.decode()


def test_proof_binds_the_access_token_and_is_fresh_each_time() -> None:
    key = _KEYS["ES256"]
    token = "tok.en"  # noqa: S105 -- a fixture, no secret
    first = _verify(key.proof("POST", "https://rs.example/mcp", access_token=token))[1]
    second = _verify(key.proof("POST", "https://rs.example/mcp", access_token=token))[1]
    assert first["ath"] == access_token_hash(token)
    assert first["jti"] != second["jti"]


def test_nonces_are_remembered_per_origin_and_replaced_by_newer_ones() -> None:
    key = DPoPKey.generate()
    key.remember_nonce("https://as.example/token", "n-1")
    assert key.nonce_for("https://AS.example/other") == "n-1"
    assert key.nonce_for("https://rs.example/mcp") is None
    key.observe("https://as.example/token", {"dpop-nonce": "n-2"})
    assert _verify(key.proof("POST", "https://as.example/token"))[1]["nonce"] == "n-2"
    assert "nonce" not in _verify(key.proof("POST", "https://rs.example/mcp"))[1]
    # An explicit nonce wins over the remembered one.
    assert _verify(key.proof("POST", "https://as.example/t", nonce="x"))[1]["nonce"] == "x"


def test_a_value_that_is_not_a_nonce_is_not_kept() -> None:
    key = DPoPKey.generate()
    key.remember_nonce("https://as.example/", 'has "quotes" and space')
    key.remember_nonce("https://as.example/", "")
    assert key.nonce_for("https://as.example/") is None


def test_repr_never_shows_the_private_key() -> None:
    key = _KEYS["ES256"]
    private_d = key._key.as_dict(private=True)["d"]
    assert private_d not in repr(key)
    assert key.thumbprint in repr(key)
    assert "d" not in key.public_jwk


def test_authorization_server_nonce_challenge() -> None:
    body = b'{"error": "use_dpop_nonce", "error_description": "nonce required"}'
    assert use_dpop_nonce(400, {"DPoP-Nonce": "abc"}, body) == "abc"
    assert use_dpop_nonce(400, {"DPoP-Nonce": "abc"}, b'{"error": "invalid_grant"}') is None
    assert use_dpop_nonce(400, {}, body) is None
    assert use_dpop_nonce(400, {"DPoP-Nonce": "abc"}, b"not json") is None
    assert use_dpop_nonce(400, {"DPoP-Nonce": "abc"}, b"[1]") is None


def test_resource_server_nonce_challenge() -> None:
    headers = {
        "WWW-Authenticate": 'DPoP error="use_dpop_nonce", resource_metadata="https://x/"',
        "DPoP-Nonce": "rs-nonce",
    }
    assert use_dpop_nonce(401, headers) == "rs-nonce"
    bearer = dict(headers, **{"WWW-Authenticate": 'Bearer error="use_dpop_nonce"'})
    assert use_dpop_nonce(401, bearer) is None
    broken = dict(headers, **{"WWW-Authenticate": 'DPoP error="unterminated'})
    assert use_dpop_nonce(401, broken) is None
    assert use_dpop_nonce(403, headers) is None


@given(
    status=st.integers(100, 599),
    headers=st.dictionaries(st.sampled_from(["DPoP-Nonce", "WWW-Authenticate", "X"]), st.text()),
    body=st.binary(max_size=64),
)
def test_reading_any_response_never_raises(
    status: int, headers: dict[str, str], body: bytes
) -> None:
    nonce = use_dpop_nonce(status, headers, body)
    assert nonce is None or nonce == headers["DPoP-Nonce"]


@given(
    method=st.sampled_from(["GET", "POST", "DELETE"]),
    path=st.text(alphabet="abcxyz/-._~", max_size=20),
    query=st.text(alphabet="abc=&", max_size=8),
    token=st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=40),
)
def test_proofs_always_verify_and_name_the_request(
    method: str, path: str, query: str, token: str
) -> None:
    url = f"https://rs.example/{path}?{query}"
    _, claims = _verify(_KEYS["ES256"].proof(method, url, access_token=token))
    assert claims["htm"] == method
    assert claims["htu"] == f"https://rs.example/{path}"
    assert claims["ath"] == access_token_hash(token)


def test_algorithm_choice_follows_the_server_and_refuses_none_and_symmetric() -> None:
    assert choose_dpop_algorithm(None) is None
    assert choose_dpop_algorithm([]) is None
    assert choose_dpop_algorithm(["none", "HS256"]) is None
    assert choose_dpop_algorithm(["ES384", "RS256"]) == "RS256"
    assert choose_dpop_algorithm(["ES512"]) == "ES512"


def test_misuse_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        DPoPKey.generate("HS256")
    with pytest.raises(UsageError):
        DPoPKey(OctKey.generate_key(256), algorithm="HS256")  # type: ignore[arg-type]
    public_only = ECKey.import_key(_KEYS["ES256"].public_jwk)  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        DPoPKey(public_only, algorithm="ES256")
    with pytest.raises(UsageError):
        _KEYS["ES256"].proof("POST", "ftp://x/")
    with pytest.raises(UsageError):
        _KEYS["ES256"].proof("PO ST", "https://x/")
    with pytest.raises(UsageError):
        access_token_hash("tøken")
    with pytest.raises(UsageError):
        proof_htu("not a url")
