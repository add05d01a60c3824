"""Raw ingest baseline: json.loads of the answers a sync received + executemany of the same
number of columns per item and comment, in one transaction per answer. Prints JSON."""

from __future__ import annotations

import json
import sqlite3
import sys
import time

ITEM_COLUMNS = 28
COMMENT_COLUMNS = 16


def main(dump: str, store: str) -> None:
    conn = sqlite3.connect(store)
    marks = ", ".join("?" * ITEM_COLUMNS)
    cmarks = ", ".join("?" * COMMENT_COLUMNS)
    conn.execute(f"CREATE TABLE items ({', '.join(f'c{i}' for i in range(ITEM_COLUMNS))})")
    conn.execute(f"CREATE TABLE comments ({', '.join(f'c{i}' for i in range(COMMENT_COLUMNS))})")
    cpu = time.process_time()
    items = comments = 0
    with open(dump, encoding="utf-8") as lines:
        for line in lines:
            data = json.loads(line).get("data") or {}
            rows, crows = [], []
            for key, component in data.items():
                if not key.startswith("c") or not isinstance(component, dict):
                    continue
                for field in ("proposals", "debates", "meetings"):
                    for node in (component.get(field) or {}).get("nodes") or []:
                        flat = [v for v in node.values() if not isinstance(v, dict | list)]
                        rows.append((flat + [None] * ITEM_COLUMNS)[:ITEM_COLUMNS])
                        _comments(node.get("comments") or [], crows)
            with conn:
                conn.executemany(f"INSERT INTO items VALUES ({marks})", rows)
                conn.executemany(f"INSERT INTO comments VALUES ({cmarks})", crows)
            items += len(rows)
            comments += len(crows)
    print(json.dumps({"items": items, "comments": comments,
                      "cpu_seconds": time.process_time() - cpu}))


def _comments(nodes: list, out: list) -> None:
    for node in nodes:
        flat = [v for v in node.values() if not isinstance(v, dict | list)]
        out.append((flat + [None] * COMMENT_COLUMNS)[:COMMENT_COLUMNS])
        _comments(node.get("comments") or [], out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
