"""A Decidim GraphQL API simulator on loopback (releases 0.27–0.30) over a generated world.

    from connector.simulator import Simulator
    with Simulator(release="0.29", seed=7, scale="small", now=now) as sim:
        httpx.post(sim.url, json={"query": "{ decidim { version } }"})
"""

from connector.simulator.advance import advance_world
from connector.simulator.closing import close_spaces
from connector.simulator.generate import SCALES, generate_world
from connector.simulator.paging import decode_cursor, encode_cursor
from connector.simulator.schema import build_schema
from connector.simulator.sdl import RELEASES, schema_sdl
from connector.simulator.server import Simulator, default_max_aliases
from connector.simulator.world import World

__all__ = [
    "RELEASES",
    "SCALES",
    "Simulator",
    "World",
    "advance_world",
    "close_spaces",
    "build_schema",
    "decode_cursor",
    "default_max_aliases",
    "encode_cursor",
    "generate_world",
    "schema_sdl",
]
