"""WWW-Authenticate parsing: rfcauth against its reference parser and its peers.

One process, one corpus (rfcauth's built-in real-world headers, rfcauth/challenge/_examples.py):

* rfcauth fast parser, strict and lenient (all challenges, all params, duplicate check);
* rfcauth reference parser (the abnf package running grammars/*.abnf);
* werkzeug ``WWWAuthenticate.from_header`` (reads the first challenge only);
* the MCP Python SDK's ``extract_field_from_www_auth`` (one regex search per field; we ask
  for the three fields a client needs: resource_metadata, scope, error).

Then the linear-time demonstration: adversarial inputs doubled in size, time per size.
Run: ``.venv/bin/python benchmarks/bench_challenge.py`` (``--quick`` for a smoke run).
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import statistics
import subprocess
import sys
import timeit
from typing import TYPE_CHECKING

from rfcauth import ChallengeParseError, parse_www_authenticate, scan_www_authenticate
from rfcauth.challenge._examples import EXAMPLES
from rfcauth.grammar import reference

if TYPE_CHECKING:
    from collections.abc import Callable


def _text(value: str | tuple[str, ...]) -> str:
    return value if isinstance(value, str) else ", ".join(value)


# Typical headers: the corpus's strictly valid ones. The malformed ones are timed apart:
# there rfcauth does different work (it reports where and why), while peers never reject.
TYPICAL = [_text(e.value) for e in EXAMPLES if e.strict_ok]
MALFORMED = [_text(e.value) for e in EXAMPLES if not e.strict_ok]


def strict(header: str) -> object:
    try:
        return parse_www_authenticate(header)
    except ChallengeParseError:
        return None


def lenient(header: str) -> object:
    return scan_www_authenticate(header)


def ref(header: str) -> object:
    try:
        return reference.parse_www_authenticate(header)
    except ChallengeParseError:
        return None


def peers() -> dict[str, Callable[[str], object]]:
    found: dict[str, Callable[[str], object]] = {}
    try:
        from werkzeug.datastructures import WWWAuthenticate  # noqa: PLC0415
    except ImportError:  # pragma: no cover
        print("werkzeug not installed: pip install -e '.[bench]'")
    else:
        found["werkzeug WWWAuthenticate.from_header"] = WWWAuthenticate.from_header
    try:
        from httpx2 import Response  # noqa: PLC0415 -- the MCP SDK's HTTP types (mcp 2.x)
        from mcp.client.auth.utils import extract_field_from_www_auth  # noqa: PLC0415
    except ImportError:  # pragma: no cover
        print("mcp not installed: pip install -e '.[bench]'")
    else:
        responses: dict[str, object] = {}

        def mcp_fields(header: str) -> object:
            # The Response is built once per header, outside the measured work.
            response = responses.get(header)
            if response is None:
                response = responses[header] = Response(401, headers={"WWW-Authenticate": header})
            return [
                extract_field_from_www_auth(response, name)  # type: ignore[arg-type]
                for name in ("resource_metadata", "scope", "error")
            ]

        for header in TYPICAL + MALFORMED:
            mcp_fields(header)
        found["MCP SDK extract_field_from_www_auth x3"] = mcp_fields
    return found


def per_header_us(
    func: Callable[[str], object], corpus: list[str], *, number: int, repeat: int
) -> float:
    def run() -> None:
        for header in corpus:
            func(header)

    best = min(timeit.repeat(run, number=number, repeat=repeat))
    return best / number / len(corpus) * 1e6


def compare(corpus: list[str], title: str, *, quick: bool) -> dict[str, float]:
    number, repeat = (20, 3) if quick else (300, 7)
    rows: dict[str, float] = {
        "rfcauth parse_www_authenticate (strict)": per_header_us(
            strict, corpus, number=number, repeat=repeat
        ),
        "rfcauth scan_www_authenticate (lenient)": per_header_us(
            lenient, corpus, number=number, repeat=repeat
        ),
    }
    ref(corpus[0])  # load the grammar outside the measurement
    rows["rfcauth.grammar.reference (abnf)"] = per_header_us(
        ref, corpus, number=1 if quick else 3, repeat=2 if quick else 3
    )
    for name, func in peers().items():
        rows[name] = per_header_us(func, corpus, number=number, repeat=repeat)
    base = rows["rfcauth parse_www_authenticate (strict)"]
    mean = round(statistics.mean(len(h) for h in corpus))
    print(
        f"\n{title}: {len(corpus)} headers from rfcauth/challenge/_examples.py, mean {mean} chars"
    )
    print(f"{'parser':45} {'us/header':>10} {'x rfcauth':>10}")
    for name, us in rows.items():
        print(f"{name:45} {us:10.2f} {us / base:10.2f}")
    werkzeug = rows.get("werkzeug WWWAuthenticate.from_header")
    if werkzeug:
        print(f"rfcauth / werkzeug = {base / werkzeug:.2f} (target <= 0.33)")
    print(
        f"reference / rfcauth = {rows['rfcauth.grammar.reference (abnf)'] / base:.0f}"
        " (target >= 200)"
    )
    return rows


ADVERSARIAL: dict[str, Callable[[int], str]] = {
    "commas": lambda n: "," * n,
    "backslashes in a quoted-string": lambda n: 'Bearer a="' + "\\" * n,
    "open quotes": lambda n: 'Bearer a="x, ' * (n // 12),
    "empty params": lambda n: "Bearer " + ",,,, " * (n // 5) + "a=b",
    "broken challenges": lambda n: 'A "x, ' * (n // 6),
}


def linear(*, quick: bool) -> None:
    sizes = [16_384, 32_768, 65_536, 131_072] if not quick else [4_096, 8_192]
    print("\nlinear time: ms per parse (strict + lenient) as the input doubles")
    print(f"{'input':32}" + "".join(f"{n:>10}" for n in sizes) + "   ratios")
    for name, make in ADVERSARIAL.items():
        times = []
        for n in sizes:
            text = make(n)

            def run(text: str = text) -> None:
                with contextlib.suppress(ChallengeParseError):
                    parse_www_authenticate(text, max_length=len(text))
                scan_www_authenticate(text, max_length=len(text))

            times.append(min(timeit.repeat(run, number=1, repeat=3 if quick else 5)) * 1e3)
        ratios = " ".join(f"{b / a:.2f}" for a, b in itertools.pairwise(times))
        print(f"{name:32}" + "".join(f"{t:10.2f}" for t in times) + f"   {ratios}")


def import_time() -> None:
    code = (
        "import time; t = time.perf_counter(); import rfcauth; "
        "print((time.perf_counter() - t) * 1e3)"
    )
    runs = [
        float(subprocess.check_output([sys.executable, "-c", code], text=True))  # noqa: S603
        for _ in range(5)
    ]
    print(f"\nimport rfcauth: {min(runs):.1f} ms (best of 5, fresh interpreters; abnf not loaded)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}")
    compare(TYPICAL, "typical headers (strictly valid)", quick=args.quick)
    compare(MALFORMED, "malformed headers (rfcauth rejects or skips them)", quick=args.quick)
    linear(quick=args.quick)
    import_time()


if __name__ == "__main__":
    main()
