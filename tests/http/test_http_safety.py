"""The driver's safety rules, one test each (each fails when its rule is removed).

Most run the sans-I/O `Login` against canned replies; the network ones use a loopback socket.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import socket
import ssl
import stat
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urlsplit

import anyio
import pytest
from cryptography import x509  # in dev through joserfc (the jose extra)
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from rfcauth import ClientOptions, DiscoveryContext, Policy, ResourceResponse
from rfcauth._errors import UsageError
from rfcauth.http import (
    Call,
    ClientRegistration,
    FileStorage,
    Limits,
    LoginError,
    MemoryStorage,
    MetadataCache,
    Reply,
    Tokens,
    _guard,
)
from rfcauth.http._fetch import Fetcher
from rfcauth.http._login import AskRedirect, Batch, Login, LoginSettings

if TYPE_CHECKING:
    from pathlib import Path

RESOURCE = "https://mcp.example.com/mcp"
ISSUER = "https://auth.example.com"
PRM_URL = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"
ASM_URL = "https://auth.example.com/.well-known/oauth-authorization-server"
CHALLENGE = ResourceResponse(
    status=401, www_authenticate=f'Bearer error="invalid_token", resource_metadata="{PRM_URL}"'
)
Responder = Callable[[Call], Reply]


def _json(url: str, document: dict[str, Any], **headers: str) -> Reply:
    return Reply(url=url, status=200, headers=headers, body=json.dumps(document).encode())


def _asm(**extra: Any) -> dict[str, Any]:
    return {
        "issuer": ISSUER,
        "authorization_endpoint": ISSUER + "/authorize",
        "token_endpoint": ISSUER + "/token",
        "registration_endpoint": ISSUER + "/register",
        "response_types_supported": ["code"],
        "code_challenge_methods_supported": ["S256"],
        "authorization_response_iss_parameter_supported": True,
        **extra,
    }


def _world(call: Call, *, asm: dict[str, Any] | None = None, **cache: str) -> Reply:
    if call.url == PRM_URL:
        return _json(call.url, {"resource": RESOURCE, "authorization_servers": [ISSUER]}, **cache)
    if call.url == ASM_URL:
        return _json(call.url, asm or _asm(), **cache)
    if call.url == ISSUER + "/register":
        return Reply(url=call.url, status=201, body=b'{"client_id": "abc"}')
    if call.url == ISSUER + "/token":
        return _json(call.url, {"access_token": "AT-secret", "token_type": "Bearer"})
    return Reply(url=call.url, status=404)


def _settings(**options: Any) -> LoginSettings:
    defaults: dict[str, Any] = {
        "resource": RESOURCE,
        "policy": Policy(),
        "client": ClientOptions(),
        "redirect_uri": "http://127.0.0.1:9/cb",
        "client_name": "t",
        "storage": MemoryStorage(),
        "cache": MetadataCache(),
        "clock": time.time,
    }
    defaults.update(options)
    return LoginSettings(**defaults)


def _login(
    responder: Responder, callback: Callable[[str], str], **options: Any
) -> tuple[Tokens, Login]:
    login = Login(_settings(**options))
    program = login.login(CHALLENGE)
    try:
        need = next(program)
        while True:
            if isinstance(need, Batch):
                need = program.send(tuple(responder(c) for c in need.calls))
            else:
                assert isinstance(need, AskRedirect)
                need = program.send(callback(need.url))
    except StopIteration as stop:
        return stop.value, login


def _echo(**extra: str) -> Callable[[str], str]:
    """An authorization server that approves at once, echoing state (and `extra`)."""

    def callback(url: str) -> str:
        query = parse_qs(urlsplit(url).query)
        params = {"code": "the-code", "state": query["state"][0], "iss": ISSUER, **extra}
        return "http://127.0.0.1:9/cb?" + urlencode({k: v for k, v in params.items() if v})

    return callback


def test_canned_login_completes() -> None:
    tokens, _ = _login(_world, _echo())
    assert tokens.access_token == "AT-secret"  # noqa: S105 - the canned token


def test_state_mismatch_is_refused() -> None:
    with pytest.raises(LoginError) as caught:
        _login(_world, _echo(state="forged"))
    assert caught.value.code == "state_mismatch"


def test_iss_mismatch_is_refused() -> None:
    with pytest.raises(LoginError) as caught:
        _login(_world, _echo(iss="https://evil.example.com"))
    assert caught.value.code == "issuer_mismatch"
    assert "RFC 9207" in str(caught.value)


def test_iss_required_when_advertised() -> None:
    with pytest.raises(LoginError) as caught:
        _login(_world, _echo(iss=""))
    assert caught.value.reason == "authorization_response_iss_absent"


def test_iss_optional_when_not_advertised() -> None:
    def world(call: Call) -> Reply:
        asm = _asm(authorization_response_iss_parameter_supported=False)
        return _world(call, asm=asm)

    tokens, _ = _login(world, _echo(iss=""))
    assert tokens.access_token == "AT-secret"  # noqa: S105 - the canned token


def test_authorization_request_carries_pkce_s256_state_and_resource() -> None:
    seen: list[str] = []

    def callback(url: str) -> str:
        seen.append(url)
        return _echo()(url)

    _login(_world, callback)
    query = parse_qs(urlsplit(seen[0]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert query["resource"] == [RESOURCE]
    assert len(query["state"][0]) >= 32


def test_headless_redirects_never_leave_the_authorization_servers_origin() -> None:
    def world(call: Call) -> Reply:
        if call.purpose == "authorization":
            return Reply(url=call.url, status=302, headers={"location": "https://evil.example/x"})
        return _world(call)

    with pytest.raises(LoginError) as caught:
        _login(world, _echo(), follow_redirects=True)
    assert caught.value.reason == "redirect_left_origin"


def test_headless_login_page_needs_a_person() -> None:
    def world(call: Call) -> Reply:
        if call.purpose == "authorization":
            return Reply(url=call.url, status=200, body=b"<form>login</form>")
        return _world(call)

    with pytest.raises(LoginError) as caught:
        _login(world, _echo(), follow_redirects=True)
    assert caught.value.reason == "authorization_needs_a_person"


def test_metadata_redirect_is_absent_not_followed() -> None:
    requested: list[str] = []

    def world(call: Call) -> Reply:
        requested.append(call.url)
        if call.url == PRM_URL:
            return Reply(url=call.url, status=302, headers={"location": "https://x.example/prm"})
        return _world(call)

    with pytest.raises(LoginError) as caught:
        _login(world, _echo())
    assert caught.value.code == "no_authorization_server"
    assert "https://x.example/prm" not in requested


def test_failed_identity_check_drops_the_resources_cache() -> None:
    cache = MetadataCache()
    fresh = {"cache-control": "max-age=600"}
    # A first login fills the cache.
    _login(lambda c: _world(c, **fresh), _echo(), cache=cache)
    assert len(cache) == 2
    # The AS now names another issuer: the identity check fails, nothing stays cached.
    cache.forget(RESOURCE, ASM_URL)

    def world(call: Call) -> Reply:
        return _world(call, asm=_asm(issuer="https://evil.example.com"), **fresh)

    with pytest.raises(LoginError) as caught:
        _login(world, _echo(), cache=cache)
    assert caught.value.code == "issuer_mismatch"
    assert len(cache) == 0


def test_secrets_never_in_errors_or_steps() -> None:
    def world(call: Call) -> Reply:
        if call.url == ISSUER + "/token":
            return Reply(url=call.url, status=400, body=b'{"error": "invalid_grant"}')
        return _world(call)

    secret = "client-secret-value"  # noqa: S105 - a test credential
    with pytest.raises(LoginError) as caught:
        _login(world, _echo(), client=ClientOptions(client_id="c", client_secret=secret))
    error = caught.value
    assert error.code == "token_request_failed"
    assert "invalid_grant" in str(error)
    text = str(error) + repr(error) + "".join(str(s) + repr(s) for s in error.steps)
    assert secret not in text
    assert "the-code" not in text
    assert secret not in repr(
        ClientRegistration(issuer=ISSUER, client_id="c", client_secret=secret)
    )


# -- network rules -------------------------------------------------------------------------


def _fetcher(resource: str = RESOURCE, **options: Any) -> Fetcher:
    policy = options.pop("policy", Policy())
    context = DiscoveryContext(resource=resource, policy=policy)
    return Fetcher(context=context, limits=options.pop("limits", Limits()), **options)


def test_http_is_refused_off_loopback_without_opt_in() -> None:
    call = Call(method="GET", url="http://auth.example.com/token", purpose="token")
    (reply,) = _fetcher().run([call])
    assert reply.error == "refused"
    assert "http" in reply.detail


def test_private_literal_is_refused_for_a_public_resource() -> None:
    call = Call(method="GET", url="https://169.254.169.254/latest", purpose="server_metadata")
    (reply,) = _fetcher().run([call])
    assert reply.error == "refused"


class _Listener:
    """A loopback socket that accepts and then behaves as told (sleep or send a big body)."""

    def __init__(self, behaviour: str) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.behaviour = behaviour
        self.accepted = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.socket.settimeout(5)
        try:
            connection, _ = self.socket.accept()
        except OSError:
            return
        self.accepted += 1
        with connection:
            connection.recv(65536)
            if self.behaviour == "sleep":
                time.sleep(1.0)
            else:
                body = b"x" * 5000
                head = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body)
                connection.sendall(head + body)

    def close(self) -> None:
        self.socket.close()
        self.thread.join(timeout=5)


def test_read_timeout_is_reported_as_timeout() -> None:
    listener = _Listener("sleep")
    try:
        url = f"http://127.0.0.1:{listener.port}/.well-known/oauth-protected-resource"
        fetcher = _fetcher(f"http://127.0.0.1:{listener.port}/mcp", limits=Limits(read_timeout=0.2))
        (reply,) = fetcher.run([Call(method="GET", url=url, purpose="resource_metadata")])
        fetcher.close()
    finally:
        listener.close()
    assert reply.error == "timeout"


def test_response_size_is_capped() -> None:
    listener = _Listener("big")
    try:
        url = f"http://127.0.0.1:{listener.port}/.well-known/oauth-protected-resource"
        limits = Limits(max_response_bytes=1000)
        fetcher = _fetcher(f"http://127.0.0.1:{listener.port}/mcp", limits=limits)
        (reply,) = fetcher.run([Call(method="GET", url=url, purpose="resource_metadata")])
        fetcher.close()
    finally:
        listener.close()
    assert reply.error == "too_large"


def test_learned_name_resolving_to_loopback_is_refused_at_connect_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    listener = _Listener("big")

    def resolve(host: str, port: int = 443) -> list[str]:
        if host != "auth.example.net":
            raise OSError(host)  # the resource's public name: unknown here, so not private
        del port
        return ["127.0.0.1"]

    monkeypatch.setattr(_guard, "_resolve", resolve)
    url = f"http://auth.example.net:{listener.port}/token"
    call = Call(method="GET", url=url, purpose="token")
    try:
        refused = _fetcher(allow_http=True).run([call])[0]

        async def run() -> Reply:
            fetcher = _fetcher(allow_http=True)
            try:
                return (await fetcher.arun([call]))[0]
            finally:
                await fetcher.aclose()

        refused_async = anyio.run(run)
        assert listener.accepted == 0
        # The same request with the private network allowed reaches the socket.
        opted_in = _fetcher(allow_http=True, policy=Policy(allow_private_network=True))
        allowed = opted_in.run([call])[0]
        opted_in.close()
    finally:
        listener.close()
    assert refused.error == "refused"
    assert "loopback" in refused.detail
    assert refused_async.error == "refused"
    assert allowed.status == 200


def test_file_storage_is_private_and_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    storage = FileStorage(path)
    tokens = Tokens(access_token="AT", refresh_token="RT", expires_at=5.0)  # noqa: S106 - test
    storage.set_tokens(RESOURCE, tokens)
    client = ClientRegistration(issuer=ISSUER, client_id="c", redirect_uris=("http://x/cb",))
    storage.set_client(ISSUER, client)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = FileStorage(path)
    assert again.get_tokens(RESOURCE) == tokens
    assert again.get_client(ISSUER) == client
    again.set_tokens(RESOURCE, None)
    assert FileStorage(path).get_tokens(RESOURCE) is None
    path.chmod(0o644)
    with pytest.raises(UsageError):
        FileStorage(path)


def test_tls_failure_is_reported_as_tls() -> None:
    listener = _Listener("big")  # speaks plain HTTP: the TLS handshake fails
    try:
        base = f"https://127.0.0.1:{listener.port}"
        fetcher = _fetcher(base + "/mcp")
        url = base + "/.well-known/oauth-protected-resource"
        (reply,) = fetcher.run([Call(method="GET", url=url, purpose="resource_metadata")])
        fetcher.close()
    finally:
        listener.close()
    assert reply.error == "tls"


def test_refused_connection_is_reported_as_connect() -> None:
    closed = socket.create_server(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    base = f"http://127.0.0.1:{port}"
    fetcher = _fetcher(base + "/mcp")
    url = base + "/.well-known/oauth-protected-resource"
    (reply,) = fetcher.run([Call(method="GET", url=url, purpose="resource_metadata")])
    fetcher.close()
    assert reply.error == "connect"


def _self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 that no trust store knows."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_untrusted_certificate_is_reported_as_tls(tmp_path: Path) -> None:
    cert_path, key_path = _self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    handshakes: list[str] = []

    def serve() -> None:
        server.settimeout(5)
        try:
            connection, _ = server.accept()
        except OSError:
            return
        with connection:
            try:
                with context.wrap_socket(connection, server_side=True) as tls:
                    tls.recv(1024)
                    handshakes.append("completed")
            except (ssl.SSLError, OSError):
                handshakes.append("refused by the client")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        base = f"https://127.0.0.1:{port}"
        fetcher = _fetcher(base + "/mcp")
        url = base + "/.well-known/oauth-protected-resource"
        (reply,) = fetcher.run([Call(method="GET", url=url, purpose="resource_metadata")])
        fetcher.close()
    finally:
        thread.join(timeout=5)
        server.close()
    assert reply.error == "tls"
    assert handshakes == ["refused by the client"]
