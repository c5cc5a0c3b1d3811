"""Every fuzz harness replays its seed corpus and its past findings once, in `make test`.

Cheap and deterministic: a regression that one of the seeds or findings reaches shows up here
without running the fuzzer. The harnesses' own oracles are tested too, so that a harness
cannot pass by checking nothing.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import json

import fuzz_challenge
import fuzz_metadata
import fuzz_signed
import fuzzkit
import make_corpus
import pytest

from rfcauth import Registration

atheris = pytest.importorskip("atheris", reason="atheris (the fuzz extra) is not installed")

import fuzz_discovery  # noqa: E402 - needs atheris's FuzzedDataProvider

HARNESSES = {
    "challenge": fuzz_challenge.check,
    "metadata": fuzz_metadata.check,
    "signed": fuzz_signed.check,
    "discovery": fuzz_discovery.check,
}
CASES = [
    pytest.param(harness, data, id=f"{folder.name}/{harness}/{name}")
    for harness in HARNESSES
    for folder in (fuzzkit.CORPUS, fuzzkit.FINDINGS)
    for name, data in fuzzkit.seeds(harness, folder)
]


@pytest.mark.parametrize(("harness", "data"), CASES)
def test_harness_holds_on_seed(harness: str, data: bytes) -> None:
    HARNESSES[harness](data)


def test_corpus_matches_its_generator() -> None:
    for harness, files in make_corpus.all_seeds().items():
        on_disk = dict(fuzzkit.seeds(harness))
        assert on_disk == files, f"run python tests/fuzz/make_corpus.py ({harness})"


def test_every_harness_has_seeds() -> None:
    for harness in HARNESSES:
        assert list(fuzzkit.seeds(harness)), harness


def test_discovery_seeds_replay_the_vectors() -> None:
    # bytes([k]) with no further input must run vector k exactly as simulate does
    for (_, data), vector in zip(fuzzkit.seeds("discovery"), fuzz_discovery.VECTORS, strict=True):
        world = fuzz_discovery.World(atheris.FuzzedDataProvider(data))
        assert fuzz_discovery.run_world(world) == list(vector.run().steps), vector.id


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("127.0.0.1.", "127.0.0.1"),
        ("0", "0.0.0.0"),  # noqa: S104 - an address under test
        ("169.254.169.254", "169.254.169.254"),
        ("mcp.example.com", None),
        ("1.2.3.256", None),
        ("256.1", None),
        ("1.65536", "1.1.0.0"),
        ("09.1.1.1", None),
        ("1.2.3.4.5", None),
    ],
)
def test_whatwg_ipv4_reads_what_an_http_stack_reads(host: str, address: str | None) -> None:
    expected = ipaddress.IPv4Address(address) if address is not None else None
    assert fuzz_discovery.whatwg_ipv4(host) == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/prm",
        "https://localhost/prm",
        "https://LOCALHOST./prm",
        "https://api.localhost/prm",
        "https://169.254.169.254/latest/meta-data",
        "https://10.0.0.5/x",
        "https://[::1]/x",
        "https://[fe80::1%25eth0]/x",
        "https://[fd00::1]/x",
        "https://[::ffff:169.254.169.254]/x",
        "https://0.0.0.0/x",
        "https://[::]/x",
        "https://metadata.google.internal/computeMetadata/v1/",
        "https://0x7f000001/x",
        "https://%31%32%37.0.0.1/x",
        "https://good.example\\@127.0.0.1/x",
        "https://127.0.0.1\\@good.example/x",
        "https://192.0.2.1/x",
        "https://100.64.0.1/x",
    ],
)
def test_oracle_flags_special_hosts(url: str) -> None:
    assert fuzz_discovery.special_host(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://mcp.example.com/mcp",
        "https://auth.example.com:8443/",
        "https://8.8.8.8/x",
        "https://[2606:4700::1111]/x",
        "https://user@as.example.net/x",
        "not a url",
    ],
)
def test_oracle_passes_public_hosts(url: str) -> None:
    assert not fuzz_discovery.special_host(url)


def test_signed_harness_reaches_a_verified_result() -> None:
    # the fixed key really signs: a valid seed verifies, so the invariants after it are live
    data = make_corpus.signed_seeds()["prm-valid"]
    header, _, payload = data[1:].partition(b"\0")
    plain = dict(fuzz_signed.PLAIN_PRM, signed_metadata=fuzz_signed.sign(header, payload))
    result = fuzz_signed.verify_signed_metadata(
        fuzz_signed.parse_protected_resource_metadata(plain), fuzz_signed.KEYS, now=fuzz_signed.NOW
    )
    assert result.resource_name == json.loads(payload)["resource_name"]


def test_harnesses_reject_what_they_promise_to() -> None:
    # a broken invariant is an InvariantError, not something the harness swallows
    world = fuzz_discovery.World(atheris.FuzzedDataProvider(b""))
    world.resource = "https://mcp.example.com/mcp"
    with pytest.raises(fuzzkit.InvariantError):
        fuzz_discovery._check_urls(world, ["https://127.0.0.1/"], "request")


def test_challenge_harness_catches_a_broken_round_trip(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fuzz_challenge, "format_www_authenticate", lambda _: "Basic")
    with pytest.raises(fuzzkit.InvariantError, match="parse\\(format"):
        fuzz_challenge.check(b'Bearer realm="x"')


def test_metadata_harness_catches_a_broken_round_trip() -> None:
    data = json.dumps(fuzz_signed.PLAIN_PRM).encode()
    model = fuzz_metadata.parse_protected_resource_metadata(data)
    other = fuzz_metadata.parse_protected_resource_metadata(data.replace(b"Plain", b"Other"))
    with pytest.raises(fuzzkit.InvariantError, match="round trip"):
        fuzz_metadata._check_round_trip(lambda *_, **__: other, model, strict=True)


def test_signed_harness_catches_a_moved_identifier(monkeypatch: pytest.MonkeyPatch) -> None:
    moved = fuzz_signed.parse_protected_resource_metadata(
        dict(fuzz_signed.PLAIN_PRM, resource="https://evil.example/mcp")
    )
    monkeypatch.setattr(fuzz_signed, "verify_signed_metadata", lambda *_, **__: moved)
    with pytest.raises(fuzzkit.InvariantError, match="moved resource"):
        fuzz_signed.check(make_corpus.signed_seeds()["prm-valid"])


def test_discovery_harness_catches_a_downgrade_and_an_unlisted_issuer() -> None:
    world = fuzz_discovery.World(atheris.FuzzedDataProvider(b""))
    world.resource = "https://mcp.example.com/mcp"
    legacy = fuzz_discovery.Authorize(
        issuer="https://mcp.example.com",
        authorization_endpoint="https://mcp.example.com/authorize",
        token_endpoint="https://mcp.example.com/token",  # noqa: S106 - a URL, not a secret
        registration=Registration(kind="dynamic"),
        scope=None,
        resource=None,
        protocol="2025-03-26",
        reason="legacy_authorization_server",
        rule="MCP 2025-03-26",
        explanation="",
    )
    with pytest.raises(fuzzkit.InvariantError, match="downgrade"):
        fuzz_discovery._check_authorize(world, legacy, transient=True)
    fuzz_discovery._check_authorize(world, legacy, transient=False)
    unlisted = dataclasses.replace(
        legacy, protocol="2025-11-25", resource_metadata_url="https://mcp.example.com/prm"
    )
    world.served_prm["https://mcp.example.com/prm"] = ["https://auth.example.com"]
    with pytest.raises(fuzzkit.InvariantError, match="not listed"):
        fuzz_discovery._check_authorize(world, unlisted, transient=False)
