"""Department tags in the store: recompute them, count them, explain them, find the gaps.

``retag(db, instance, rules, locale)`` is what the sync pipeline calls at the end of a run and
what ``participa retag`` calls after the rules change: it rereads the instance's spaces and
items, matches them with ``sync.tagging`` and replaces the instance's ``item_departments`` rows
in one transaction, so a removed rule removes its tags. Rows are streamed and inserted in
batches; only the spaces' tags are kept in memory. ``item_signatures`` (what reports read) is
kept equal to ``item_departments`` by the store's triggers (``sync.migrations``), in the same
transaction.

The read helpers (``count_tags``, ``explain``, ``iter_untagged``) back ``participa
departments``; they skip rows whose ``removed_at`` is set, as reports do (``explain`` does not).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice

from sqlite_utils import Database

from participa.errors import StoreError
from sync.config import DepartmentRule
from sync.tagging import Facts, Matcher, Tag, compile_rules, inherit

SPACE_TYPES = ("participatory_process", "assembly")
ITEM_TYPES = ("proposal", "debate", "meeting")
TAGGED_TYPES = SPACE_TYPES + ITEM_TYPES
NO_DEPARTMENT = ""  # the key of the "sin departamento" counts
BATCH = 1000

#: item_type -> (table, the column holding its body as plain text)
_ITEM_SOURCES = {
    "proposal": ("proposals", "body_text"),
    "debate": ("debates", "description_text"),
    "meeting": ("meetings", "description_text"),
}
_INSERT = (
    "INSERT OR IGNORE INTO item_departments (instance, item_type, item_id, department, rule) "
    "VALUES (?, ?, ?, ?, ?)"
)
#: every taggable row of the store, spaces and items alike, with the space it belongs to
_THINGS = """
SELECT instance, type AS item_type, id, title, NULL AS space_type, NULL AS space_id, removed_at
  FROM spaces
UNION ALL
SELECT instance, item_type, id, title, space_type, space_id, removed_at FROM v_items
"""
_NOT_TAGGED = """NOT EXISTS (
    SELECT 1 FROM item_departments AS x
     WHERE x.instance = t.instance AND x.item_type = t.item_type AND x.item_id = t.id)"""
_TYPE_ORDER = " ".join(f"WHEN '{t}' THEN {n}" for n, t in enumerate(TAGGED_TYPES))

Row = tuple[str, int, Tag]  # (item_type, item_id, tag)


def retag(db: Database, instance: str, rules: Sequence[DepartmentRule], locale: str) -> int:
    """Recompute every tag of ``instance``; returns how many ``item_departments`` rows it wrote.

    ``locale`` is the locale of the store's text columns (already plain text in it);
    matching ignores case and accents the same way in every locale.
    """
    matcher = compile_rules(rules)
    try:
        with db.atomic():
            db.execute("DELETE FROM item_departments WHERE instance = ?", [instance])
            space_tags: dict[tuple[str, int], frozenset[Tag]] = {}
            written = _insert(db, instance, _tag_spaces(db, instance, matcher, space_tags))
            for item_type in ITEM_TYPES:
                rows = _tag_items(db, instance, item_type, matcher, space_tags)
                written += _insert(db, instance, rows)
    except sqlite3.Error as exc:
        raise StoreError(f"{instance}: cannot write the department tags ({exc})") from None
    return written


def _tag_spaces(
    db: Database, instance: str, matcher: Matcher, seen: dict[tuple[str, int], frozenset[Tag]]
) -> Iterator[Row]:
    sql = (
        "SELECT type, id, slug, title, subtitle, description_text, hashtag, scope, area, "
        "taxonomies FROM spaces WHERE instance = ?"
    )
    for row in db.query(sql, [instance]):
        tags = matcher.match(space_facts(row))
        seen[(row["type"], row["id"])] = tags
        yield from ((row["type"], row["id"], tag) for tag in tags)


def _tag_items(
    db: Database,
    instance: str,
    item_type: str,
    matcher: Matcher,
    space_tags: dict[tuple[str, int], frozenset[Tag]],
) -> Iterator[Row]:
    table, body = _ITEM_SOURCES[item_type]
    sql = (
        f"SELECT id, space_type, space_id, title, {body} AS body, category, scope, taxonomies, "
        f"hashtags FROM {table} WHERE instance = ?"
    )
    for row in db.query(sql, [instance]):
        own = matcher.match(item_facts(row))
        from_space = space_tags.get((row["space_type"], row["space_id"]), frozenset())
        inherited = inherit(from_space, row["space_type"], row["space_id"])
        yield from ((item_type, row["id"], tag) for tag in own | inherited)


def space_facts(row: dict) -> Facts:
    """The ``Facts`` of one ``spaces`` row (subtitle counts as part of the title)."""
    return Facts(
        texts=_texts(row["title"], row["subtitle"], row["description_text"]),
        slug=row["slug"],
        hashtags=_names(row["hashtag"]),
        scopes=_names(row["scope"]),
        areas=_names(row["area"]),
        taxonomies=_names(row["taxonomies"]),
    )


def item_facts(row: dict) -> Facts:
    """The ``Facts`` of one proposal, debate or meeting row (``body`` = its plain-text body)."""
    return Facts(
        texts=_texts(row["title"], row["body"]),
        categories=_names(row["category"]),
        scopes=_names(row["scope"]),
        taxonomies=_names(row["taxonomies"]),
        hashtags=_names(row["hashtags"]),
    )


def _texts(*values: str | None) -> tuple[str, ...]:
    return tuple(v for v in values if v)


def _names(value: str | None) -> tuple[str, ...]:
    """A name column: a JSON array of names, or one plain name; NULL and '' are none."""
    if not value:
        return ()
    if value.startswith("["):
        try:
            parsed = json.loads(value)
        except ValueError:
            return (value,)
        return tuple(str(v) for v in parsed if v) if isinstance(parsed, list) else (value,)
    return (value,)


def _insert(db: Database, instance: str, rows: Iterable[Row]) -> int:
    written = 0
    it = iter(rows)
    while batch := list(islice(it, BATCH)):
        db.conn.executemany(_INSERT, [(instance, t, i, g.department, g.rule) for t, i, g in batch])
        written += len(batch)
    return written


# -- reading the tags back ---------------------------------------------------------------------


def count_tags(db: Database, instance: str) -> dict[str, dict[str, int]]:
    """department -> item_type -> how many live spaces/items it tags; ``NO_DEPARTMENT`` holds
    the untagged ones. Removed rows (``removed_at`` set) are not counted."""
    tagged = f"""
        SELECT d.department, t.item_type, COUNT(*) AS n
          FROM v_item_departments AS d
          JOIN ({_THINGS}) AS t
            ON t.instance = d.instance AND t.item_type = d.item_type AND t.id = d.item_id
         WHERE d.instance = ? AND t.removed_at IS NULL
         GROUP BY d.department, t.item_type"""
    untagged = f"""
        SELECT '' AS department, t.item_type, COUNT(*) AS n FROM ({_THINGS}) AS t
         WHERE t.instance = ? AND t.removed_at IS NULL AND {_NOT_TAGGED}
         GROUP BY t.item_type"""
    counts: dict[str, dict[str, int]] = {}
    for sql in (tagged, untagged):
        for row in _read(db, sql, [instance]):
            counts.setdefault(row["department"], {})[row["item_type"]] = row["n"]
    return counts



@dataclass(frozen=True)
class Untagged:
    """A live space or item no rule reaches."""

    item_type: str
    id: int
    title: str | None
    space_type: str | None
    space_id: int | None
    space_title: str | None


def iter_untagged(db: Database, instance: str, limit: int | None = None) -> Iterator[Untagged]:
    """Untagged live spaces, then proposals, debates and meetings, each by id."""
    sql = f"""
        SELECT t.item_type, t.id, t.title, t.space_type, t.space_id, s.title AS space_title
          FROM ({_THINGS}) AS t
          LEFT JOIN spaces AS s
            ON s.instance = t.instance AND s.type = t.space_type AND s.id = t.space_id
         WHERE t.instance = ? AND t.removed_at IS NULL AND {_NOT_TAGGED}
         ORDER BY CASE t.item_type {_TYPE_ORDER} END, t.id
         LIMIT ?"""
    for row in _read(db, sql, [instance, -1 if limit is None else limit]):
        yield Untagged(**row)


@dataclass(frozen=True)
class Reason:
    """One rule that tagged a department; ``via`` holds what stands behind an indirect rule:
    the space's own rules for ``space:…``, the section's rules for ``section:…``."""

    rule: str
    via: tuple[str, ...] = ()


@dataclass(frozen=True)
class Explanation:
    item_type: str
    id: int
    title: str | None
    space_type: str | None
    space_id: int | None
    space_title: str | None
    reasons: dict[str, tuple[Reason, ...]]  # department -> reasons, departments sorted


def explain(db: Database, instance: str, item_type: str, item_id: int) -> Explanation | None:
    """Why ``item_type:item_id`` has the departments it has; None when the store lacks it."""
    sql = f"""
        SELECT t.title, t.space_type, t.space_id, s.title AS space_title FROM ({_THINGS}) AS t
          LEFT JOIN spaces AS s
            ON s.instance = t.instance AND s.type = t.space_type AND s.id = t.space_id
         WHERE t.instance = ? AND t.item_type = ? AND t.id = ?"""
    found = list(_read(db, sql, [instance, item_type, item_id]))
    if not found:
        return None
    own = _rules_of(db, instance, item_type, item_id)
    reasons = {
        dep: tuple(Reason(rule, _via(db, instance, rule, dep, own)) for rule in rules)
        for dep, rules in sorted(own.items())
    }
    return Explanation(item_type, item_id, **found[0], reasons=reasons)


def _rules_of(db: Database, instance: str, item_type: str, item_id: int) -> dict[str, list[str]]:
    sql = (
        "SELECT department, rule FROM item_departments "
        "WHERE instance = ? AND item_type = ? AND item_id = ? ORDER BY department, rule"
    )
    rules: dict[str, list[str]] = {}
    for row in _read(db, sql, [instance, item_type, item_id]):
        rules.setdefault(row["department"], []).append(row["rule"])
    return rules


def _via(
    db: Database, instance: str, rule: str, department: str, own: dict[str, list[str]]
) -> tuple[str, ...]:
    kind, _, rest = rule.partition(":")
    if kind == "section":
        return tuple(own.get(rest, ()))
    if kind == "space":
        space_type, _, space_id = rest.rpartition(":")
        if space_id.isdigit():
            return tuple(_rules_of(db, instance, space_type, int(space_id)).get(department, ()))
    return ()


def _read(db: Database, sql: str, params: list) -> Iterator[dict]:
    try:
        yield from db.query(sql, params)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot read the department tags ({exc})") from None
