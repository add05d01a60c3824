"""The digest as JSON (the documented contract) and CSV (one row per department and metric)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from reports.escape import csv_cell
from reports.i18n import Messages
from reports.model import Digest, Gains, Item, Ranked, Section
from reports.period import utc_z

UNTAGGED_SLUG = "sin-departamento"


def digest_dict(digest: Digest) -> dict[str, Any]:
    """The JSON contract: period, instance, totals, departments, untagged (+ extra keys)."""
    period = digest.period
    return {
        "period": {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "timezone": period.timezone,
            "label": period.label,
            "start_utc": utc_z(period.start_utc),
            "end_utc": utc_z(period.end_utc),
        },
        "instance": digest.instance,
        "generated_at": utc_z(digest.generated_at),
        "partial": digest.partial,
        "departments_filtered": digest.options.departments_filtered,
        **section_dict(digest.overall),
        "departments": [
            {"slug": d.slug, "name": d.name, **section_dict(d.section)} for d in digest.departments
        ],
        "untagged": section_dict(digest.untagged),
        "trend": [
            {
                "start": p.period.start.isoformat(),
                "end": p.period.end.isoformat(),
                "totals": p.totals.as_dict(),
            }
            for p in digest.trend
        ],
        "upcoming_until": digest.upcoming_until.isoformat() if digest.upcoming_until else None,
    }


def section_dict(section: Section) -> dict[str, Any]:
    return {
        "totals": section.totals.as_dict(),
        "previous_totals": section.previous.as_dict(),
        "answered": {
            "count": section.answered_count,
            "states": dict(section.answered_states),
            "items": [item_dict(i) for i in section.answered],
        },
        "unanswered": {
            "count": section.unanswered_count,
            "items": [{**item_dict(r.item), "days_waiting": r.value} for r in section.unanswered],
        },
        "top_supported": [item_dict(i) for i in section.top_supported],
        "top_commented": [_ranked(r, "comments_in_period") for r in section.top_commented],
        "upcoming_meetings": {
            "count": section.upcoming_count,
            "items": [item_dict(i) for i in section.upcoming],
        },
        "gains": gains_dict(section.gains),
    }


def gains_dict(gains: Gains) -> dict[str, Any]:
    """``votes``/``endorsements`` are null ("sin datos") when no item had an earlier observation."""
    return {
        "votes": gains.votes,
        "endorsements": gains.endorsements,
        "items_with_data": gains.items_with_data,
        "items_without_data": gains.items_without_data,
        "top": [
            {**item_dict(g.item), "votes_gained": g.votes, "endorsements_gained": g.endorsements}
            for g in gains.top
        ],
    }


def item_dict(item: Item) -> dict[str, Any]:
    return {
        "type": item.item_type,
        "id": item.id,
        "title": item.title,
        "url": item.url,
        "published_at": utc_z(item.published_at) if item.published_at else None,
        "vote_count": item.vote_count,
        "endorsements_count": item.endorsements_count,
        "comments_count": item.comments_count,
        "state": item.state,
        "answered_at": utc_z(item.answered_at) if item.answered_at else None,
        "type_of_meeting": item.type_of_meeting,
        "start_time": utc_z(item.start_time) if item.start_time else None,
    }


def _ranked(ranked: Ranked, name: str) -> dict[str, Any]:
    return {**item_dict(ranked.item), name: ranked.value}


def render_json(digest: Digest) -> str:
    return json.dumps(digest_dict(digest), ensure_ascii=False, indent=2) + "\n"


CSV_HEADER = (
    "period_start",
    "period_end",
    "instance",
    "department",
    "department_name",
    "metric",
    "value",
    "previous_value",
)


def render_csv(digest: Digest, messages: Messages) -> str:
    """One row per (department, metric); ``department`` is ``*`` for the whole instance."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    groups = [("*", messages.t("summary"), digest.overall)]
    groups += [(d.slug, d.name, d.section) for d in digest.departments]
    groups.append((UNTAGGED_SLUG, messages.t("untagged"), digest.untagged))
    for slug, name, section in groups:
        now, before = section.totals.as_dict(), section.previous.as_dict()
        for metric, value in now.items():
            row = (
                digest.period.start.isoformat(),
                digest.period.end.isoformat(),
                digest.instance,
                slug,
                name,
                metric,
                value,
                before[metric],
            )
            writer.writerow([csv_cell(c) for c in row])
    return out.getvalue()
