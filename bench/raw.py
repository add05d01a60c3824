"""Raw ingest baseline: json.loads of the answers a sync received + executemany of the same
number of columns per item and comment, in one transaction per answer. Prints JSON.

"The same columns" means what the store writes: the text of translated fields (an item's
title and body are ``{"translations": [...]}`` objects, not scalars) and the ids of nested
objects (author, category, …) are kept, not dropped; the tables have the store's key
(``instance, id``) and as many secondary indexes as the store's item and comment tables (3).
No normalization (locale choice, HTML to text, UTC, author keys): that is what the sync adds.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time

ITEM_COLUMNS = 28
COMMENT_COLUMNS = 16
INDEXES = 3


def main(dump: str, store: str) -> None:
    conn = sqlite3.connect(store)
    for table, width in (("items", ITEM_COLUMNS), ("comments", COMMENT_COLUMNS)):
        columns = ", ".join(f"c{i}" for i in range(width))
        conn.execute(f"CREATE TABLE {table} (instance TEXT NOT NULL, {columns}, "
                     "PRIMARY KEY (instance, c0))")
        for n in range(INDEXES):
            conn.execute(f"CREATE INDEX {table}_{n} ON {table} (instance, c{n + 1})")
    marks = ", ".join("?" * (ITEM_COLUMNS + 1))
    cmarks = ", ".join("?" * (COMMENT_COLUMNS + 1))
    with open(dump, encoding="utf-8") as lines:  # the answers as received: not timed
        answers = [json.loads(line)["answer"] for line in lines]
    cpu = time.process_time()
    items = comments = 0
    for answer in answers:
        data = json.loads(answer).get("data") or {}
        rows, crows = [], []
        for key, component in data.items():
            if not key.startswith("c") or not isinstance(component, dict):
                continue
            for field in ("proposals", "debates", "meetings"):
                for node in (component.get(field) or {}).get("nodes") or []:
                    rows.append(_flat(node, ITEM_COLUMNS, field))
                    _comments(node.get("comments") or [], crows)
        with conn:
            conn.executemany(f"INSERT OR REPLACE INTO items VALUES ({marks})", rows)
            conn.executemany(f"INSERT OR REPLACE INTO comments VALUES ({cmarks})", crows)
        items += len(rows)
        comments += len(crows)
    print(json.dumps({"items": items, "comments": comments,
                      "cpu_seconds": time.process_time() - cpu}))


def _flat(node: dict, width: int, kind: str) -> tuple:
    """``kind`` (part of the key: ids of different kinds overlap) + the node's values: scalars
    as they are, a translated field as its first text, a nested object as its id; lists
    (comments, taxonomies) left out."""
    flat = [kind]
    for value in node.values():
        if isinstance(value, dict):
            texts = value.get("translations")
            value = texts[0].get("text") if texts else value.get("id")
        elif isinstance(value, list):
            continue
        flat.append(value)
    return tuple((flat + [None] * width)[: width + 1])


def _comments(nodes: list, out: list) -> None:
    for node in nodes:
        out.append(_flat(node, COMMENT_COLUMNS, "comment"))
        _comments(node.get("comments") or [], out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
