"""Discovery decision cost: a whole `simulate` run and one `next_action` step.

Runs the shipped scenario vectors (rfcauth/vectors/discovery.json) and reports, per scenario
kind, the µs for one `simulate` run and the µs per `next_action` step. The motivating scenario
(legacy fallback after a hint-less 401) comes first; its target is "well under a millisecond".

    python benchmarks/bench_discovery.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import timeit

from rfcauth import DiscoveryContext, Fetched, ResourceResponse, next_action
from rfcauth.discovery._scenarios import load_scenarios


def _time(fn, number: int, repeat: int) -> float:
    """Best-of-`repeat` seconds per call (the minimum is the least noisy estimate)."""
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    scenarios = load_scenarios()
    print(f"{'scenario':<45} {'steps':>5} {'simulate µs':>12} {'µs/step':>9}")
    per_step: list[float] = []
    for scenario in scenarios:
        plan = scenario.run()
        seconds = _time(scenario.run, number=200, repeat=args.repeat)
        steps = len(plan.steps)
        per_step.append(seconds / steps * 1e6)
        if scenario is scenarios[0] or scenario.id.startswith(("prm-hint", "as-keycloak")):
            print(
                f"{scenario.id:<45} {steps:>5} {seconds * 1e6:>12.1f} {seconds / steps * 1e6:>9.1f}"
            )

    # A single step in isolation: the last (deciding) call of the motivating scenario, which
    # replays the whole walk from its inputs.
    seed = scenarios[0]
    plan = seed.run()
    context = DiscoveryContext(resource=seed.resource, policy=seed.policy, client=seed.client)
    answer = seed.responses[seed.resource]
    challenge = ResourceResponse(
        status=answer["status"], www_authenticate=answer["headers"]["WWW-Authenticate"]
    )
    prm = [Fetched(url=u, status=404) for u in plan.probes[:2]]
    asm = [Fetched(url=plan.probes[2], status=200, body=seed.responses[plan.probes[2]]["body"])]
    last = _time(lambda: next_action(challenge, prm, asm, context=context), 2000, args.repeat)
    print()
    print(
        f"all {len(scenarios)} scenarios: median {statistics.median(per_step):.1f} µs/step, "
        f"max {max(per_step):.1f} µs/step"
    )
    print(f"motivating scenario, deciding step alone (replays 3 fetches): {last * 1e6:.1f} µs")


if __name__ == "__main__":
    main()
