"""verify_signed_metadata (RFC 8414 §2.1, RFC 9728 §2.2): keys made here with joserfc, JWSs
signed here, each refusal checked by its rule id; properties for precedence and tampering."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from joserfc import jws as jose_jws
from joserfc.errors import SecurityWarning
from joserfc.jwk import ECKey, Key, OctKey, OKPKey, RSAKey

import rfcauth
from rfcauth import (
    DEFAULT_SIGNED_METADATA_ALGORITHMS,
    AuthorizationServerMetadata,
    MetadataError,
    ProtectedResourceMetadata,
    UsageError,
    parse_authorization_server_metadata,
    parse_protected_resource_metadata,
    verify_signed_metadata,
)
from rfcauth.metadata._signed import _SECTIONS
from rfcauth.testing._metadata_strategies import JSON_VALUES, TOKENS, urls
from rfcauth.testing._metadata_strategies import jws as unsigned_jws

ISSUER = "https://as.example.com"
RESOURCE = "https://mcp.example.com/mcp"
NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
STAMP = int(NOW.timestamp())

# One key of each family, made once (RSA generation is the slow one).
RSA = RSAKey.generate_key(2048, parameters={"kid": "rsa-1"})
EC = ECKey.generate_key("P-256", parameters={"kid": "ec-1"})
OKP = OKPKey.generate_key("Ed25519", parameters={"kid": "ed-1"})
OTHER_EC = ECKey.generate_key("P-256", parameters={"kid": "ec-1"})  # same kid, other key
HMAC = OctKey.generate_key(256, parameters={"kid": "hs-1"})


def public_set(*keys: Key) -> dict[str, object]:
    return {"keys": [k.as_dict(private=False) for k in keys]}


def sign(
    claims: dict[str, object] | bytes,
    key: Key = EC,
    alg: str = "ES256",
    **header: object,
) -> str:
    payload = claims if isinstance(claims, bytes) else json.dumps(claims).encode()
    protected = {"alg": alg, **({"kid": key.kid} if key.kid else {}), **header}
    return jose_jws.serialize_compact(protected, payload, key, algorithms=[alg])


def plain_asm(**members: object) -> dict[str, object]:
    doc: dict[str, object] = {
        "issuer": ISSUER,
        "authorization_endpoint": f"{ISSUER}/authorize",
        "token_endpoint": f"{ISSUER}/token",
        "response_types_supported": ["code"],
        "scopes_supported": ["openid"],
    }
    doc.update(members)
    return doc


def asm_with(signed: str, **members: object) -> AuthorizationServerMetadata:
    return parse_authorization_server_metadata(plain_asm(signed_metadata=signed, **members))


def prm_with(signed: str, **members: object) -> ProtectedResourceMetadata:
    doc: dict[str, object] = {"resource": RESOURCE, "signed_metadata": signed, **members}
    return parse_protected_resource_metadata(doc)


def unchecked_asm(signed: str) -> AuthorizationServerMetadata:
    """A model built directly: the rule engine's structural signed_metadata check never ran."""
    return AuthorizationServerMetadata.model_validate(plain_asm(signed_metadata=signed))


def codes(metadata: object, keys: object = None, **kwargs: object) -> frozenset[str]:
    with pytest.raises(MetadataError) as info:
        verify_signed_metadata(metadata, public_set(EC) if keys is None else keys, **kwargs)  # type: ignore[arg-type]
    return info.value.codes


CLAIMS = {"iss": ISSUER, "token_endpoint": f"{ISSUER}/signed/token", "iat": STAMP}


# -- round trips -------------------------------------------------------------------------------


def test_signed_values_take_precedence_and_the_rest_is_kept() -> None:
    signed = sign(
        {
            **CLAIMS,
            "issuer": ISSUER,
            "scopes_supported": ["openid", "profile"],
            "x_signed_extension": {"a": 1},
            "exp": STAMP + 3600,
            "sub": "metadata",
            "jti": "1",
        }
    )
    plain = asm_with(signed, x_plain_extension=True)
    out = verify_signed_metadata(plain, public_set(EC), now=NOW)
    assert type(out) is AuthorizationServerMetadata
    assert out.token_endpoint == f"{ISSUER}/signed/token"
    assert out.scopes_supported == ("openid", "profile")
    assert out.authorization_endpoint == f"{ISSUER}/authorize"  # not signed: plain value
    assert out.signed_metadata == signed  # the JWS that was verified stays
    assert dict(out.extra) == {"x_plain_extension": True, "x_signed_extension": {"a": 1}}
    # JWT registered claims are not metadata
    assert not {"iss", "sub", "exp", "iat", "jti"} & set(out.to_dict())
    # the input is untouched
    assert plain.token_endpoint == f"{ISSUER}/token"


@pytest.mark.parametrize(
    ("key", "alg"),
    [(RSA, "RS256"), (RSA, "PS384"), (EC, "ES256"), (OKP, "Ed25519")],
)
def test_each_key_family_verifies(key: Key, alg: str) -> None:
    plain = asm_with(sign(CLAIMS, key, alg))
    out = verify_signed_metadata(plain, public_set(RSA, EC, OKP))
    assert out.token_endpoint == f"{ISSUER}/signed/token"


def test_protected_resource_metadata_round_trip_member_by_member() -> None:
    signed = sign(
        {
            "iss": "https://attester.example",
            "resource": RESOURCE,
            "resource_name": "Signed tools",
            "authorization_servers": [ISSUER],
        },
        OKP,
        "Ed25519",
    )
    plain = prm_with(
        signed, resource_name="Tools", **{"resource_name#de": "Werkzeuge", "resource_name#": "x"}
    )
    out = verify_signed_metadata(plain, OKP.as_dict(private=False))  # a single JWK
    assert type(out) is ProtectedResourceMetadata
    assert out.resource_name == "Signed tools"
    assert out.authorization_servers == (ISSUER,)
    # RFC 9728 §2.1: a signed item replaces every plain translation of it, so no unsigned
    # "de" name is shown beside the signed one; "resource_name#" is no translation and stays
    assert out.localized("resource_name") == {"": "Signed tools"}
    assert out.extra["resource_name#"] == "x"


def test_a_signed_translation_replaces_the_plain_item_in_every_case() -> None:
    signed = sign({"iss": ISSUER, "resource_name#de": "Signiert"})
    plain = prm_with(signed, resource_name="Plain", **{"resource_name#fr": "Clair"})
    out = verify_signed_metadata(plain, public_set(EC))
    assert out.localized("resource_name") == {"de": "Signiert"}


def test_translations_that_differ_only_in_case_are_one_member() -> None:
    """RFC 5646 §2.1.1: a plain #DE must not stand beside (and shadow) a signed #de."""
    doc = {"resource": RESOURCE, "resource_name#de": "a", "resource_name#DE": "b"}
    for data in (doc, json.dumps(doc), json.dumps(doc).encode()):
        with pytest.raises(MetadataError) as info:
            parse_protected_resource_metadata(data)
        assert [(v.code, v.location) for v in info.value.violations] == [
            ("duplicate_member", "/resource_name#DE")
        ]


def test_odd_inputs_are_usage_errors_or_findings_never_crashes() -> None:
    with pytest.raises(UsageError):
        verify_signed_metadata(asm_with(sign(CLAIMS)), {"keys": [{"kty": ["EC"]}, {"kty": {}}]})
    with pytest.raises(UsageError):
        verify_signed_metadata(asm_with(sign(CLAIMS)), {"kty": ["EC"]})

    class NoOffset(tzinfo):
        def utcoffset(self, _: datetime | None) -> None:
            return None

    with pytest.raises(UsageError):
        verify_signed_metadata(
            asm_with(sign(CLAIMS)), public_set(EC), now=NOW.replace(tzinfo=NoOffset())
        )
    huge_exp = b'{"iss": "%s", "exp": %s}' % (ISSUER.encode(), b"1" * 400)
    assert codes(asm_with(sign(huge_exp))) == {"signed_metadata_bad_claim"}
    built = AuthorizationServerMetadata.model_construct(**plain_asm(signed_metadata=5))
    assert codes(built) == {"signed_metadata_malformed"}


@pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")  # joserfc warns; we refuse
def test_keys_weaker_than_rfc7518_allows_verify_nothing() -> None:
    """RFC 7518 §3.3: RSA keys of 2048 bits or more; §3.2: HMAC keys as long as the hash."""
    weak_rsa = RSAKey.generate_key(1024, parameters={"kid": "rsa-1"}, private=True)
    signed = sign(CLAIMS, weak_rsa, "RS256")
    assert codes(asm_with(signed), public_set(weak_rsa)) == {"signed_metadata_no_key"}
    short = OctKey.import_key(b"k" * 16, parameters={"kid": "hs-1"})
    signed = sign(CLAIMS, short, "HS256")
    found = codes(asm_with(signed), public_set(short), algorithms=["HS256"])
    assert found == {"signed_metadata_no_key"}
    enough = OctKey.import_key(b"k" * 32, parameters={"kid": "hs-1"})
    signed = sign(CLAIMS, enough, "HS256")
    out = verify_signed_metadata(asm_with(signed), public_set(enough), algorithms=["HS256"])
    assert out.token_endpoint == CLAIMS["token_endpoint"]


def test_a_nested_signed_metadata_claim_is_not_merged() -> None:
    inner = sign(CLAIMS)
    signed = sign({**CLAIMS, "signed_metadata": inner})
    out = verify_signed_metadata(asm_with(signed), public_set(EC))
    assert out.signed_metadata == signed


def test_kid_less_jws_tries_every_fitting_key() -> None:
    anonymous = ECKey.generate_key("P-256")
    signed = sign(CLAIMS, anonymous)
    assert "kid" not in json.loads(base64.urlsafe_b64decode(signed.split(".")[0] + "=="))
    keys = public_set(OTHER_EC, RSA, anonymous)
    assert verify_signed_metadata(asm_with(signed), keys).token_endpoint == CLAIMS["token_endpoint"]


def test_unknown_key_types_in_a_set_are_skipped() -> None:
    keys = public_set(EC)
    keys["keys"].insert(0, {"kty": "AKP", "alg": "ML-DSA-44", "pub": "AAAA"})  # type: ignore[attr-defined]
    assert verify_signed_metadata(asm_with(sign(CLAIMS)), keys).token_endpoint


def test_hs256_when_the_caller_allows_it() -> None:
    signed = sign(CLAIMS, HMAC, "HS256")
    out = verify_signed_metadata(
        asm_with(signed),
        {"keys": [HMAC.as_dict(private=True)]},  # a MAC key is a shared secret
        algorithms=["HS256"],
    )
    assert out.token_endpoint == CLAIMS["token_endpoint"]


def test_eddsa_only_when_named_and_joserfc_warns() -> None:
    with pytest.warns(SecurityWarning):  # RFC 9864 deprecates "EdDSA"
        signed = sign(CLAIMS, OKP, "EdDSA")
    assert codes(asm_with(signed), public_set(OKP)) == {"signed_metadata_alg_not_allowed"}
    with pytest.warns(SecurityWarning):
        out = verify_signed_metadata(
            asm_with(signed),
            public_set(OKP),
            algorithms=[*DEFAULT_SIGNED_METADATA_ALGORITHMS, "EdDSA"],
        )
    assert out.token_endpoint == CLAIMS["token_endpoint"]


# -- refusals, each by its rule id ---------------------------------------------------------------


def _swap_payload(signed: str, claims: dict[str, object]) -> str:
    header, _, signature = signed.split(".")
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{payload}.{signature}"


def test_tampered_payload() -> None:
    signed = _swap_payload(sign(CLAIMS), {**CLAIMS, "token_endpoint": "https://evil.example/t"})
    assert codes(asm_with(signed)) == {"signed_metadata_bad_signature"}


def test_wrong_key_with_the_same_kid() -> None:
    assert codes(asm_with(sign(CLAIMS)), public_set(OTHER_EC)) == {"signed_metadata_bad_signature"}


def test_no_key_with_the_kid() -> None:
    assert codes(asm_with(sign(CLAIMS)), public_set(RSA, OKP)) == {"signed_metadata_no_key"}
    # the signing key itself, filed under another kid, is not a candidate either
    renamed = ECKey.import_key(EC.as_dict(private=False) | {"kid": "zzz"})
    assert codes(asm_with(sign(CLAIMS)), public_set(renamed)) == {"signed_metadata_no_key"}


def test_keys_for_another_use_are_not_candidates() -> None:
    enc = ECKey.import_key(EC.as_dict(private=False) | {"use": "enc"})
    assert codes(asm_with(sign(CLAIMS)), public_set(enc)) == {"signed_metadata_no_key"}
    encrypt_only = ECKey.import_key(EC.as_dict(private=False) | {"key_ops": ["encrypt"]})
    assert codes(asm_with(sign(CLAIMS)), public_set(encrypt_only)) == {"signed_metadata_no_key"}
    verify_only = ECKey.import_key(EC.as_dict(private=False) | {"key_ops": ["verify"]})
    assert verify_signed_metadata(asm_with(sign(CLAIMS)), public_set(verify_only))
    other_alg = ECKey.import_key(EC.as_dict(private=False) | {"alg": "ES384"})
    assert codes(asm_with(sign(CLAIMS)), public_set(other_alg)) == {"signed_metadata_no_key"}


def test_alg_none_is_refused_even_on_a_model_built_directly() -> None:
    unsigned = unsigned_jws({"alg": "none"}, CLAIMS, b"")
    with pytest.raises(MetadataError):
        asm_with(unsigned)  # the parse function refuses it already
    assert codes(unchecked_asm(unsigned)) == {"signed_metadata_alg_none"}


def test_missing_iss() -> None:
    claims = {k: v for k, v in CLAIMS.items() if k != "iss"}
    assert codes(unchecked_asm(sign(claims))) == {"signed_metadata_missing_iss"}


def test_malformed_jws_on_a_model_built_directly() -> None:
    assert codes(unchecked_asm("a.b")) == {"signed_metadata_malformed"}


def _attack_hs256_with_public_key(claims: dict[str, object]) -> str:
    """The classic confusion: MAC the token with the RSA *public* key's PEM as the secret."""
    header = base64.urlsafe_b64encode(b'{"alg":"HS256","kid":"rsa-1"}').rstrip(b"=")
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=")
    mac = hmac.new(RSA.as_pem(private=False), header + b"." + payload, hashlib.sha256)
    signature = base64.urlsafe_b64encode(mac.digest()).rstrip(b"=")
    return b".".join([header, payload, signature]).decode()


def test_algorithm_confusion_hs256_with_an_rsa_public_key() -> None:
    forged = asm_with(_attack_hs256_with_public_key(CLAIMS))
    # refused by default: no MAC algorithm is allowed
    assert codes(forged, public_set(RSA)) == {"signed_metadata_alg_not_allowed"}
    # refused even when the caller allows HS256: an RSA key never verifies an HMAC
    assert codes(forged, public_set(RSA), algorithms=["RS256", "HS256"]) == {
        "signed_metadata_no_key"
    }


def test_an_exception_inside_the_library_fails_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object, **_kwargs: object) -> bool:
        raise ValueError("unexpected")

    monkeypatch.setattr(jose_jws, "validate_compact", broken)
    assert codes(asm_with(sign(CLAIMS))) == {"signed_metadata_bad_signature"}


def test_claims_too_deep_for_the_metadata_loader() -> None:
    deep = b'{"iss": "https://as.example.com", "x": ' + b"[" * 80 + b"]" * 80 + b"}"
    assert codes(asm_with(sign(deep))) == {"signed_metadata_malformed"}


def test_far_future_dates() -> None:
    plain = asm_with(sign({**CLAIMS, "exp": 1e300}))
    assert verify_signed_metadata(plain, public_set(EC), now=NOW)
    with pytest.raises(MetadataError, match="not valid before 1e"):
        verify_signed_metadata(asm_with(sign({**CLAIMS, "nbf": 1e300})), public_set(EC))


def test_untrusted_and_trusted_issuers() -> None:
    plain = asm_with(sign(CLAIMS))
    assert codes(plain, trusted_issuers={"https://other.example"}) == {
        "signed_metadata_untrusted_iss"
    }
    assert verify_signed_metadata(plain, public_set(EC), trusted_issuers=[ISSUER])


def test_expiry_and_not_before_with_an_injected_clock() -> None:
    expired = asm_with(sign({**CLAIMS, "exp": STAMP}))
    assert codes(expired, now=NOW) == {"signed_metadata_expired"}  # exp == now: expired
    assert verify_signed_metadata(expired, public_set(EC), now=NOW - timedelta(seconds=1))
    assert verify_signed_metadata(expired, public_set(EC), now=NOW, leeway=timedelta(seconds=5))
    early = asm_with(sign({**CLAIMS, "nbf": STAMP + 60}))
    assert codes(early, now=NOW) == {"signed_metadata_not_yet_valid"}
    assert verify_signed_metadata(early, public_set(EC), now=NOW + timedelta(seconds=60))
    assert verify_signed_metadata(early, public_set(EC), now=NOW, leeway=timedelta(minutes=1))


def test_all_claim_findings_are_reported_together() -> None:
    both = asm_with(sign({**CLAIMS, "exp": STAMP - 1, "aud": "https://client.example"}))
    error_codes = codes(both, now=NOW, trusted_issuers=["https://other.example"])
    assert error_codes == {
        "signed_metadata_expired",
        "signed_metadata_untrusted_iss",
        "signed_metadata_wrong_audience",
    }


@pytest.mark.parametrize(
    "claim", [{"exp": "tomorrow"}, {"nbf": True}, {"iat": None}, {"aud": 3}, {"aud": ["a", 1]}]
)
def test_registered_claims_of_the_wrong_type(claim: dict[str, object]) -> None:
    assert codes(asm_with(sign({**CLAIMS, **claim})), audience="a") == {"signed_metadata_bad_claim"}


def test_audience() -> None:
    plain = asm_with(sign({**CLAIMS, "aud": ["https://client.example", "x"]}))
    assert codes(plain) == {"signed_metadata_wrong_audience"}
    assert codes(plain, audience="https://other.example") == {"signed_metadata_wrong_audience"}
    assert verify_signed_metadata(plain, public_set(EC), audience="https://client.example")


def test_duplicate_claim_names_are_refused() -> None:
    payload = b'{"iss": "https://as.example.com", "token_endpoint": "https://a.example/t",'
    payload += b' "token_endpoint": "https://b.example/t"}'
    assert codes(asm_with(sign(payload))) == {"signed_metadata_malformed"}


def test_unknown_critical_header_is_refused() -> None:
    crit = unsigned_jws({"alg": "ES256", "crit": ["x-policy"], "x-policy": 1}, CLAIMS)
    assert codes(asm_with(crit)) == {"signed_metadata_malformed"}


def test_a_signed_issuer_that_differs_from_the_plain_one() -> None:
    signed = sign({**CLAIMS, "issuer": "https://evil.example"})
    with pytest.raises(MetadataError) as info:
        verify_signed_metadata(asm_with(signed), public_set(EC))
    assert info.value.codes == {"issuer_mismatch"}
    assert "with its signed_metadata applied" in str(info.value)


def test_a_signed_resource_that_differs_from_the_plain_one() -> None:
    signed = sign({"iss": ISSUER, "resource": "https://evil.example/mcp"})
    assert codes(prm_with(signed)) == {"resource_mismatch"}


def test_signed_values_are_checked_by_the_rule_engine() -> None:
    signed = sign({**CLAIMS, "token_endpoint_auth_signing_alg_values_supported": ["none"]})
    assert codes(asm_with(signed)) == {"auth_signing_alg_none"}


def test_strict_is_passed_to_the_merged_document() -> None:
    # a loopback issuer is tolerated only with strict=False
    local = "http://localhost:8080"
    signed = sign({"iss": local, "token_endpoint": f"{local}/signed"})
    doc = plain_asm(issuer=local, authorization_endpoint=f"{local}/a", token_endpoint=f"{local}/t")
    plain = parse_authorization_server_metadata(doc | {"signed_metadata": signed}, strict=False)
    assert codes(plain) == {"issuer_not_https"}
    out = verify_signed_metadata(plain, public_set(EC), strict=False)
    assert out.token_endpoint == f"{local}/signed"
    assert [w.code for w in out.warnings] == ["loopback_http"]


def test_a_document_without_signed_metadata() -> None:
    plain = parse_authorization_server_metadata(plain_asm())
    assert codes(plain) == {"signed_metadata_missing"}
    assert verify_signed_metadata(plain, public_set(EC), required=False) is plain


def test_every_new_code_has_a_section() -> None:
    for code, section in _SECTIONS.items():
        assert code.startswith("signed_metadata_")
        assert section.startswith("RFC ")
        assert code not in rfcauth.METADATA_RULES


# -- caller mistakes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("keys", "kwargs"),
    [
        ("not a mapping", {}),
        ({"keys": []}, {}),
        ({"keys": "x"}, {}),
        ({"keys": ["x"]}, {}),
        ({"kty": "RSA", "n": "AQAB"}, {}),  # no "e"
        ({"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"}, {}),  # not a curve point
        ({"kty": "nope"}, {}),
        ({"keys": [{"kty": "nope"}]}, {}),
        (None, {"algorithms": ["ES256", "none"]}),
        (None, {"algorithms": ["XX999"]}),
        (None, {"algorithms": []}),
        (None, {"algorithms": "ES256"}),
        (None, {"algorithms": [256]}),
        (None, {"trusted_issuers": ISSUER}),
        (None, {"trusted_issuers": [1]}),
        (None, {"now": datetime(2026, 1, 1)}),  # noqa: DTZ001 - a naive datetime on purpose
        (None, {"leeway": 5}),
        (None, {"leeway": timedelta(seconds=-1)}),
        (None, {"audience": b"aud"}),
    ],
)
def test_usage_errors(keys: object, kwargs: dict[str, object]) -> None:
    with pytest.raises(UsageError):
        verify_signed_metadata(
            asm_with(sign(CLAIMS)),
            public_set(EC) if keys is None else keys,  # type: ignore[arg-type]
            **kwargs,  # type: ignore[arg-type]
        )


def test_not_a_metadata_model() -> None:
    with pytest.raises(UsageError):
        verify_signed_metadata(plain_asm(), public_set(EC))  # type: ignore[type-var]


def test_the_library_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "joserfc", None)
    monkeypatch.setitem(sys.modules, "joserfc.jws", None)
    with pytest.raises(UsageError, match=r"pip install 'rfcauth\[jose\]'"):
        verify_signed_metadata(asm_with(sign(CLAIMS)), public_set(EC))


def test_import_rfcauth_does_not_load_joserfc() -> None:
    code = "import sys, rfcauth; print(sorted(m for m in sys.modules if m.startswith('joserfc')))"
    # S603: the command is this interpreter and a constant string
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_readme_lists_every_code() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Signed metadata (optional extra)")[1].split("<!-- end section")[0]
    for code in _SECTIONS:
        assert f"`{code}`" in section, code


# -- properties ------------------------------------------------------------------------------------

_OVERRIDABLE = st.fixed_dictionaries(
    {},
    optional={
        "token_endpoint": urls(),
        "authorization_endpoint": urls(),
        "service_documentation": urls(),
        "scopes_supported": st.lists(TOKENS, min_size=1, max_size=3),
        "response_types_supported": st.lists(TOKENS, min_size=1, max_size=3),
        "x_extension": JSON_VALUES,
        "issuer": st.just(ISSUER),
    },
)


@given(overrides=_OVERRIDABLE, registered=st.sets(st.sampled_from(["sub", "jti", "iat"])))
def test_any_signed_claims_override_member_by_member(
    overrides: dict[str, object], registered: set[str]
) -> None:
    claims = {"iss": ISSUER, **overrides, **dict.fromkeys(registered, STAMP)}
    plain = asm_with(sign(claims), x_extension="plain")
    out = verify_signed_metadata(plain, public_set(EC))
    assert out.to_dict() == {**plain.to_dict(), **overrides}


_SIGNED = sign({**CLAIMS, "scopes_supported": ["openid", "email"]})


def _segments(value: str) -> list[bytes | None]:
    out: list[bytes | None] = []
    for part in value.split("."):
        try:
            out.append(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
        except ValueError:
            out.append(None)
    return out


@given(position=st.integers(0, len(_SIGNED) - 1), char=st.characters(codec="utf-8"))
def test_any_single_character_tamper_fails_closed(position: int, char: str) -> None:
    tampered = _SIGNED[:position] + char + _SIGNED[position + 1 :]
    try:
        out = verify_signed_metadata(unchecked_asm(tampered), public_set(EC))
    except MetadataError:
        return
    # accepted only if the change was a no-op on the decoded bytes (the spare bits of a
    # segment's last base64url character), and then with the same result
    assert _segments(tampered) == _segments(_SIGNED)
    assert out == verify_signed_metadata(unchecked_asm(_SIGNED), public_set(EC))
