"""The reader against an oracle: random stores, and ``read_aggregates`` must return exactly the
``Aggregates`` a plain Python computation of the README's rules gives (no SQL in the oracle).

The stores mix every item type, comments on live, removed and missing items (removed
themselves or not), tags with several rules per department (some deleted after the fact, as
``retag`` does), spaces, counter observations before, inside and after the period, a second
instance, and NULL/empty authors and counters.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from report_rows import StoreRows, comment, counter, item, space, store_of, tag, z

from reports.lists import read_lists
from reports.model import (
    Aggregates,
    Backlog,
    DigestOptions,
    Gain,
    Item,
    Ranked,
    ScopeLists,
    Tally,
    Totals,
)
from reports.parse import parse_item
from reports.period import Period, iso_week, local_midnight_utc, utc_z
from reports.read import read_aggregates
from reports.sql import SEPARATOR, Buckets, ScopeSpec
from sync.store import ensure_schema

TZ = "America/Santiago"
INSTANCE = "valparaiso"
DEPARTMENTS = ("mujeres", "obras", "salud", "cultura")
PERIOD = iso_week("2026-W47", TZ)
TYPES = ("proposal", "debate", "meeting")


# -- random stores ---------------------------------------------------------------------------


def _stamp(rng: random.Random, lo: datetime, hi: datetime) -> str:
    return z(lo + (hi - lo) * rng.random())


def random_rows(seed: int) -> tuple[StoreRows, list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows for ``store_of``, the tag rows to insert, and those of them deleted afterwards."""
    rng = random.Random(seed)
    end = PERIOD.end_utc
    far = end - timedelta(weeks=12)
    later = end + timedelta(weeks=3)

    edges = [z(PERIOD.shifted(-k).start_utc) for k in range(-1, 9)]  # bucket boundaries

    def when() -> str:  # mostly inside the eight-week window, some before, after, on edges
        if rng.random() < 0.1:
            return rng.choice(edges)
        return _stamp(rng, far, later) if rng.random() < 0.4 else _stamp(
            rng, end - timedelta(weeks=8), end)

    def removal() -> str | None:
        return None if rng.random() < 0.75 else when()

    def author() -> str | None:
        return rng.choice([None, "", *(f"a{n}" for n in range(25))])

    items: list[dict[str, Any]] = []
    for n in range(1, 121):
        kind = rng.choice(TYPES)
        common = {"removed_at": removal(), "author_key": author(),
                  "comments_count": rng.randrange(5)}
        if kind == "proposal":
            extra = {"vote_count": rng.choice([None, 0, 3, 9]),
                     "endorsements_count": rng.choice([None, 0, 2]),
                     "state": rng.choice([None, "accepted", "evaluating", "rejected"]),
                     "withdrawn": int(rng.random() < 0.15),
                     "answered_at": rng.choice([None, when()])}
        elif kind == "debate":
            extra = {"vote_count": None, "endorsements_count": None}
        else:
            extra = {"vote_count": None, "endorsements_count": None,
                     "withdrawn": int(rng.random() < 0.2),
                     "type_of_meeting": rng.choice(["in_person", "online", "hybrid", None]),
                     "start_time": _stamp(rng, end - timedelta(days=3), end + timedelta(days=20)),
                     "end_time": None}
        published = None if rng.random() < 0.03 else when()
        instance = INSTANCE if rng.random() < 0.9 else "otra"
        items.append(item(kind, n, published, instance=instance, **common, **extra))
    known = [(i["item_type"], i["id"]) for i in items]
    comments = []
    for n in range(1, 401):
        on = rng.choice(known) if rng.random() < 0.93 else (rng.choice(TYPES), 999 + n)
        comments.append(comment(
            n, on, when(), author_key=author(), removed_at=removal(),
            instance=INSTANCE if rng.random() < 0.95 else "otra"))
    spaces = [space(n, when(), removed_at=removal()) for n in range(1, 9)]
    tags, dropped = [], []
    for kind, n in [*known, *(("participatory_process", s["id"]) for s in spaces)]:
        for department in rng.sample(DEPARTMENTS, rng.choice([0, 0, 1, 1, 2, 3])):
            for rule in range(rng.choice([1, 1, 2, 3])):
                row = {**tag(kind, n, department), "rule": f"r{rule}"}
                (dropped if rng.random() < 0.1 else tags).append(row)
    counters = []
    for kind, n in known:
        if kind == "meeting" or rng.random() < 0.2:
            continue
        for _ in range(rng.randrange(1, 5)):
            counters.append(counter(kind, n, when(),
                                    rng.choice([None, rng.randrange(20)]), rng.randrange(6)))
    unique = {(c["item_type"], c["item_id"], c["observed_at"]): c for c in counters}
    rows = StoreRows(tuple(items), tuple(comments), (), tuple(spaces), tuple(unique.values()))
    return rows, [*tags, *dropped], dropped


def build_store(rows: StoreRows, tags: list[dict[str, Any]], dropped: list[dict[str, Any]]):
    db = store_of(rows)
    db["item_departments"].insert_all(tags, ignore=True)
    for row in dropped:  # one delete per statement, as retag's churn fires the triggers
        db.execute(
            "DELETE FROM item_departments WHERE instance = ? AND item_type = ? AND item_id = ? "
            "AND department = ? AND rule = ?",
            [row["instance"], row["item_type"], row["item_id"], row["department"], row["rule"]],
        )
    return db


# -- the oracle ------------------------------------------------------------------------------


class Oracle:
    """The README's counting rules over the literal rows (timestamps compared as the store's
    UTC ``Z`` strings, as SQLite compares them)."""

    def __init__(self, rows: StoreRows, tags: Iterable[dict[str, Any]], instance: str):
        self.instance = instance
        self.items = {(i["item_type"], i["id"]): i for i in rows.items
                      if i["instance"] == instance}
        self.comments = [c for c in rows.comments if c["instance"] == instance]
        self.spaces = [s for s in rows.spaces if s["instance"] == instance]
        self.counters = [c for c in rows.counters if c["instance"] == instance]
        self.tags: dict[tuple[str, int], set[str]] = {}
        for t in tags:
            if t["instance"] == instance:
                self.tags.setdefault((t["item_type"], t["item_id"]), set()).add(t["department"])

    def sig(self, item_type: str, item_id: int) -> frozenset[str]:
        return frozenset(self.tags.get((item_type, item_id), ()))

    def comment_removed(self, c: dict[str, Any]) -> str | None:
        found = self.items.get((c["item_type"], c["item_id"]))
        return c["removed_at"] or (found["removed_at"] if found else None)

    # tallies and participants

    def tallies(self, buckets: Buckets) -> tuple[Tally, ...]:
        counts: dict[tuple[int, frozenset[str]], dict[str, int]] = {}

        def add(k: int, sig: frozenset[str], field: str) -> None:
            found = counts.setdefault((k, sig), {})
            found[field] = found.get(field, 0) + 1

        for i in self.items.values():
            k = bucket_of(buckets, i["published_at"])
            if k is not None and alive(buckets, i["removed_at"], k):
                sig = self.sig(i["item_type"], i["id"])
                add(k, sig, f"new_{i['item_type']}s")
                if i["item_type"] == "meeting" and i["type_of_meeting"]:
                    add(k, sig, f"meetings_{i['type_of_meeting']}")
        for c in self.comments:
            k = bucket_of(buckets, c["published_at"])
            if k is not None and alive(buckets, self.comment_removed(c), k):
                add(k, self.sig(c["item_type"], c["item_id"]), "new_comments")
        for s in self.spaces:
            k = bucket_of(buckets, s["published_at"])
            if k is not None and alive(buckets, s["removed_at"], k):
                add(k, self.sig(s["type"], s["id"]), "new_spaces")
        ordered = sorted(counts.items(), key=lambda kv: (kv[0][0], joined(kv[0][1]) or ""))
        return tuple(Tally(k, sig, Totals(**fields)) for (k, sig), fields in ordered)

    def participants(self, scope: ScopeSpec, buckets: Buckets) -> tuple[int, ...]:
        authors: list[set[str]] = [set() for _ in buckets.periods]
        for i in self.items.values():
            k = bucket_of(buckets, i["published_at"])
            if (k is not None and i["item_type"] in ("proposal", "debate") and i["author_key"]
                    and alive(buckets, i["removed_at"], k)
                    and scope.holds(self.sig(i["item_type"], i["id"]))):
                authors[k].add(i["author_key"])
        for c in self.comments:
            k = bucket_of(buckets, c["published_at"])
            if (k is not None and c["author_key"]
                    and alive(buckets, self.comment_removed(c), k)
                    and scope.holds(self.sig(c["item_type"], c["item_id"]))):
                authors[k].add(c["author_key"])
        return tuple(len(a) for a in authors)

    # backlog and gains

    def value_at(self, key: tuple[str, int], bound: str, *, after: str | None = None):
        """The latest observation of ``key`` at or before ``bound`` (after ``after``)."""
        seen = [c for c in self.counters if (c["item_type"], c["item_id"]) == key
                and c["observed_at"] <= bound and (after is None or c["observed_at"] > after)]
        return max(seen, key=lambda c: c["observed_at"]) if seen else None

    def visible(self, i: dict[str, Any], end: str) -> bool:
        return (i["published_at"] is not None and i["published_at"] < end
                and (i["removed_at"] is None or i["removed_at"] > end))

    def backlog(self, period: Period, options: DigestOptions) -> tuple[Backlog, ...]:
        start, end = utc_z(period.start_utc), utc_z(period.end_utc)
        cutoff = utc_z(period.end_utc - timedelta(days=options.unanswered_after_days))
        groups: dict[frozenset[str], list[Any]] = {}
        for key, i in self.items.items():
            if i["item_type"] not in ("proposal", "debate") or not self.visible(i, end):
                continue
            g = groups.setdefault(self.sig(*key), [0, 0, 0, [], []])
            g[0] += 1
            g[1] += (i["item_type"] == "proposal" and not i["withdrawn"]
                     and i["published_at"] < cutoff
                     and (i["answered_at"] is None or i["answered_at"] >= end))
            first, last = self.value_at(key, start), self.value_at(key, end)
            if first is not None:
                g[2] += 1
                g[3].append(minus(last["vote_count"], first["vote_count"]))
                g[4].append(minus(last["endorsements_count"], first["endorsements_count"]))
        ordered = sorted(groups.items(), key=lambda kv: (bool(kv[0]), joined(kv[0]) or ""))
        return tuple(Backlog(sig, g[0], g[1], g[2], total(g[3]), total(g[4]))
                     for sig, g in ordered)

    def gained(self, period: Period, top_n: int) -> list[tuple[frozenset[str], Gain]]:
        """The visible items with a positive gain: the ``top_n`` best of each signature."""
        start, end = utc_z(period.start_utc), utc_z(period.end_utc)
        out = []
        for key in sorted({(c["item_type"], c["item_id"]) for c in self.counters}):
            last = self.value_at(key, end, after=start)
            first = self.value_at(key, start)
            if last is None or first is None or key[0] not in ("proposal", "debate"):
                continue
            votes = minus(last["vote_count"], first["vote_count"])
            endorsements = minus(last["endorsements_count"], first["endorsements_count"])
            if (votes or 0) <= 0 and (endorsements or 0) <= 0:
                continue
            found = self.items.get(key)
            if found is None or not self.visible(found, end):
                continue
            out.append((self.sig(*key), Gain(parse_item(found), votes, endorsements)))
        best: list[tuple[frozenset[str], Gain]] = []
        for sig in {found for found, _gain in out}:
            mine = sorted((g for found, g in out if found == sig), key=lambda g: (
                -(g.votes or 0), -(g.endorsements or 0), g.item.item_type, g.item.id))
            best += [(sig, g) for g in mine[:top_n]]
        return best

    # the lists of one section

    def lists(self, scope: ScopeSpec, buckets: Buckets, options: DigestOptions,
              any_waiting: bool) -> ScopeLists:
        period = buckets.periods[0]
        start, end = utc_z(period.start_utc), utc_z(period.end_utc)
        cutoff = utc_z(period.end_utc - timedelta(days=options.unanswered_after_days))
        until = utc_z(local_midnight_utc(period.end + timedelta(days=options.upcoming_days + 1),
                                         period.timezone))
        mine = [i for i in self.items.values()
                if scope.holds(self.sig(i["item_type"], i["id"]))
                and (i["removed_at"] is None or i["removed_at"] > end)]
        answered = [i for i in mine if i["item_type"] == "proposal" and i["answered_at"]
                    and start <= i["answered_at"] < end]
        states: dict[str, int] = {}
        for i in answered:
            states[i["state"] or ""] = states.get(i["state"] or "", 0) + 1
        answered.sort(key=lambda i: (i["answered_at"], i["id"]), reverse=True)
        waiting = sorted(
            (i for i in mine if i["item_type"] == "proposal" and not i["withdrawn"]
             and i["published_at"] is not None and i["published_at"] < cutoff
             and (i["answered_at"] is None or i["answered_at"] >= end)),
            key=lambda i: (i["published_at"], i["id"]))
        supported = sorted(
            (i for i in mine if i["item_type"] in ("proposal", "debate")
             and i["published_at"] is not None and start <= i["published_at"] < end
             and (i["vote_count"] or 0) + (i["endorsements_count"] or 0) > 0),
            key=lambda i: (-(i["vote_count"] or 0), -(i["endorsements_count"] or 0),
                           i["item_type"], i["id"]))
        upcoming = sorted(
            (i for i in mine if i["item_type"] == "meeting" and not i["withdrawn"]
             and i["start_time"] is not None and end <= i["start_time"] < until),
            key=lambda i: (i["start_time"], i["id"]))
        return ScopeLists(
            participants=self.participants(scope, buckets),
            answered_count=len(answered),
            answered_states=tuple(sorted(states.items())),
            answered=tuple(parse_item(i) for i in answered[:options.top_n]),
            unanswered=tuple(oldest(waiting, period.end_utc, options.top_n)
                             if any_waiting else ()),
            top_supported=tuple(parse_item(i) for i in supported[:options.top_n]),
            top_commented=tuple(self.top_commented(scope, start, end, options.top_n)),
            upcoming_count=len(upcoming),
            upcoming=tuple(parse_item(i) for i in upcoming[:options.top_n * 3]),
        )

    def top_commented(self, scope: ScopeSpec, start: str, end: str, top_n: int) -> list[Ranked]:
        counts: dict[tuple[str, int], int] = {}
        for c in self.comments:
            removed = self.comment_removed(c)
            key = (c["item_type"], c["item_id"])
            if (start <= c["published_at"] < end and key[0] in ("proposal", "debate")
                    and (removed is None or removed > end) and scope.holds(self.sig(*key))):
                counts[key] = counts.get(key, 0) + 1
        ranked = sorted(
            (Ranked(parse_item(self.items[key]), n) for key, n in counts.items()
             if key in self.items
             and (self.items[key]["removed_at"] is None or self.items[key]["removed_at"] > end)),
            key=lambda r: -r.value)
        if top_n <= 0:
            return []
        floor = ranked[top_n - 1].value if len(ranked) >= top_n else 0
        return [r for r in ranked if r.value >= floor]

    def aggregates(self, period: Period, departments: tuple[str, ...],
                   options: DigestOptions) -> Aggregates:
        buckets = Buckets.of(period, max(options.trend_periods, 2))
        short = Buckets.of(period, 2)
        chosen = departments if options.departments_filtered else None
        overall = ScopeSpec(any_of=chosen)
        untagged = ScopeSpec(nothing=True) if chosen else ScopeSpec(untagged=True)
        backlog = self.backlog(period, options)

        def lists(scope: ScopeSpec, within: Buckets) -> ScopeLists:
            waiting = sum(b.unanswered for b in backlog if scope.holds(b.departments))
            return self.lists(scope, within, options, waiting > 0)

        return Aggregates(
            tallies=self.tallies(buckets),
            backlog=backlog,
            gained=tuple(self.gained(period, options.top_n)),
            overall=lists(overall, buckets),
            departments=tuple(lists(ScopeSpec(any_of=(d,)), short) for d in departments),
            untagged=lists(untagged, short),
        )


def bucket_of(buckets: Buckets, published: str | None) -> int | None:
    params = buckets.params()
    if published is None or not params["lo"] <= published < params["hi"]:
        return None
    return next(k for k in range(len(buckets.periods)) if published >= params[f"lo{k}"])


def alive(buckets: Buckets, removed: str | None, k: int) -> bool:
    return removed is None or removed > buckets.params()[f"hi{k}"]


def joined(sig: frozenset[str]) -> str | None:
    return SEPARATOR.join(sorted(sig)) if sig else None


def minus(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a - b


def total(values: list[int | None]) -> int | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def oldest(rows: list[dict[str, Any]], end: datetime, top_n: int) -> list[Item]:
    """``reports.lists.oldest``'s rule: down to the top_n-th one's whole days, ties kept."""
    out: list[Item] = []
    floor = None
    for n, row in enumerate(rows):
        found = parse_item(row)
        days = (end - found.published_at).days  # type: ignore[operator]
        if floor is not None and days < floor:
            break
        if n + 1 == top_n:
            floor = days
        out.append(found)
    return out if top_n > 0 else []


def comparable(a: Aggregates) -> Aggregates:
    """Orders SQL leaves open: gains by item; top-commented ties (the digest sorts both)."""
    def lists(s: ScopeLists) -> ScopeLists:
        return replace(s, top_commented=tuple(sorted(
            s.top_commented, key=lambda r: (-r.value, r.item.item_type, r.item.id))))

    return replace(
        a,
        gained=tuple(sorted(a.gained, key=lambda g: (g[1].item.item_type, g[1].item.id))),
        overall=lists(a.overall),
        departments=tuple(lists(d) for d in a.departments),
        untagged=lists(a.untagged),
    )


# -- the tests -------------------------------------------------------------------------------


OPTIONS = [
    DigestOptions(),
    DigestOptions(trend_periods=3, top_n=2, unanswered_after_days=10, upcoming_days=7),
    DigestOptions(departments_filtered=True, trend_periods=1, top_n=1),
]


@pytest.mark.parametrize("seed", range(12))
def test_reader_matches_the_oracle(seed):
    rows, tags, dropped = random_rows(seed)
    db = build_store(rows, tags, dropped)
    kept = [t for t in tags if t not in dropped]
    oracle = Oracle(rows, kept, INSTANCE)
    options = OPTIONS[seed % len(OPTIONS)]
    chosen = DEPARTMENTS[: 1 + seed % len(DEPARTMENTS)]
    for period in (PERIOD, PERIOD.shifted(-3)):
        got = read_aggregates(db, INSTANCE, period, chosen, options)
        assert comparable(got) == comparable(oracle.aggregates(period, chosen, options))


def test_item_rows_carry_the_signature_item_signatures_holds():
    rows, tags, dropped = random_rows(99)
    db = build_store(rows, tags, dropped)
    by_row = {(r["instance"], r["item_type"], r["id"]): r["signature"] for r in db.query(
        "SELECT instance, item_type, id, signature FROM v_items")}
    by_table = {(r["instance"], r["item_type"], r["item_id"]): r["signature"]
                for r in db["item_signatures"].rows}
    assert by_row == {key: by_table.get(key) for key in by_row}
    assert any(by_row.values()) and not all(by_row.values())


def test_lists_take_the_participants_they_are_given():
    db = store_of(StoreRows())
    ensure_schema(db)
    found = read_lists(db, INSTANCE, ScopeSpec(), Buckets.of(PERIOD, 2), DigestOptions(),
                       (4, 2), any_waiting=False)
    assert found.participants == (4, 2)


def test_oracle_sees_removed_items_through_their_comments():
    """A comment not removed itself stops counting when its item is removed (v_comments)."""
    end = PERIOD.end_utc
    inside = z(PERIOD.start_utc + timedelta(days=2))
    items = (item("proposal", 1, inside, removed_at=z(end - timedelta(days=1))),
             item("proposal", 2, inside))
    comments = (comment(1, ("proposal", 1), inside), comment(2, ("proposal", 2), inside),
                comment(3, ("proposal", 1), inside, removed_at=z(end + timedelta(days=1))))
    rows = StoreRows(items, comments)
    db = store_of(rows)
    got = read_aggregates(db, INSTANCE, PERIOD, (), DigestOptions())
    assert got == Oracle(rows, (), INSTANCE).aggregates(PERIOD, (), DigestOptions())
    assert sum(t.totals.new_comments for t in got.tallies if t.k == 0) == 2
    assert [r.item.id for r in got.overall.top_commented] == [2]
