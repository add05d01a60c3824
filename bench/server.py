"""A simulator in its own process, so the measured client never shares its GIL.

``python -m bench.server --scale large --latency-ms 50 --rate-limit 6000 --close 0.8
--advance 7`` prints the URL, serves until stdin closes, then prints its stats as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime

from connector.simulator import Simulator, advance_world, close_spaces, generate_world


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="large")
    parser.add_argument("--release", default="0.30")
    parser.add_argument("--now", required=True)
    parser.add_argument("--latency-ms", type=float, default=0)
    parser.add_argument("--rate-limit", type=int, default=0)
    parser.add_argument("--close", type=float, default=0.0)
    parser.add_argument("--advance", type=float, default=0.0)
    args = parser.parse_args()
    world = generate_world(7, args.scale, datetime.fromisoformat(args.now))
    if args.close:
        world = close_spaces(world, args.close, seed=7)
    if args.advance:
        world = advance_world(world, args.advance, seed=1)
    with Simulator(release=args.release, world=world, latency_ms=args.latency_ms,
                   requests_per_window=args.rate_limit or None) as sim:
        print(sim.url, flush=True)
        sys.stdin.read()
        times = sorted(r.seconds for r in sim.requests)
        response = {"mean_ms": 1000 * sum(times) / len(times),
                    "p90_ms": 1000 * times[int(0.9 * (len(times) - 1))]} if times else {}
        print(json.dumps({**sim.stats, "response": response}, default=str), flush=True)


if __name__ == "__main__":
    main()
