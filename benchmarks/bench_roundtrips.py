"""Sequential round trips from the first 401 to the authorization URL: rfcauth vs the MCP SDK.

Both clients log in to the same loopback worlds (`rfcauth.http._testserver.World`, a
request-counting server): the seed (no PRM, 401 without a hint, RFC 8414 metadata at the
origin), a hinted PRM naming an authorization server on another origin whose issuer has a path,
and a second connection while the documents and the registration are fresh (tokens gone, cache
and registration kept). The figures are counts, not timings:

- *requests*: discovery and registration requests the world received between the first 401 and
  the authorization request;
- *rounds*: how many of those had to wait for an earlier answer (sequential round trips).
  rfcauth reports its rounds (`Login.rounds_to_authorization`; concurrent requests share one).
  The SDK's `OAuthClientProvider` yields its requests through the httpx auth-flow generator,
  which sends one and waits for its answer before the next: each of its requests is a round.

Run: ``nice .venv/bin/python benchmarks/bench_roundtrips.py`` (needs the dev extra: mcp,
httpx2, starlette, uvicorn). With ``--ts`` it also runs the TypeScript MCP SDK's `auth()`
(``benchmarks/ts``: ``cd benchmarks/ts && npm install`` first; node 18+) on the same worlds; its
script counts the requests the SDK makes through its ``fetchFn`` and the most it ever had in
flight (1: each request is a sequential round trip).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import anyio
import httpx2
from mcp.client.auth import OAuthClientProvider
from mcp.shared.auth import (
    AuthorizationCodeResult,
    OAuthClientMetadata,
)

from rfcauth.http import FollowRedirects, MemoryStorage, MetadataCache, OAuthFlow
from rfcauth.http._testserver import World
from rfcauth.testing._peers import SdkMemoryStorage

if TYPE_CHECKING:
    from collections.abc import Callable

REDIRECT = "http://127.0.0.1:9/callback"
TS_DIR = Path(__file__).resolve().parent / "ts"


def _window(world: World) -> list[Any]:
    """The requests after the first 401 and before the authorization request."""
    out = []
    started = False
    for record in world.requests:
        if record.path.endswith("/authorize"):
            break
        if started:
            out.append(record)
        elif record.path == "/mcp":
            started = True
    return [r for r in out if r.path != "/mcp"]


# -- rfcauth -------------------------------------------------------------------------------


def rfcauth_login(world: World, flow: OAuthFlow) -> tuple[int, int]:
    async def run() -> None:
        async with httpx2.AsyncClient(auth=flow) as client:
            response = await client.get(world.resource_url)
            assert response.status_code == 200, response.status_code

    anyio.run(run)
    assert flow.last_login is not None
    rounds = flow.last_login.rounds_to_authorization
    assert rounds is not None
    return len(_window(world)), rounds


# -- the MCP Python SDK --------------------------------------------------------------------


def sdk_login(world: World, storage: SdkMemoryStorage) -> tuple[int, int]:
    callback: dict[str, str] = {}

    async def redirect_handler(url: str) -> None:
        async with httpx2.AsyncClient(follow_redirects=False) as plain:
            answer = await plain.get(url)
        query = parse_qs(urlsplit(answer.headers["location"]).query)
        callback.update({k: v[0] for k, v in query.items()})

    async def callback_handler() -> AuthorizationCodeResult:
        return AuthorizationCodeResult(
            code=callback["code"], state=callback.get("state"), iss=callback.get("iss")
        )

    provider = OAuthClientProvider(
        server_url=world.resource_url,
        client_metadata=OAuthClientMetadata(
            redirect_uris=[REDIRECT],  # type: ignore[list-item]
            client_name="bench",
            grant_types=["authorization_code", "refresh_token"],
            response_types=["code"],
            token_endpoint_auth_method="none",  # noqa: S106 - RFC 7591 method name
        ),
        storage=storage,
        redirect_handler=redirect_handler,
        callback_handler=callback_handler,
    )

    async def run() -> None:
        async with httpx2.AsyncClient(auth=provider) as client:
            response = await client.get(world.resource_url)
            assert response.status_code == 200, response.status_code

    anyio.run(run)
    window = _window(world)
    return len(window), len(window)


# -- the worlds ----------------------------------------------------------------------------

WORLDS: dict[str, Callable[[], World]] = {
    "seed: no PRM, 401 without hint, RFC 8414 at the origin": World.seed,
    "hinted PRM, AS on another origin, issuer with a path": World.modern,
    "as above, the AS publishes only OIDC metadata appended to its issuer (Keycloak realm)": (
        lambda: World.modern(metadata_at="oidc_appended")
    ),
}
SDK = f"mcp {version('mcp')} OAuthClientProvider"
SECOND = "second connection, documents and registration fresh (max-age=300)"


def _ts_version() -> str:
    try:
        package = json.loads(
            (TS_DIR / "node_modules/@modelcontextprotocol/sdk/package.json").read_text()
        )
    except OSError:
        return "TypeScript SDK (not installed)"
    return f"TypeScript SDK {package['version']} auth()"


TS = _ts_version()


def ts_login(world: World) -> dict[str, Any]:
    """Run the TypeScript SDK's auth() against `world`; its first and second connection."""
    node = shutil.which("node")
    if node is None:
        msg = "node is not installed"
        raise SystemExit(msg)
    # S603: our own script, run with the node on PATH
    result = subprocess.run(  # noqa: S603
        [node, str(TS_DIR / "roundtrips.mjs"), world.resource_url],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if result.returncode != 0:
        raise SystemExit(result.stderr)
    measured: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return measured


def _ts_row(title: str, measured: dict[str, Any]) -> dict[str, Any]:
    sequential = measured["maxInFlight"] <= 1
    return {
        "world": title,
        "client": TS,
        "requests": measured["requests"],
        "rounds": measured["requests"] if sequential else f"? ({measured['maxInFlight']} at once)",
    }


def measure_ts() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for title, make in WORLDS.items():
        with make() as world:
            rows.append(_ts_row(title, ts_login(world)["firstConnection"]))
    with World.modern(cache_control="max-age=300") as world:
        rows.append(_ts_row(SECOND, ts_login(world)["secondConnection"]))
    return rows


def measure() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for title, make in WORLDS.items():
        with make() as world:
            requests, rounds = rfcauth_login(
                world, OAuthFlow(world.resource_url, redirect_handler=FollowRedirects())
            )
            rows.append(
                {"world": title, "client": "rfcauth", "requests": requests, "rounds": rounds}
            )
        with make() as world:
            requests, rounds = sdk_login(world, SdkMemoryStorage())
            rows.append({"world": title, "client": SDK, "requests": requests, "rounds": rounds})
    title = SECOND
    with World.modern(cache_control="max-age=300") as world:
        cache, storage = MetadataCache(), MemoryStorage()
        rfcauth_login(
            world,
            OAuthFlow(
                world.resource_url, redirect_handler=FollowRedirects(), cache=cache, storage=storage
            ),
        )
        storage.set_tokens(world.resource_url, None)
        world.reset_counts()
        flow = OAuthFlow(
            world.resource_url, redirect_handler=FollowRedirects(), cache=cache, storage=storage
        )
        requests, rounds = rfcauth_login(world, flow)
        rows.append({"world": title, "client": "rfcauth", "requests": requests, "rounds": rounds})
    with World.modern(cache_control="max-age=300") as world:
        sdk_storage = SdkMemoryStorage()
        sdk_login(world, sdk_storage)
        sdk_storage.tokens = None
        world.reset_counts()
        requests, rounds = sdk_login(world, sdk_storage)
        rows.append({"world": title, "client": SDK, "requests": requests, "rounds": rounds})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    parser.add_argument("--ts", action="store_true", help="also run the TypeScript SDK (node)")
    args = parser.parse_args()
    rows = measure()
    if args.ts:
        rows += measure_ts()
        order = {title: i for i, title in enumerate([*WORLDS, SECOND])}
        rows.sort(key=lambda row: order[row["world"]])
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print("| world | client | sequential round trips | requests |")
    print("|---|---|---|---|")
    for row in rows:
        print(f"| {row['world']} | {row['client']} | {row['rounds']} | {row['requests']} |")


if __name__ == "__main__":
    main()
