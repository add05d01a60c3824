"""A store of N items and 3N comments written directly (no sync), for the report target.

Tags go into ``item_departments`` as ``retag`` would write them, after their items; the
store's triggers fill ``item_signatures`` and the items' ``signature`` column from them, as
they do for every writer.

``python -m bench.bigstore STORE --items 1000000 --now 2026-11-24T12:00:00-03:00``
"""

from __future__ import annotations

import argparse
import random
from datetime import datetime, timedelta
from pathlib import Path

from sync.store import open_store

DEPARTMENTS = ("obras", "salud", "cultura", "medioambiente", "seguridad", "genero")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("store")
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--now", required=True)
    args = parser.parse_args()
    now = datetime.fromisoformat(args.now)
    db = open_store(Path(args.store))
    rng = random.Random(1)
    conn = db.conn

    def stamp(days: float) -> str:
        return (now - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")

    per_table = {"proposals": 0.8, "debates": 0.1, "meetings": 0.1}
    next_id = 1
    for table, share in per_table.items():
        count = int(args.items * share)
        for start in range(0, count, 50_000):
            rows = [(
                "bench", next_id + i, 1 + (next_id + i) % 4000, "participatory_process",
                1 + (next_id + i) % 300, f"Ítem {next_id + i}", stamp(rng.random() * 720),
                f"a{rng.randrange(200_000)}", rng.randrange(10), rng.randrange(100),
            ) for i in range(min(50_000, count - start))]
            extra = ", vote_count, state" if table == "proposals" else ""
            cols = ("instance, id, component_id, space_type, space_id, title, published_at, "
                    "author_key, comments_count")
            values = rows if extra else [r[:9] for r in rows]
            if extra:
                values = [(*r[:9], r[9], rng.choice((None, "accepted", "evaluating")))
                          for r in rows]
            with conn:
                conn.executemany(
                    f"INSERT INTO {table} ({cols}{extra}) VALUES "
                    f"({', '.join('?' * len(values[0]))})", values)
                conn.executemany(
                    "INSERT OR IGNORE INTO item_departments VALUES (?, ?, ?, ?, ?)",
                    [("bench", table[:-1], r[1], DEPARTMENTS[r[1] % 6], "keyword:x")
                     for r in rows])
            next_id += len(rows)
    for start in range(0, 3 * args.items, 100_000):
        with conn:
            conn.executemany(
                "INSERT INTO comments (instance, id, item_type, item_id, depth, published_at, "
                "author_key) VALUES (?, ?, 'proposal', ?, 0, ?, ?)",
                [("bench", start + i, 1 + rng.randrange(int(args.items * 0.8)),
                  stamp(rng.random() * 720), f"a{rng.randrange(200_000)}")
                 for i in range(min(100_000, 3 * args.items - start))])
    db.close()


if __name__ == "__main__":
    main()
