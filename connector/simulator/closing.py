"""``close_spaces``: a world in which a share of the spaces ended long ago (for incremental syncs).

Processes get an ``end_date`` and assemblies a closing date (the same field) between
``min_days`` and ``max_days`` before ``world.now``; their items are left as they are.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

from connector.simulator.world import World


def close_spaces(world: World, share: float, seed: int, *, min_days: int = 45,
                 max_days: int = 365) -> World:
    """A new ``World`` where ``round(share × spaces)`` spaces, chosen by ``seed``, have ended."""
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"share must be between 0 and 1, got {share}")
    rng = random.Random(f"{seed}:close")
    chosen = set(rng.sample(range(len(world.spaces)), round(share * len(world.spaces))))
    today = world.now.date()
    spaces = tuple(
        replace(s, end_date=today - timedelta(days=rng.randint(min_days, max_days)))
        if n in chosen else s
        for n, s in enumerate(world.spaces)
    )
    return replace(world, spaces=spaces)
