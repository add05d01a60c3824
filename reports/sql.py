"""SQL the reader composes: period buckets, department signatures, scopes, and ``query``.

Timestamps in the store are UTC ``Z`` strings (``2026-11-16T03:00:00Z``), so comparing them
as strings compares instants, and ranges on ``published_at`` use the indexes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from participa.errors import StoreError
from reports.period import Period, utc_z

#: Separates slugs in a signature (``group_concat``); slugs never contain it.
SEPARATOR = "\x1f"

Params = dict[str, Any]


@dataclass(frozen=True)
class ScopeSpec:
    """Which items a section counts: ``any_of`` departments (None: every item), or ``untagged``
    (no department at all), or ``nothing``."""

    any_of: tuple[str, ...] | None = None
    untagged: bool = False
    nothing: bool = False

    def holds(self, departments: frozenset[str]) -> bool:
        """Whether an item tagged with ``departments`` is in this scope."""
        if self.nothing:
            return False
        if self.untagged:
            return not departments
        return self.any_of is None or not departments.isdisjoint(self.any_of)


def signature(alias: str, type_col: str, id_col: str) -> str:
    """The item's department slugs, sorted and joined by ``SEPARATOR`` (NULL: none)."""
    return (
        f"(SELECT g.signature FROM item_signatures AS g WHERE g.instance = {alias}.instance"
        f" AND g.item_type = {alias}.{type_col} AND g.item_id = {alias}.{id_col})"
    )


#: item_type → (its table, the store's partial index of that table's removed rows).
_ITEM_TABLES = {
    "proposal": ("proposals", "idx_proposals_removed"),
    "debate": ("debates", "idx_debates_removed"),
    "meeting": ("meetings", "idx_meetings_removed"),
}


def item_removed(alias: str, type_col: str, id_col: str) -> str:
    """``removed_at`` of ``alias``'s item if it was removed, else NULL (as ``v_comments`` joins
    it), found in the item table's index of removed rows: nearly free when none are."""
    whens = " ".join(
        f"WHEN '{item_type}' THEN (SELECT r.removed_at FROM {table} AS r INDEXED BY {index}"
        f" WHERE r.instance = {alias}.instance AND r.id = {alias}.{id_col}"
        f" AND r.removed_at IS NOT NULL)"
        for item_type, (table, index) in _ITEM_TABLES.items()
    )
    return f"CASE {alias}.{type_col} {whens} END"


def signature_holds(scope: ScopeSpec, sig: str, prefix: str) -> tuple[str, Params]:
    """A term true when the signature ``sig`` (an SQL expression) is in ``scope``; parameters
    are named ``{prefix}…``. ``any_of`` looks for ``char(31)``-delimited slugs in it."""
    if scope.nothing:
        return "0", {}
    if scope.untagged:
        return f"({sig} IS NULL)", {}
    if scope.any_of is None:
        return "1", {}
    names = {f"{prefix}{n}": slug for n, slug in enumerate(scope.any_of)}
    if not names:
        return "0", {}
    padded = f"(char(31) || {sig} || char(31))"
    terms = " OR ".join(f"instr({padded}, char(31) || :{name} || char(31)) > 0" for name in names)
    return f"({sig} IS NOT NULL AND ({terms}))", names


def parse_signature(value: str | None) -> frozenset[str]:
    return frozenset(value.split(SEPARATOR)) if value else frozenset()


def scope_filter(scope: ScopeSpec, alias: str, type_col: str, id_col: str) -> tuple[str, Params]:
    """A WHERE term keeping the rows of ``alias`` whose item is in ``scope``."""
    if scope.nothing:
        return "0", {}
    if scope.any_of is None and not scope.untagged:
        return "1", {}
    key = (
        f"t.instance = {alias}.instance AND t.item_type = {alias}.{type_col}"
        f" AND t.item_id = {alias}.{id_col}"
    )
    if scope.untagged:
        return f"NOT EXISTS (SELECT 1 FROM item_signatures AS t WHERE {key})", {}
    tagged = f"SELECT 1 FROM item_departments AS t WHERE {key}"
    names = {f"dep{n}": slug for n, slug in enumerate(scope.any_of or ())}
    marks = ", ".join(f":{name}" for name in names)
    return f"EXISTS ({tagged} AND t.department IN ({marks}))", names


@dataclass(frozen=True)
class Buckets:
    """Contiguous periods ``period.shifted(-k)``, k = 0 … count-1, as SQL CASE expressions."""

    periods: tuple[Period, ...]

    @classmethod
    def of(cls, period: Period, count: int) -> Buckets:
        return cls(tuple(period.shifted(-k) for k in range(max(count, 1))))

    def params(self) -> Params:
        out: Params = {
            "lo": utc_z(self.periods[-1].start_utc),
            "hi": utc_z(self.periods[0].end_utc),
        }
        for k, p in enumerate(self.periods):
            out[f"lo{k}"], out[f"hi{k}"] = utc_z(p.start_utc), utc_z(p.end_utc)
        return out

    def bucket(self, column: str) -> str:
        """The k of the bucket holding ``column`` (inside ``:lo`` … ``:hi``)."""
        whens = " ".join(f"WHEN {column} >= :lo{k} THEN {k}" for k in range(len(self.periods)))
        return f"CASE {whens} END"

    def alive(self, removed: str, k: str) -> str:
        """``removed`` is NULL or after the end of bucket ``k``."""
        ends = " ".join(f"WHEN {n} THEN :hi{n}" for n in range(len(self.periods)))
        return f"({removed} IS NULL OR {removed} > CASE {k} {ends} END)"


def merge(*parts: Params) -> Params:
    out: Params = {}
    for part in parts:
        out.update(part)
    return out


def query(db: Database, sql: str, params: Params) -> Iterator[dict[str, Any]]:
    """Rows as dicts, streamed; SQLite errors become ``StoreError``."""
    try:
        cursor = db.execute(sql, params)
        names = [c[0] for c in cursor.description]
        for row in cursor:
            yield dict(zip(names, row, strict=True))
    except sqlite3.Error as exc:
        raise StoreError(
            f"cannot read the store ({exc}); run 'participa sync' to update it"
        ) from None
