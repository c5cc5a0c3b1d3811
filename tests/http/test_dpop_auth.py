from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

import anyio
import httpx2
import pytest
from joserfc import jws
from joserfc.jwk import JWKRegistry

from rfcauth.http import DPoPKey, access_token_hash
from rfcauth.http._dpop_auth import DPoPAuth

if TYPE_CHECKING:
    from collections.abc import Generator

AS = "https://as.example"
RS = "https://rs.example/mcp"


class TokenThenBearer(httpx2.Auth):
    """A stand-in for an OAuth flow: metadata, a token request, then the request with Bearer."""

    def __init__(self, metadata: dict[str, object]) -> None:
        self.metadata = metadata
        self.tokens: list[str] = []

    def auth_flow(self, request: httpx2.Request) -> Generator[httpx2.Request, httpx2.Response]:
        yield httpx2.Request("GET", f"{AS}/.well-known/oauth-authorization-server")
        token_response = yield httpx2.Request(
            "POST",
            f"{AS}/token",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            content=b"grant_type=client_credentials&client_id=c",
        )
        token_response.read()
        token = json.loads(token_response.content)["access_token"]
        self.tokens.append(token)
        request.headers["Authorization"] = f"Bearer {token}"
        yield request


def _claims(proof: str) -> tuple[dict[str, object], dict[str, object]]:
    head = proof.split(".", maxsplit=1)[0]
    header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    registry = jws.JWSRegistry(algorithms=[header["alg"]])
    obj = jws.deserialize_compact(proof, JWKRegistry.import_key(header["jwk"]), registry=registry)
    return header, json.loads(obj.payload)


class Servers:
    """An authorization server and a resource server that judge DPoP like RFC 9449 says."""

    def __init__(
        self, *, advertise: bool = True, as_nonce: str | None = None, rs_nonce: str | None = None
    ) -> None:
        self.advertise = advertise
        self.as_nonce = as_nonce
        self.rs_nonce = rs_nonce
        self.seen: list[tuple[str, str, str | None]] = []
        self.bound_jkt: str | None = None

    def metadata(self) -> dict[str, object]:
        doc: dict[str, object] = {"issuer": AS, "token_endpoint": f"{AS}/token"}
        if self.advertise:
            doc["dpop_signing_alg_values_supported"] = ["RS256", "ES256"]
        return doc

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        url = str(request.url)
        proof = request.headers.get("DPoP")
        self.seen.append((request.method, url, request.headers.get("Authorization")))
        if url.endswith("/.well-known/oauth-authorization-server"):
            return httpx2.Response(200, json=self.metadata())
        if url == f"{AS}/token":
            assert dict(parse_qsl(request.content.decode()))["grant_type"] == "client_credentials"
            if proof is None:
                return httpx2.Response(200, json={"access_token": "plain", "token_type": "Bearer"})
            header, claims = _claims(proof)
            assert (claims["htm"], claims["htu"]) == ("POST", f"{AS}/token")
            if self.as_nonce is not None and claims.get("nonce") != self.as_nonce:
                return httpx2.Response(
                    400, headers={"DPoP-Nonce": self.as_nonce}, json={"error": "use_dpop_nonce"}
                )
            self.bound_jkt = JWKRegistry.import_key(header["jwk"]).thumbprint()
            return httpx2.Response(200, json={"access_token": "bound.tok", "token_type": "DPoP"})
        assert url == RS
        scheme, _, token = (request.headers.get("Authorization") or " ").partition(" ")
        if scheme == "DPoP":
            assert proof is not None
            header, claims = _claims(proof)
            assert JWKRegistry.import_key(header["jwk"]).thumbprint() == self.bound_jkt
            assert claims["ath"] == access_token_hash(token)
            assert (claims["htm"], claims["htu"]) == ("POST", RS)
            if self.rs_nonce is not None and claims.get("nonce") != self.rs_nonce:
                return httpx2.Response(
                    401,
                    headers={
                        "DPoP-Nonce": self.rs_nonce,
                        "WWW-Authenticate": 'DPoP error="use_dpop_nonce"',
                    },
                    json={"error": "use_dpop_nonce"},
                )
        return httpx2.Response(200, json={"ok": scheme})


def _run(servers: Servers) -> tuple[httpx2.Response, DPoPAuth]:
    auth = DPoPAuth(TokenThenBearer(servers.metadata()))
    with httpx2.Client(transport=httpx2.MockTransport(servers), auth=auth) as client:
        return client.post(RS, json={"jsonrpc": "2.0"}), auth


def test_token_is_bound_and_presented_with_the_dpop_scheme() -> None:
    servers = Servers()
    response, auth = _run(servers)
    assert response.json() == {"ok": "DPoP"}
    assert auth.bound_tokens == 1
    assert auth.key is not None
    assert auth.key.algorithm == "ES256"  # the preferred one among those offered
    assert servers.seen[-1][2] == "DPoP bound.tok"


def test_nothing_changes_when_the_server_does_not_offer_dpop() -> None:
    servers = Servers(advertise=False)
    response, auth = _run(servers)
    assert response.json() == {"ok": "Bearer"}
    assert auth.key is None
    assert auth.bound_tokens == 0


def test_both_nonce_challenges_are_answered_with_one_retry_each() -> None:
    servers = Servers(as_nonce="as-n", rs_nonce="rs-n")
    response, auth = _run(servers)
    assert response.json() == {"ok": "DPoP"}
    token_calls = [s for s in servers.seen if s[1] == f"{AS}/token"]
    resource_calls = [s for s in servers.seen if s[1] == RS]
    assert len(token_calls) == 2
    assert len(resource_calls) == 2
    assert auth.key is not None
    assert auth.key.nonce_for(RS) == "rs-n"
    assert auth.key.nonce_for(AS) == "as-n"


@pytest.mark.parametrize("nonces", [{}, {"as_nonce": "a", "rs_nonce": "r"}])
def test_the_async_flow_does_the_same(nonces: dict[str, str]) -> None:
    servers = Servers(**nonces)

    async def go() -> httpx2.Response:
        auth = DPoPAuth(TokenThenBearer(servers.metadata()))
        async with httpx2.AsyncClient(transport=httpx2.MockTransport(servers), auth=auth) as c:
            return await c.post(RS, json={})

    response = anyio.run(go)
    assert response.json() == {"ok": "DPoP"}


def test_a_given_key_is_used() -> None:
    key = DPoPKey.generate("ES256")
    servers = Servers()
    auth = DPoPAuth(TokenThenBearer(servers.metadata()), key=key)
    with httpx2.Client(transport=httpx2.MockTransport(servers), auth=auth) as client:
        client.post(RS, json={})
    assert servers.bound_jkt == key.thumbprint
