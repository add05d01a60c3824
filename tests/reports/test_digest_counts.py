"""Counting rules of the digest, with literal rows in an in-memory store (``digest_of``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from report_rows import (
    TZ,
    StoreRows,
    comment,
    counter,
    day,
    debate,
    digest_of,
    local,
    meeting,
    midnight,
    proposal,
    space,
    tag,
    z,
)

from reports.model import DigestOptions
from reports.period import Period, iso_week, last_complete_week

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
W47 = iso_week("2026-W47", TZ)
DEPS = [("mujeres", "Mujeres"), ("vacio", "Sin nada")]


def digest(items=(), comments=(), tags=(), spaces=(), counters=(), period=W47, **options):
    rows = StoreRows(tuple(items), tuple(comments), tuple(tags), tuple(spaces), tuple(counters))
    return digest_of(rows, period, DEPS, DigestOptions(**options), NOW, "valparaiso")


def dst_changes(year: int) -> list[date]:
    """Local dates on which America/Santiago's UTC offset changes (computed, not hard-coded)."""
    zone, found = ZoneInfo(TZ), []
    for n in range(365):
        d = date(year, 1, 1) + timedelta(days=n)
        if (
            midnight(d).astimezone(zone).utcoffset()
            != midnight(d + timedelta(days=1)).astimezone(zone).utcoffset()
        ):
            found.append(d + timedelta(days=1))
    return found


def test_empty_week_is_all_zero_with_every_department_listed():
    d = digest()
    assert d.overall.totals.as_dict() == {k: 0 for k in d.overall.totals.as_dict()}
    assert [x.slug for x in d.departments] == ["mujeres", "vacio"]
    assert d.untagged.totals.new_proposals == 0
    assert len(d.trend) == 8 and d.trend[-1].period == W47


def test_new_items_by_type_meeting_split_and_withdrawn_included():
    d = digest(
        items=[
            proposal(1, local(day(0))),
            proposal(2, local(day(6)), withdrawn=1),
            debate(3, local(day(2))),
            meeting(4, local(day(1)), type_of_meeting="hybrid"),
            meeting(5, local(day(1)), type_of_meeting="online"),
            meeting(6, local(day(1))),
            proposal(7, local(day(7))),
            proposal(8, local(day(-1))),
            proposal(9, None),
        ],
        spaces=[space(1, local(day(3))), space(2, local(day(-3)))],
    )
    t = d.overall.totals
    assert (t.new_proposals, t.new_debates, t.new_meetings, t.new_spaces) == (2, 1, 3, 1)
    assert (t.meetings_in_person, t.meetings_online, t.meetings_hybrid) == (1, 1, 1)
    assert d.overall.previous.new_proposals == 1


def test_local_midnight_on_week_boundary():
    start, end = midnight(W47.start), midnight(W47.end + timedelta(days=1))
    assert z(start) == "2026-11-16T03:00:00Z"  # -03 in November (summer time)
    second = timedelta(seconds=1)
    d = digest(
        items=[
            proposal(1, z(start)),
            proposal(2, z(start - second)),
            proposal(3, z(end - second)),
            proposal(4, z(end)),
        ]
    )
    assert d.overall.totals.new_proposals == 2
    assert d.overall.previous.new_proposals == 1
    assert d.trend[-1].totals.new_proposals == 2


@pytest.mark.parametrize("change", dst_changes(2026))
def test_week_containing_a_dst_change(change: date):
    """The week's boundaries are local midnights with the offset in force on each side."""
    monday = change - timedelta(days=change.weekday())
    period = Period(monday, monday + timedelta(days=6), TZ)
    start, end = midnight(monday), midnight(monday + timedelta(days=7))
    assert (end - start) != timedelta(days=7)  # a 23- or 25-hour day inside
    second = timedelta(seconds=1)
    d = digest(
        period=period,
        items=[
            proposal(1, z(start)),
            proposal(2, z(start - second)),
            proposal(3, z(end - second)),
            proposal(4, z(end)),
            # the same wall-clock instants with a fixed offset would be wrong by an hour:
            proposal(5, z(end - timedelta(minutes=30))),
        ],
        comments=[comment(1, ("proposal", 1), z(end - second))],
    )
    assert d.overall.totals.new_proposals == 3
    assert d.overall.totals.new_comments == 1
    assert period.start_utc == start and period.end_utc == end


def test_dst_dates_match_the_issue():
    assert date(2026, 9, 6) in dst_changes(2026) and date(2026, 4, 5) in dst_changes(2026)


def test_comments_and_replies_counted_per_department_via_their_item():
    d = digest(
        items=[proposal(1, local(day(-30))), debate(2, local(day(-30)))],
        comments=[
            comment(1, ("proposal", 1), local(day(0))),
            comment(2, ("proposal", 1), local(day(1)), parent_id=1, depth=1),
            comment(3, ("debate", 2), local(day(2))),
            comment(4, ("debate", 2), local(day(9))),
        ],
        tags=[tag("proposal", 1, "mujeres")],
    )
    assert d.overall.totals.new_comments == 3
    assert d.departments[0].section.totals.new_comments == 2
    assert d.untagged.totals.new_comments == 1
    assert d.departments[1].section.totals.as_dict() == {k: 0 for k in d.overall.totals.as_dict()}


def test_active_participants_are_distinct_authors_of_proposals_debates_comments():
    d = digest(
        items=[
            proposal(1, local(day(0)), author_key="ana"),
            proposal(2, local(day(0)), author_key=None, official=1),
            debate(3, local(day(1)), author_key="ana"),
            meeting(4, local(day(1)), author_key="org"),
            proposal(5, local(day(-10)), author_key="old"),
        ],
        comments=[
            comment(1, ("proposal", 5), local(day(2)), author_key="bea"),
            comment(2, ("proposal", 5), local(day(3)), author_key="ana"),
            comment(3, ("proposal", 5), local(day(3)), author_key=None),
        ],
        tags=[tag("proposal", 5, "mujeres")],
    )
    assert d.overall.totals.active_participants == 2  # ana, bea
    assert d.departments[0].section.totals.active_participants == 2  # bea, ana via comments


def test_removed_rows_stop_counting_from_their_removal():
    end = midnight(W47.end + timedelta(days=1))
    d = digest(
        items=[
            proposal(1, local(day(0)), removed_at=local(day(3))),
            proposal(2, local(day(0)), removed_at=z(end)),  # at the period end: not counted
            proposal(3, local(day(0)), removed_at=z(end + timedelta(seconds=1))),
            proposal(4, local(day(-7)), removed_at=local(day(2))),  # counted last week
        ],
        comments=[comment(1, ("proposal", 3), local(day(1)), removed_at=local(day(2)))],
        spaces=[space(1, local(day(0)), removed_at=local(day(1)))],
    )
    assert d.overall.totals.new_proposals == 1
    assert d.overall.totals.new_comments == 0
    assert d.overall.totals.new_spaces == 0
    assert d.overall.previous.new_proposals == 1


def test_department_counts_tagged_items_and_spaces_untagged_bucket_the_rest():
    d = digest(
        items=[proposal(1, local(day(0))), proposal(2, local(day(0))), meeting(3, local(day(0)))],
        tags=[
            tag("proposal", 1, "mujeres"),
            tag("proposal", 1, "otra"),
            tag("participatory_process", 9, "mujeres"),
            tag("meeting", 3, "otra"),
        ],
        spaces=[space(9, local(day(1))), space(10, local(day(1)), type="assembly")],
    )
    mujeres = d.departments[0].section.totals
    assert (mujeres.new_proposals, mujeres.new_spaces, mujeres.new_meetings) == (1, 1, 0)
    assert (d.untagged.totals.new_proposals, d.untagged.totals.new_spaces) == (1, 1)
    assert d.untagged.totals.new_meetings == 0  # tagged with an unlisted department


def test_answered_and_unanswered_proposals():
    d = digest(
        items=[
            proposal(1, local(day(-50)), state="accepted", answered_at=local(day(2))),
            proposal(2, local(day(-50)), state="rejected", answered_at=local(day(3))),
            proposal(3, local(day(-50))),  # unanswered, 50+ days
            proposal(4, local(day(-10))),  # too recent
            proposal(5, local(day(-50)), withdrawn=1),
            proposal(
                6, local(day(-50)), state="evaluating", answered_at=local(day(9))
            ),  # after end
            proposal(7, local(day(-90)), state="accepted", answered_at=local(day(-20))),
        ],
        unanswered_after_days=30,
    )
    o = d.overall
    assert o.answered_count == 2 and dict(o.answered_states) == {"accepted": 1, "rejected": 1}
    assert [r.item.id for r in o.unanswered] == [3, 6]
    assert o.unanswered_count == 2 and o.unanswered[0].value >= 50


def test_top_lists_and_upcoming_meetings():
    d = digest(
        items=[
            proposal(1, local(day(0)), vote_count=5, endorsements_count=1),
            proposal(2, local(day(0)), vote_count=5, endorsements_count=4),
            proposal(3, local(day(0)), vote_count=9),
            debate(4, local(day(0)), endorsements_count=2),
            proposal(5, local(day(-30)), vote_count=100),  # old: not "of the period"
            meeting(6, local(day(-30)), start_time=local(day(7), 10), type_of_meeting="hybrid"),
            meeting(7, local(day(-30)), start_time=local(day(6), 10)),  # inside the period
            meeting(8, local(day(-30)), start_time=local(day(20), 23)),  # 14th day after
            meeting(9, local(day(-30)), start_time=local(day(21), 0)),  # 15th day
            meeting(10, local(day(-30)), start_time=local(day(8)), withdrawn=1),
        ],
        comments=[comment(n, ("proposal", 5), local(day(1))) for n in range(3)]
        + [comment(10, ("debate", 4), local(day(1)))],
    )
    o = d.overall
    # debate 4's endorsements_count=2 cannot reach the store: v_items has NULL support
    # counters for debates (README), so only proposals rank here
    assert [i.id for i in o.top_supported] == [3, 2, 1]
    assert [(r.item.id, r.value) for r in o.top_commented] == [(5, 3), (4, 1)]
    assert [i.id for i in o.upcoming] == [6, 8]
    assert d.upcoming_until == date(2026, 12, 6)


def test_gains_sin_datos_versus_real_gains():
    p = W47
    start, end = p.start_utc, p.end_utc
    d = digest(
        items=[
            proposal(1, local(day(-20))),
            proposal(2, local(day(-20))),
            proposal(3, local(day(2))),
            debate(4, local(day(-20))),
        ],
        counters=[
            counter("proposal", 1, z(start - timedelta(days=3)), 10, 1),
            counter("proposal", 1, z(start + timedelta(days=2)), 14, 1),
            counter("proposal", 1, z(end + timedelta(hours=1)), 99, 9),  # after the end: ignored
            counter("proposal", 2, z(start + timedelta(hours=1)), 3),  # nothing before the start
            counter("proposal", 3, local(day(2)), 7),
            counter("debate", 4, z(start), None, 2),  # at the start counts as "at or before"
            counter("debate", 4, z(end), None, 5),
        ],
    )
    g = d.overall.gains
    assert (g.votes, g.endorsements) == (4, 3)
    assert (g.items_with_data, g.items_without_data) == (2, 2)
    assert [(x.item.id, x.votes, x.endorsements) for x in g.top] == [(1, 4, 0), (4, None, 3)]


def test_gains_without_any_prior_observation_are_none_not_zero():
    g = digest(
        items=[proposal(1, local(day(-20)))], counters=[counter("proposal", 1, local(day(1)), 3)]
    ).overall.gains
    assert g.votes is None and g.endorsements is None and g.items_without_data == 1


def test_last_complete_week_uses_local_time():
    # Monday 2026-11-23 00:30 in Santiago is still Sunday in UTC-? no: 03:30Z Monday.
    assert last_complete_week(datetime(2026, 11, 23, 3, 30, tzinfo=UTC), TZ).start == date(
        2026, 11, 16
    )
    # Sunday 23:30 local (02:30Z Monday): the current week is not complete yet.
    assert last_complete_week(datetime(2026, 11, 23, 2, 30, tzinfo=UTC), TZ).start == date(
        2026, 11, 9
    )


def test_partial_period_is_flagged():
    rows = StoreRows()
    p = iso_week("2026-W48", TZ)
    assert digest_of(rows, p, [], DigestOptions(), NOW, "x").partial is True
    assert digest().partial is False


def test_a_digest_restricted_to_departments_counts_only_their_items():
    tagged, other = proposal(1, local(day(1))), proposal(2, local(day(2)))
    rows = StoreRows(
        (tagged, other),
        (comment(10, ("proposal", 1), local(day(2))), comment(11, ("proposal", 2), local(day(2)))),
        (tag("proposal", 1, "mujeres"),),
        (),
        (),
    )
    d = digest_of(
        rows, W47, [("mujeres", "Mujeres")], DigestOptions(departments_filtered=True), NOW, "v"
    )
    assert d.overall.totals.new_proposals == 1 and d.overall.totals.new_comments == 1
    assert [x.slug for x in d.departments] == ["mujeres"]
    assert d.trend[-1].totals.new_proposals == 1
