"""The entry points the CLI and ``participa demo`` call: choose a period, read, build, write."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from participa.errors import ReportError
from reports.digest import build_digest
from reports.model import Digest, DigestOptions
from reports.period import Period, date_range, iso_week, last_complete_week
from reports.read import read_aggregates
from reports.render import render
from sync.config import Config, InstanceConfig


def choose_period(
    instance: InstanceConfig,
    now: datetime,
    *,
    week: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> Period:
    """``--week``, or ``--from``/``--to``, else the last complete ISO week before ``now``."""
    if week and (start or end):
        raise ReportError("use either --week or --from/--to, not both")
    if week:
        return iso_week(week, instance.timezone)
    if start or end:
        if not (start and end):
            raise ReportError("--from and --to go together: give both dates (inclusive)")
        return date_range(start, end, instance.timezone)
    return last_complete_week(now, instance.timezone)


def digest_options(config: Config, departments_filtered: bool = False) -> DigestOptions:
    r = config.reports
    return DigestOptions(
        unanswered_after_days=r.unanswered_after_days,
        upcoming_days=r.upcoming_days,
        top_n=r.top_n,
        trend_periods=r.trend_periods,
        departments_filtered=departments_filtered,
    )


def chosen_departments(config: Config, slugs: Sequence[str] | None) -> list[tuple[str, str]]:
    """(slug, name) of the configured departments, or of the ones named by ``--department``."""
    if not slugs:
        return [(d.slug, d.name) for d in config.departments]
    known = {d.slug: d.name for d in config.departments}
    unknown = [s for s in slugs if s not in known]
    if unknown:
        listed = ", ".join(known) or "none; add [[departments]] to the config"
        raise ReportError(f"--department {unknown[0]!r}: no such department (configured: {listed})")
    return [(s, known[s]) for s in dict.fromkeys(slugs)]


def load_digest(
    db: Database,
    instance: InstanceConfig,
    config: Config,
    now: datetime,
    period: Period | None = None,
    departments: Sequence[str] | None = None,
) -> Digest:
    """Read the store and build the digest of ``period`` (default: last complete week)."""
    period = period or last_complete_week(now, instance.timezone)
    options = digest_options(config, departments_filtered=bool(departments))
    chosen = chosen_departments(config, departments)
    aggregates = read_aggregates(db, instance.name, period, [s for s, _ in chosen], options)
    return build_digest(aggregates, period, chosen, options, now, instance.name)


def write_digest_html(
    db: Database, instance: InstanceConfig, config: Config, now: datetime, path: Path
) -> Path:
    """Write the last complete week's HTML digest to ``path`` (for ``participa demo``)."""
    digest = load_digest(db, instance, config, now)
    html = render(
        digest, "html", lang=config.reports.lang, templates_dir=config.reports.templates_dir
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path
