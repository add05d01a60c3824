"""Per-section reads: distinct participants per bucket and the lists a section shows, each
limited in SQL (only the rows shown are fetched). Used by ``reports.read``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from sqlite_utils import Database

from reports.model import DigestOptions, Item, Ranked, ScopeLists
from reports.parse import parse_instant, parse_item
from reports.period import local_midnight_utc, utc_z
from reports.sql import Buckets, Params, ScopeSpec, item_removed, merge, query, scope_filter

_ALIVE = "(i.removed_at IS NULL OR i.removed_at > :end)"
_ANSWERED = f"""
FROM v_items AS i WHERE i.instance = :instance AND i.item_type = 'proposal'
 AND i.answered_at >= :start AND i.answered_at < :end AND {_ALIVE} AND {{scope}}
"""
_UNANSWERED = f"""
SELECT i.* FROM v_proposals AS i WHERE i.instance = :instance
   AND NOT IFNULL(i.withdrawn, 0) AND {_ALIVE} AND i.published_at < :cutoff
   AND (i.answered_at IS NULL OR i.answered_at >= :end) AND {{scope}}
 ORDER BY i.published_at, i.id
"""
_SUPPORTED = f"""
SELECT i.* FROM v_items AS i WHERE i.instance = :instance AND i.item_type IN ('proposal', 'debate')
   AND i.published_at >= :start AND i.published_at < :end AND {_ALIVE} AND {{scope}}
   AND IFNULL(i.vote_count, 0) + IFNULL(i.endorsements_count, 0) > 0
 ORDER BY -IFNULL(i.vote_count, 0), -IFNULL(i.endorsements_count, 0), i.item_type, i.id
 LIMIT :top_n
"""
#: ``removed`` is the comment's ``removed_at``, else its item's (as ``v_comments`` has it).
_COMMENTED = """
SELECT item_type, item_id, COUNT(*) AS n FROM (
  SELECT c.item_type, c.item_id, COALESCE(c.removed_at, {removed}) AS removed_at
    FROM comments AS c
   WHERE c.instance = :instance AND c.published_at >= :start AND c.published_at < :end
     AND c.item_type IN ('proposal', 'debate') AND {scope})
 WHERE removed_at IS NULL OR removed_at > :end
 GROUP BY item_type, item_id ORDER BY n DESC
"""
_ITEM = f"""
SELECT i.* FROM v_items AS i WHERE i.instance = :instance AND i.item_type = :item_type
   AND i.id = :item_id AND {_ALIVE}
"""
_UPCOMING = f"""
FROM v_items AS i WHERE i.instance = :instance AND i.item_type = 'meeting'
 AND NOT IFNULL(i.withdrawn, 0) AND {_ALIVE} AND i.start_time >= :end AND i.start_time < :until
 AND {{scope}}
"""


def read_lists(
    db: Database,
    instance: str,
    scope: ScopeSpec,
    buckets: Buckets,
    options: DigestOptions,
    participants: tuple[int, ...],
    any_waiting: bool = True,
) -> ScopeLists:
    """The lists of ``scope`` (``participants``: its distinct authors per bucket, counted by
    ``reports.read.read_window``); ``any_waiting=False`` (the caller counted no unanswered
    proposal in it) skips the unanswered list's walk over every proposal."""
    period = buckets.periods[0]
    end = period.end_utc
    until = local_midnight_utc(period.end + timedelta(days=options.upcoming_days + 1),
                               period.timezone)
    base = {"instance": instance, "start": utc_z(period.start_utc), "end": utc_z(end),
            "top_n": options.top_n, "until": utc_z(until),
            "cutoff": utc_z(end - timedelta(days=options.unanswered_after_days))}
    where, scoped = scope_filter(scope, "i", "item_type", "id")
    params = merge(base, scoped)

    def rows(sql: str, extra: Params | None = None) -> list[Item]:
        found = query(db, sql.format(scope=where), merge(params, extra or {}))
        return [parse_item(r) for r in found]

    def count(sql: str) -> int:
        return int(next(query(db, "SELECT COUNT(*) AS n " + sql.format(scope=where), params))["n"])

    states = query(db, "SELECT IFNULL(i.state, '') AS s, COUNT(*) AS n "
                   + _ANSWERED.format(scope=where) + " GROUP BY s ORDER BY s", params)
    return ScopeLists(
        participants=participants,
        answered_count=count(_ANSWERED),
        answered_states=tuple((r["s"], r["n"]) for r in states),
        answered=tuple(rows("SELECT i.* " + _ANSWERED
                            + " ORDER BY i.answered_at DESC, i.id DESC LIMIT :top_n")),
        unanswered=tuple(oldest(db, _UNANSWERED.format(scope=where), params, options.top_n)
                         if any_waiting else ()),
        top_supported=tuple(rows(_SUPPORTED)),
        top_commented=tuple(top_commented(db, scope, params, options.top_n)),
        upcoming_count=count(_UPCOMING),
        upcoming=tuple(rows("SELECT i.* " + _UPCOMING + " ORDER BY i.start_time, i.id LIMIT :n",
                            {"n": options.top_n * 3})),
    )


def oldest(db: Database, sql: str, params: Params, top_n: int) -> Iterator[Item]:
    """The oldest rows of ``sql`` (ordered by ``published_at``) down to the ``top_n``-th one's
    whole days of waiting: the digest ranks by days, then id, so ties must all be there."""
    end = parse_instant(params["end"])
    if top_n <= 0 or end is None:
        return
    floor: int | None = None
    for n, row in enumerate(query(db, sql, params)):
        item = parse_item(row)
        days = (end - item.published_at).days  # type: ignore[operator]
        if floor is not None and days < floor:
            return
        if n + 1 == top_n:
            floor = days
        yield item


def top_commented(db: Database, scope: ScopeSpec, params: Params, top_n: int) -> list[Ranked]:
    """Proposals and debates by comments received in the period, down to the ``top_n``-th
    count (ties included; the digest breaks them)."""
    where, _ = scope_filter(scope, "c", "item_type", "item_id")
    sql = _COMMENTED.format(scope=where, removed=item_removed("c", "item_type", "item_id"))
    found: list[Ranked] = []
    floor = None
    for row in query(db, sql, params):
        if floor is not None and row["n"] < floor:
            break
        item = next(query(db, _ITEM, merge(params, row)), None)
        if item is None:
            continue
        found.append(Ranked(parse_item(item), row["n"]))
        if len(found) == top_n:
            floor = row["n"]
    return found
