"""A whole discovery over N authorization servers that publish no metadata, driven by hand.

``python benchmarks/bench_discovery_many_servers.py 800`` prints the CPU seconds of all
``next_action`` calls (2N + 2 of them). The policy caps are raised to N, so the figure measures
the walk, not the caps; with the default caps discovery stops after 4 servers.
"""

from __future__ import annotations

import sys
import time

from rfcauth import (
    DiscoveryContext,
    Fetched,
    FetchResourceMetadata,
    FetchServerMetadata,
    Policy,
    ResourceResponse,
    next_action,
)

RESOURCE = "https://mcp.example.com/mcp"
PRM_URL = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"


def main(n: int) -> str:
    """Drive discovery to its end; one line: servers, outcome, calls, CPU seconds."""
    policy = Policy(max_authorization_servers=n, max_discovery_requests=10 * n)
    context = DiscoveryContext(resource=RESOURCE, policy=policy)
    document = {
        "resource": RESOURCE,
        "authorization_servers": [f"https://as{i}.example.com" for i in range(n)],
    }
    challenge = ResourceResponse(status=401, www_authenticate='Bearer error="invalid_token"')
    prm: list[Fetched] = []
    asm: list[Fetched] = []
    calls = 0
    start = time.process_time()
    while True:
        action = next_action(challenge, prm, asm, context=context)
        calls += 1
        if isinstance(action, FetchResourceMetadata):
            body = document if action.url == PRM_URL else None
            prm.append(Fetched(url=action.url, status=200 if body else 404, body=body))
        elif isinstance(action, FetchServerMetadata):
            asm.append(Fetched(url=action.url, status=404))
        else:
            break
    seconds = time.process_time() - start
    return f"{n} servers: {type(action).__name__} after {calls} calls, {seconds:.2f} s CPU"


if __name__ == "__main__":
    print(main(int(sys.argv[1]) if len(sys.argv) > 1 else 800))
