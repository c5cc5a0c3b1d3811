"""Regenerate the seed corpus under tests/fuzz/corpus/ from the test suite's own examples.

Sources: the challenge examples (rfcauth/challenge/_examples.py), the metadata documents
(tests/data/metadata), the discovery vectors (rfcauth/discovery/vectors/discovery.json).
Run ``python tests/fuzz/make_corpus.py``; ``test_fuzz_corpus.py`` fails if the files differ.
"""

from __future__ import annotations

import hashlib
import json
import sys

from fuzzkit import CORPUS, REPO

from rfcauth.challenge._examples import EXAMPLES


def _name(data: bytes, label: str) -> str:
    return f"{label}-{hashlib.sha1(data).hexdigest()[:10]}"  # noqa: S324 - a file name, not security


def challenge_seeds() -> dict[str, bytes]:
    """Each real-world header as ISO-8859-1 bytes; several field lines joined by a newline."""
    out = {}
    for example in EXAMPLES:
        lines = (example.value,) if isinstance(example.value, str) else example.value
        data = b"\n".join(line.encode("iso-8859-1") for line in lines)
        out[_name(data, example.name)] = data
    return out


def _documents() -> dict[str, bytes]:
    """Every metadata document the tests use: real servers' and the vectors' own."""
    out = {}
    folder = REPO / "tests" / "data" / "metadata"
    for path in sorted(folder.glob("*.json")):
        if path.name != "manifest.json":
            out[path.stem] = path.read_bytes()
    vectors = json.loads((REPO / "rfcauth/discovery/vectors/discovery.json").read_bytes())
    for name, document in vectors["documents"].items():
        out[f"vector-{name}"] = json.dumps(document).encode()
    return out


def metadata_seeds() -> dict[str, bytes]:
    """The documents as received (the harness feeds each to both parsers)."""
    return {_name(data, label): data for label, data in _documents().items()}


def signed_seeds() -> dict[str, bytes]:
    """Signed and raw signed_metadata inputs in fuzz_signed's layout, valid ones first."""
    import fuzz_signed as s  # noqa: PLC0415 - cryptography only when the corpus is built

    prm = b'{"iss":"https://signer.example","resource_name":"Signed","scopes_supported":["a"]}'
    asm = b'{"iss":"https://signer.example","scopes_supported":["openid"],"exp":1900000000}'
    ed = b'{"alg":"Ed25519","kid":"k1"}'
    cases = {
        "prm-valid": (s.SIGN, ed, prm),
        "asm-valid": (s.SIGN | s.ASM | s.TRUSTED_ISSUERS, ed, asm),
        "prm-eddsa": (s.SIGN | s.ALGORITHMS, b'{"alg":"EdDSA"}', prm),
        "prm-algorithms": (s.SIGN | s.ALGORITHMS, b'{"alg":"Ed25519","kid":"k2"}', prm),
        "prm-audience": (s.SIGN | s.AUDIENCE, ed, b'{"iss":"x","aud":["https://client.example"]}'),
        "prm-expired": (s.SIGN, ed, b'{"iss":"x","exp":1000,"nbf":2000000000,"iat":"x"}'),
        "prm-translations": (s.SIGN, ed, b'{"iss":"x","resource_name#de":"Signiert"}'),
        "asm-moves-issuer": (s.SIGN | s.ASM, ed, b'{"iss":"x","issuer":"https://evil.example"}'),
        "prm-alg-none": (s.SIGN, b'{"alg":"none"}', prm),
        "prm-raw": (0, s.sign(ed, prm).encode("ascii"), b""),
        "prm-raw-garbage": (s.TOLERANT | s.NOT_REQUIRED, b"e30.e30.", b""),
    }
    return {
        name: bytes([flags]) + header + b"\0" + payload
        for name, (flags, header, payload) in cases.items()
    }


def discovery_seeds() -> dict[str, bytes]:
    """``bytes([k])`` replays discovery vector k unchanged (see fuzz_discovery's docstring)."""
    from rfcauth.discovery._scenarios import load_scenarios  # noqa: PLC0415

    vectors = load_scenarios()
    if len(vectors) > 255:
        raise SystemExit("more vectors than one byte can choose: widen the seed encoding")
    return {f"vector-{index:03d}-{v.id}": bytes([index]) for index, v in enumerate(vectors)}


def all_seeds() -> dict[str, dict[str, bytes]]:
    """Harness name → seed file name → bytes."""
    return {
        "challenge": challenge_seeds(),
        "metadata": metadata_seeds(),
        "signed": signed_seeds(),
        "discovery": discovery_seeds(),
    }


def main() -> int:
    """Write the corpus; remove stale seed files."""
    for harness, files in all_seeds().items():
        folder = CORPUS / harness
        folder.mkdir(parents=True, exist_ok=True)
        for stale in {p.name for p in folder.iterdir()} - set(files):
            (folder / stale).unlink()
        for name, data in files.items():
            (folder / name).write_bytes(data)
        sys.stdout.write(f"{harness}: {len(files)} seeds\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
