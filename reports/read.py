"""The reader: SQLite aggregates the store's documented views → ``Aggregates`` (small).

Reports read ``v_spaces``, ``v_items``, ``v_proposals``, ``v_comments``, ``counter_history``,
``item_departments`` and ``item_signatures`` (an item's departments in one key look-up; all
documented in the README); they never write to the database. No query
fetches rows in proportion to the store: counts come back grouped by period bucket and
department signature, lists come back already limited (``reports.lists``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import timedelta

from sqlite_utils import Database

from participa.errors import StoreError
from reports.lists import read_lists
from reports.model import Aggregates, Backlog, DigestOptions, Gain, ScopeLists, Tally, Totals
from reports.parse import parse_item
from reports.period import Period, utc_z
from reports.sql import Buckets, ScopeSpec, merge, parse_signature, query, signature

REQUIRED_VIEWS = ("v_spaces", "v_items", "v_proposals", "v_comments")
SUPPORTED = "('proposal', 'debate')"


def read_aggregates(
    db: Database,
    instance: str,
    period: Period,
    departments: Sequence[str],
    options: DigestOptions,
) -> Aggregates:
    """What ``build_digest`` needs for ``period`` of ``instance`` (``departments``: the slugs
    of the sections, in order)."""
    check_views(db)
    buckets = Buckets.of(period, max(options.trend_periods, 2))
    chosen = tuple(departments) if options.departments_filtered else None
    overall = ScopeSpec(any_of=chosen)
    untagged = ScopeSpec(nothing=True) if chosen else ScopeSpec(untagged=True)
    short = Buckets.of(period, 2)
    backlog = tuple(read_backlog(db, instance, period, options))

    def lists(scope: ScopeSpec, within: Buckets) -> ScopeLists:
        # the backlog counted each scope's unanswered proposals: skip the list when none wait
        waiting = sum(b.unanswered for b in backlog if scope.holds(b.departments))
        return read_lists(db, instance, scope, within, options, any_waiting=waiting > 0)

    return Aggregates(
        tallies=tuple(read_tallies(db, instance, buckets)),
        backlog=backlog,
        gained=tuple(read_gained(db, instance, period)),
        overall=lists(overall, buckets),
        departments=tuple(lists(ScopeSpec(any_of=(slug,)), short) for slug in departments),
        untagged=lists(untagged, short),
    )


def check_views(db: Database) -> None:
    missing = [v for v in REQUIRED_VIEWS if v not in db.view_names()]
    if missing:
        raise StoreError(
            f"the store has no view {', '.join(missing)}; it was not created by participa "
            "or is from an older version: run 'participa sync' to update it"
        )



_ITEM_TALLY = """
SELECT k, sig, item_type, type_of_meeting, COUNT(*) AS n FROM (
  SELECT {bucket} AS k, {sig} AS sig, i.item_type, i.type_of_meeting, i.removed_at
    FROM v_items AS i
   WHERE i.instance = :instance AND i.published_at >= :lo AND i.published_at < :hi)
 WHERE {alive} GROUP BY k, sig, item_type, type_of_meeting
"""
_COMMENT_TALLY = """
SELECT k, sig, 'comment' AS item_type, NULL AS type_of_meeting, COUNT(*) AS n FROM (
  SELECT {bucket} AS k, {sig} AS sig, c.removed_at
    FROM v_comments AS c
   WHERE c.instance = :instance AND c.published_at >= :lo AND c.published_at < :hi)
 WHERE {alive} GROUP BY k, sig
"""
_SPACE_TALLY = """
SELECT k, sig, 'space' AS item_type, NULL AS type_of_meeting, COUNT(*) AS n FROM (
  SELECT {bucket} AS k, {sig} AS sig, s.removed_at
    FROM v_spaces AS s
   WHERE s.instance = :instance AND s.published_at >= :lo AND s.published_at < :hi)
 WHERE {alive} GROUP BY k, sig
"""
_FIELD = {"proposal": "new_proposals", "debate": "new_debates", "meeting": "new_meetings",
          "comment": "new_comments", "space": "new_spaces"}
_MEETING = {"in_person": "meetings_in_person", "online": "meetings_online",
            "hybrid": "meetings_hybrid"}


def read_tallies(db: Database, instance: str, buckets: Buckets) -> Iterator[Tally]:
    """New spaces, items (by type and meeting type) and comments per bucket and signature."""
    params = merge({"instance": instance}, buckets.params())
    counts: dict[tuple[int, str | None], dict[str, int]] = {}
    for template, alias, cols in (
        (_ITEM_TALLY, "i", ("item_type", "id")),
        (_COMMENT_TALLY, "c", ("item_type", "item_id")),
        (_SPACE_TALLY, "s", ("type", "id")),
    ):
        sql = template.format(
            bucket=buckets.bucket(f"{alias}.published_at"),
            sig=signature(alias, *cols),
            alive=buckets.alive("removed_at", "k"),
        )
        for row in query(db, sql, params):
            found = counts.setdefault((row["k"], row["sig"]), {})
            field = _FIELD.get(row["item_type"])
            if field:
                found[field] = found.get(field, 0) + row["n"]
            meeting = _MEETING.get(row["type_of_meeting"] or "")
            if row["item_type"] == "meeting" and meeting:
                found[meeting] = found.get(meeting, 0) + row["n"]
    for (k, sig), fields in sorted(counts.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        yield Tally(k, parse_signature(sig), Totals(**fields))


#: Per visible proposal/debate: its signature, whether it waits for an answer, and its counter
#: values at the start (latest observation at or before it) and at the end (looked up only when
#: a later observation exists). Only items with an observation by the start have data. The
#: unary ``+`` keeps SQLite off the ``published_at`` indexes: this pass reads nearly every row,
#: and a table scan in storage order is several times faster than the index's random reads.
_BACKLOG = """
SELECT sig, COUNT(*) AS visible, TOTAL(waiting) AS unanswered, COUNT(start_at) AS with_data,
       SUM(v1 - v0) AS votes, SUM(e1 - e0) AS endorsements
  FROM (SELECT m.sig, m.waiting, m.start_at, m.v0, m.e0,
               CASE WHEN m.end_at = m.start_at THEN m.v0 ELSE {v1} END AS v1,
               CASE WHEN m.end_at = m.start_at THEN m.e0 ELSE {e1} END AS e1
          FROM (SELECT b.*,
                       CASE WHEN b.start_at IS NULL THEN NULL ELSE {v0} END AS v0,
                       CASE WHEN b.start_at IS NULL THEN NULL ELSE {e0} END AS e0,
                       CASE WHEN b.start_at IS NULL THEN NULL ELSE {end_at} END AS end_at
                  FROM (SELECT i.instance, i.item_type, i.id, {sig} AS sig,
                               (i.item_type = 'proposal' AND NOT IFNULL(i.withdrawn, 0)
                                AND i.published_at < :cutoff
                                AND (i.answered_at IS NULL OR i.answered_at >= :end)) AS waiting,
                               {start_at} AS start_at
                          FROM v_items AS i
                         WHERE +i.instance = :instance AND i.item_type IN {supported}
                           AND +i.published_at < :end
                           AND (i.removed_at IS NULL OR i.removed_at > :end)) AS b) AS m)
 GROUP BY sig
"""


def _latest(alias: str, id_col: str, bound: str) -> str:
    """The time of the latest observation of ``alias``'s item at or before ``bound``."""
    return (
        f"(SELECT MAX(h.observed_at) FROM counter_history AS h WHERE h.instance = {alias}.instance"
        f" AND h.item_type = {alias}.item_type AND h.item_id = {alias}.{id_col}"
        f" AND h.observed_at <= {bound})"
    )


def _value(column: str, alias: str, id_col: str, at: str) -> str:
    """``column`` of the observation of ``alias``'s item made at ``at``."""
    return (
        f"(SELECT h.{column} FROM counter_history AS h WHERE h.instance = {alias}.instance"
        f" AND h.item_type = {alias}.item_type AND h.item_id = {alias}.{id_col}"
        f" AND h.observed_at = {at})"
    )


def read_backlog(
    db: Database, instance: str, period: Period, options: DigestOptions
) -> Iterator[Backlog]:
    end = period.end_utc
    cutoff = end - timedelta(days=options.unanswered_after_days)
    sql = _BACKLOG.format(
        sig=signature("i", "item_type", "id"),
        supported=SUPPORTED,
        start_at=_latest("i", "id", ":start"),
        end_at=_latest("b", "id", ":end"),
        v0=_value("vote_count", "b", "id", "b.start_at"),
        e0=_value("endorsements_count", "b", "id", "b.start_at"),
        v1=_value("vote_count", "m", "id", "m.end_at"),
        e1=_value("endorsements_count", "m", "id", "m.end_at"),
    )
    params = {"instance": instance, "start": utc_z(period.start_utc), "end": utc_z(end),
              "cutoff": utc_z(cutoff)}
    for row in query(db, sql, params):
        yield Backlog(
            departments=parse_signature(row["sig"]),
            visible=row["visible"],
            unanswered=int(row["unanswered"]),
            with_data=row["with_data"],
            votes=row["votes"],
            endorsements=row["endorsements"],
        )


#: Items whose counters changed in the period with a positive gain (few): the top lists.
_GAINED = """
SELECT item_type, id, v1 - v0 AS votes, e1 - e0 AS endorsements FROM (
  SELECT g.item_type, g.item_id AS id, {v0} AS v0, {e0} AS e0, {v1} AS v1, {e1} AS e1
    FROM (SELECT c.instance, c.item_type, c.item_id, MAX(c.observed_at) AS end_at,
                 {start_at} AS start_at
            FROM counter_history AS c
           WHERE c.instance = :instance AND c.observed_at > :start AND c.observed_at <= :end
             AND c.item_type IN {supported}
           GROUP BY c.instance, c.item_type, c.item_id) AS g
   WHERE g.start_at IS NOT NULL)
 WHERE IFNULL(v1 - v0, 0) > 0 OR IFNULL(e1 - e0, 0) > 0
"""
_ONE_ITEM = """
SELECT i.*, {sig} AS sig FROM v_items AS i
 WHERE i.instance = :instance AND i.item_type = :item_type AND i.id = :id
"""


def read_gained(
    db: Database, instance: str, period: Period
) -> Iterator[tuple[frozenset[str], Gain]]:
    """(signature, gain) of each visible item with a positive gain in the period."""
    sql = _GAINED.format(
        supported=SUPPORTED,
        start_at=_latest("c", "item_id", ":start"),
        v0=_value("vote_count", "g", "item_id", "g.start_at"),
        e0=_value("endorsements_count", "g", "item_id", "g.start_at"),
        v1=_value("vote_count", "g", "item_id", "g.end_at"),
        e1=_value("endorsements_count", "g", "item_id", "g.end_at"),
    )
    end = utc_z(period.end_utc)
    params = {"instance": instance, "start": utc_z(period.start_utc), "end": end}
    one = _ONE_ITEM.format(sig=signature("i", "item_type", "id"))
    for row in list(query(db, sql, params)):
        key = {"instance": instance, "item_type": row["item_type"], "id": row["id"]}
        found = next(query(db, one, key), None)
        if found is None or not found["published_at"] or found["published_at"] >= end:
            continue
        if found["removed_at"] and found["removed_at"] <= end:
            continue
        gain = Gain(parse_item(found), row["votes"], row["endorsements"])
        yield parse_signature(found["sig"]), gain
