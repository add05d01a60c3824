"""The reader: SQLite aggregates the store's documented views → ``Aggregates`` (small).

Reports read ``v_spaces``, ``v_items``, ``v_proposals``, ``v_comments``, ``counter_history``,
``item_departments`` and ``item_signatures`` (all documented in the README); they never write
to the database. No query fetches rows in proportion to the store: counts come back grouped by
period bucket and department signature, lists come back already limited (``reports.lists``).

The two passes that grow with the store are shaped so that SQLite does no per-row look-up it
can avoid: the backlog reads every proposal and debate in storage order with its department
signature from its own row (``signature``, kept by triggers on ``item_departments``), and the
window pass (``read_window``) reads each new comment from one covering index, finds its item's
signature with one key look-up in ``item_signatures`` and its item's removal in the index of
removed rows (``reports.sql.item_removed``, what ``v_comments`` joins), once for the tallies
and the participants of every section.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlite_utils import Database

from participa.errors import StoreError
from reports.lists import read_lists
from reports.model import Aggregates, Backlog, DigestOptions, Gain, ScopeLists, Tally, Totals
from reports.parse import parse_item
from reports.period import Period, utc_z
from reports.sql import (
    Buckets,
    ScopeSpec,
    item_removed,
    merge,
    parse_signature,
    query,
    signature,
    signature_holds,
)

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
    gains = read_gains(db, instance, period, options.top_n)
    backlog = tuple(read_backlog(db, instance, period, options, gains))
    sections = [(overall, buckets), *((ScopeSpec(any_of=(slug,)), short) for slug in departments),
                (untagged, short)]
    tallies, people = read_window(db, instance, buckets,
                                  [(scope, len(within.periods)) for scope, within in sections])

    def lists(n: int) -> ScopeLists:
        scope, within = sections[n]
        # the backlog counted each scope's unanswered proposals: skip the list when none wait
        waiting = sum(b.unanswered for b in backlog if scope.holds(b.departments))
        return read_lists(db, instance, scope, within, options, people[n],
                          any_waiting=waiting > 0)

    return Aggregates(
        tallies=tallies,
        backlog=backlog,
        gained=tuple(read_gained(db, instance, gains)),
        overall=lists(0),
        departments=tuple(lists(n) for n in range(1, len(departments) + 1)),
        untagged=lists(len(sections) - 1),
    )


def check_views(db: Database) -> None:
    missing = [v for v in REQUIRED_VIEWS if v not in db.view_names()]
    if missing:
        raise StoreError(
            f"the store has no view {', '.join(missing)}; it was not created by participa "
            "or is from an older version: run 'participa sync' to update it"
        )


#: Everything new in the buckets' window, once: the items (their department signature is on
#: their row) and the comments (their item's signature and removal found by key, see
#: ``item_removed``) still there at the end of their bucket, as (k, sig, item_type,
#: type_of_meeting, author_key). SQLite materializes it (it is read twice) and counts from it
#: the tallies and, per section, the distinct authors of proposals, debates and comments.
_WINDOW = """
WITH w AS (
  SELECT k, sig, item_type, type_of_meeting, author_key FROM (
    SELECT {bucket_i} AS k, i.signature AS sig, i.item_type, i.type_of_meeting, i.author_key,
           i.removed_at
      FROM v_items AS i
     WHERE i.instance = :instance AND i.published_at >= :lo AND i.published_at < :hi)
   WHERE {alive}
  UNION ALL
  SELECT k, sig, 'comment', NULL, author_key FROM (
    SELECT {bucket_c} AS k, {sig_c} AS sig, c.author_key,
           COALESCE(c.removed_at, {removed_c}) AS removed_at
      FROM comments AS c
     WHERE c.instance = :instance AND c.published_at >= :lo AND c.published_at < :hi)
   WHERE {alive})
SELECT 0 AS people, k, sig, item_type, type_of_meeting, COUNT(*) AS n{blanks} FROM w
 GROUP BY k, sig, item_type, type_of_meeting
UNION ALL
SELECT 1, k, NULL, NULL, NULL, NULL{sums} FROM (
  SELECT k{maxes} FROM w
   WHERE author_key <> '' AND item_type IN ('proposal', 'debate', 'comment')
   GROUP BY k, author_key)
 GROUP BY k
"""
_SPACE_TALLY = """
SELECT k, sig, COUNT(*) AS n FROM (
  SELECT {bucket} AS k, {sig} AS sig, s.removed_at
    FROM v_spaces AS s
   WHERE s.instance = :instance AND s.published_at >= :lo AND s.published_at < :hi)
 WHERE {alive} GROUP BY k, sig
"""
_FIELD = {"proposal": "new_proposals", "debate": "new_debates", "meeting": "new_meetings",
          "comment": "new_comments", "space": "new_spaces"}
_MEETING = {"in_person": "meetings_in_person", "online": "meetings_online",
            "hybrid": "meetings_hybrid"}


def read_window(
    db: Database, instance: str, buckets: Buckets, sections: Sequence[tuple[ScopeSpec, int]]
) -> tuple[tuple[Tally, ...], list[tuple[int, ...]]]:
    """New spaces, items (by type and meeting type) and comments per bucket and signature;
    and for each (scope, n) of ``sections`` the distinct authors of the proposals, debates and
    comments new in each of the first n buckets (the section's ``participants``)."""
    params = merge({"instance": instance}, buckets.params())
    alive = buckets.alive("removed_at", "k")
    maxes, sums = [], []
    for n, (scope, _count) in enumerate(sections):
        holds, named = signature_holds(scope, "sig", f"s{n}_")
        params.update(named)
        maxes.append(f", MAX({holds}) AS s{n}")
        sums.append(f", SUM(s{n}) AS s{n}")
    sql = _WINDOW.format(
        bucket_i=buckets.bucket("i.published_at"), bucket_c=buckets.bucket("c.published_at"),
        sig_c=signature("c", "item_type", "item_id"),
        removed_c=item_removed("c", "item_type", "item_id"), alive=alive,
        blanks="".join(f", NULL AS s{n}" for n in range(len(sections))),
        maxes="".join(maxes), sums="".join(sums),
    )
    counts: dict[tuple[int, str | None], dict[str, int]] = {}

    def add(k: int, sig: str | None, field: str | None, n: int) -> None:
        if field:
            found = counts.setdefault((k, sig), {})
            found[field] = found.get(field, 0) + n

    people: dict[int, list[int]] = {}
    for row in query(db, sql, params):
        if row["people"]:
            people[row["k"]] = [int(row[f"s{n}"] or 0) for n in range(len(sections))]
            continue
        counts.setdefault((row["k"], row["sig"]), {})  # a Tally even if nothing is known
        add(row["k"], row["sig"], _FIELD.get(row["item_type"]), row["n"])
        if row["item_type"] == "meeting":
            add(row["k"], row["sig"], _MEETING.get(row["type_of_meeting"] or ""), row["n"])
    spaces = _SPACE_TALLY.format(bucket=buckets.bucket("s.published_at"),
                                 sig=signature("s", "type", "id"), alive=alive)
    for row in query(db, spaces, params):
        add(row["k"], row["sig"], "new_spaces", row["n"])
    tallies = tuple(
        Tally(k, parse_signature(sig), Totals(**fields))
        for (k, sig), fields in sorted(counts.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))
    )
    zero = [0] * len(sections)
    participants = [
        tuple(people.get(k, zero)[n] for k in range(count))
        for n, (_scope, count) in enumerate(sections)
    ]
    return tallies, participants


#: Per department signature (on the item's row): the visible items of one table and those that
#: wait for an answer. One pass in storage order per table (not the ``v_items`` union, which
#: SQLite would read as a co-routine over every table): the unary ``+`` keeps SQLite off the
#: ``published_at`` indexes, since this pass reads nearly every row and a table scan is
#: several times faster than the index's random reads.
_BACKLOG = """
SELECT signature AS sig, COUNT(*) AS visible, TOTAL({waiting}) AS unanswered FROM {table}
 WHERE +instance = :instance AND +published_at < :end AND (removed_at IS NULL OR removed_at > :end)
 GROUP BY signature
"""
_WAITING = {
    "proposal": "NOT IFNULL(withdrawn, 0) AND published_at < :cutoff"
                " AND (answered_at IS NULL OR answered_at >= :end)",
    "debate": "0",
}
#: Counter data of the visible items of one table, per signature. An item has data when it has
#: an observation at or before the start (found by a covered walk of ``counter_history``'s key:
#: an item without one costs nothing). Its gain is v1 - v0 (values at the latest observations
#: at or before the end and the start): 0 when it has no observation in (start, end], unless
#: v0 is NULL. So the sums come from the few changed items (``_CHANGED``), and of the others
#: only whether some v0 is not NULL is needed (bit 1: votes, bit 2: endorsements), so that a
#: sum of nothing but unchanged items is 0 and not "sin datos". (``LIMIT -1`` keeps SQLite
#: from flattening a subquery into the aggregate, which would run its look-ups once per use;
#: ``CROSS JOIN`` keeps its order: observations first, then their items by key, so that a
#: store without counter history reads no item at all.)
_WITH_DATA = """
SELECT sig, COUNT(*) AS with_data, MAX(known & 1) AS votes_known,
       MAX(known >> 1) AS endorsements_known FROM (
  SELECT i.signature AS sig,
         CASE WHEN d.id IN (SELECT item_id FROM counter_history
                             WHERE instance = :instance AND observed_at > :start
                               AND observed_at <= :end AND item_type = '{item_type}') THEN 0
              ELSE (SELECT (h.vote_count IS NOT NULL) + 2 * (h.endorsements_count IS NOT NULL)
                      FROM counter_history AS h
                     WHERE h.instance = :instance AND h.item_type = '{item_type}'
                       AND h.item_id = d.id AND h.observed_at = d.start_at) END AS known
    FROM (SELECT item_id AS id, MAX(observed_at) AS start_at FROM counter_history
           WHERE instance = :instance AND item_type = '{item_type}' AND observed_at <= :start
           GROUP BY item_id) AS d
   CROSS JOIN {table} AS i ON i.instance = :instance AND i.id = d.id
   WHERE i.published_at < :end AND (i.removed_at IS NULL OR i.removed_at > :end)
   LIMIT -1)
 GROUP BY sig
"""
#: The visible items of one table with data and an observation in (start, end] (found by
#: ``(instance, observed_at)``): their signature and gains (NULL when a value is NULL).
_CHANGED = """
SELECT '{item_type}' AS item_type, g.id, g.sig, {v1} - {v0} AS votes, {e1} - {e0} AS endorsements
  FROM (SELECT c.instance, c.item_type, c.item_id AS id, MAX(c.observed_at) AS end_at,
               {start_at} AS start_at, i.signature AS sig
          FROM counter_history AS c
         CROSS JOIN {table} AS i ON i.instance = c.instance AND i.id = c.item_id
         WHERE c.instance = :instance AND c.observed_at > :start AND c.observed_at <= :end
           AND +c.item_type = '{item_type}' AND i.published_at < :end
           AND (i.removed_at IS NULL OR i.removed_at > :end)
         GROUP BY c.item_id) AS g
 WHERE g.start_at IS NOT NULL
"""
#: The changed items of both tables, once: per signature the sums of their gains and how many
#: are known, and the ``:top_n`` best positive gains of each signature (in the digest's order:
#: a section's top list is the top of its signatures' tops).
_GAINS = """
WITH g AS ({changed})
SELECT 0 AS top, sig, SUM(votes) AS votes, COUNT(votes) AS votes_known,
       SUM(endorsements) AS endorsements, COUNT(endorsements) AS endorsements_known,
       NULL AS item_type, NULL AS id
  FROM g GROUP BY sig
UNION ALL
SELECT 1, sig, votes, NULL, endorsements, NULL, item_type, id FROM (
  SELECT g.*, ROW_NUMBER() OVER (
           PARTITION BY sig
           ORDER BY -IFNULL(votes, 0), -IFNULL(endorsements, 0), item_type, id) AS rank
    FROM g WHERE IFNULL(votes, 0) > 0 OR IFNULL(endorsements, 0) > 0)
 WHERE rank <= :top_n
"""
_BACKLOG_TABLES = {"proposal": "proposals", "debate": "debates"}


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


_GAINS_SQL = _GAINS.format(changed=" UNION ALL ".join(
    _CHANGED.format(
        item_type=item_type, table=table,
        start_at=_latest("c", "item_id", ":start"),
        v0=_value("vote_count", "g", "id", "g.start_at"),
        e0=_value("endorsements_count", "g", "id", "g.start_at"),
        v1=_value("vote_count", "g", "id", "g.end_at"),
        e1=_value("endorsements_count", "g", "id", "g.end_at"),
    ).strip()
    for item_type, table in _BACKLOG_TABLES.items()
))
_ONE_ITEM = """
SELECT i.* FROM v_items AS i WHERE i.instance = :instance AND i.item_type = :item_type
   AND i.id = :id
"""


@dataclass
class _Gains:
    """What ``_GAINS`` returned: per signature [votes, known, endorsements, known], and the
    top rows of each signature."""

    sums: dict[str | None, list[int]]
    top: list[dict[str, Any]]


def read_gains(db: Database, instance: str, period: Period, top_n: int) -> _Gains:
    params = {"instance": instance, "start": utc_z(period.start_utc),
              "end": utc_z(period.end_utc), "top_n": top_n}
    found = _Gains({}, [])
    for row in query(db, _GAINS_SQL, params):
        if row["top"]:
            found.top.append(row)
        else:
            _add(found.sums, row["sig"], row["votes"] or 0, row["votes_known"],
                 row["endorsements"] or 0, row["endorsements_known"])
    found.top.sort(key=lambda r: (r["item_type"], r["id"]))
    return found


def read_backlog(
    db: Database, instance: str, period: Period, options: DigestOptions, gains: _Gains
) -> Iterator[Backlog]:
    """Per signature: the visible proposals and debates (published before the end, not
    removed by then), the proposals waiting for an answer, and their counter gains."""
    end = period.end_utc
    cutoff = end - timedelta(days=options.unanswered_after_days)
    params = {"instance": instance, "start": utc_z(period.start_utc), "end": utc_z(end),
              "cutoff": utc_z(cutoff)}
    counts: dict[str | None, list[float]] = {}  # visible, unanswered
    data: dict[str | None, list[int]] = {}  # with data, votes and endorsements known
    for item_type, table in _BACKLOG_TABLES.items():
        sql = _BACKLOG.format(table=table, waiting=_WAITING[item_type])
        for row in query(db, sql, params):
            _add(counts, row["sig"], row["visible"], row["unanswered"])
        sql = _WITH_DATA.format(table=table, item_type=item_type)
        for row in query(db, sql, params):
            _add(data, row["sig"], row["with_data"], row["votes_known"] or 0,
                 row["endorsements_known"] or 0)
    for sig in sorted(counts, key=lambda s: (s is not None, s or "")):
        visible, unanswered = counts[sig]
        with_data, votes_known, endorsements_known = data.get(sig, [0, 0, 0])
        votes, changed_votes, endorsements, changed_endorsements = gains.sums.get(
            sig, [0, 0, 0, 0])
        yield Backlog(
            departments=parse_signature(sig),
            visible=int(visible),
            unanswered=int(unanswered),
            with_data=with_data,
            votes=votes if changed_votes or votes_known else None,
            endorsements=endorsements if changed_endorsements or endorsements_known else None,
        )


def read_gained(
    db: Database, instance: str, gains: _Gains
) -> Iterator[tuple[frozenset[str], Gain]]:
    """(signature, gain) of the visible items with the best positive gains of the period."""
    for row in gains.top:
        key = {"instance": instance, "item_type": row["item_type"], "id": row["id"]}
        found = next(query(db, _ONE_ITEM, key), None)
        if found is not None:
            gain = Gain(parse_item(found), row["votes"], row["endorsements"])
            yield parse_signature(row["sig"]), gain


def _add(sums: dict[str | None, list], sig: str | None, *values: float) -> None:
    """Add ``values`` to the running sums of ``sig`` (one table's rows to another's)."""
    found = sums.setdefault(sig, [0] * len(values))
    for n, value in enumerate(values):
        found[n] += value
