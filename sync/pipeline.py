"""The sync pipeline: one Decidim instance → the store, page by page, resumable.

``sync_instance`` records a ``sync_runs`` row, detects the server's features, discovers spaces
and components, then walks every Proposals/Debates/Meetings component. Each page is saved in
ONE transaction (items, their comments, changed counters, the cursor to resume after it), so
an interrupted run keeps what it fetched and the next run resumes after the saved cursor.
When a walk completes, items it did not list get ``removed_at``. Finally the department tags
are recomputed (``retag``, passed in by the caller) and the run row is finished.

Nothing is printed: ``progress`` receives short messages if the caller wants them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from sqlite_utils import Database

from connector.models import COMPONENT_KINDS, ComponentRef, Features, ItemPage, Space
from participa.errors import StoppedError, StoreError
from sync import save
from sync.config import DepartmentRule, InstanceConfig
from sync.normalize import ITEM_TYPES, Context, Place, comment_rows, item_row, space_place
from sync.normalize import component_row as make_component_row
from sync.normalize import space_row as make_space_row
from sync.privacy import load_author_key

Retag = Callable[[Database, str, Sequence[DepartmentRule], str], int]
Progress = Callable[[str], None]


class DecidimClientProtocol(Protocol):
    """What the pipeline needs from ``connector.client.DecidimClient``."""

    @property
    def requests(self) -> int: ...

    def detect_features(self) -> Features: ...

    def iter_spaces(self, features: Features) -> Iterable[Space]: ...

    def iter_pages(
        self, component: ComponentRef, features: Features, *, after: str | None = None
    ) -> Iterable[ItemPage]: ...


@dataclass
class SyncResult:
    """What one run did: rows written per table, requests, timing."""

    instance: str
    run_id: int
    started_at: datetime
    finished_at: datetime | None = None
    requests: int = 0
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(
            ("spaces", "components", "proposals", "debates", "meetings", "comments"), 0
        )
    )

    @property
    def seconds(self) -> float:
        end = self.finished_at or self.started_at
        return (end - self.started_at).total_seconds()


@dataclass
class _Run:
    db: Database
    ctx: Context
    client: DecidimClientProtocol
    result: SyncResult
    stamp: str
    now: Callable[[], datetime]
    full: bool
    progress: Progress
    should_stop: Callable[[], bool] = lambda: False


def utc_stamp(moment: datetime) -> str:
    """An aware datetime as ``YYYY-MM-DDTHH:MM:SSZ`` (naive values are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sync_instance(
    db: Database,
    instance_cfg: InstanceConfig,
    client: DecidimClientProtocol,
    *,
    rules: Sequence[DepartmentRule] = (),
    now: Callable[[], datetime],
    full: bool = False,
    progress: Progress | None = None,
    retag: Retag | None = None,
    secret: bytes | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> SyncResult:
    """Sync one instance into ``db``; ``ParticipaError`` marks the run failed and propagates.

    ``full`` ignores saved cursors and re-walks every component from its first page.
    ``secret`` is the author-key secret (default: ``<store>.key`` beside the store).
    ``should_stop`` is checked after every committed page; when it answers True the run is
    marked failed and ``StoppedError`` raised (the next run resumes from the saved cursor).
    """
    ctx = Context(
        instance=instance_cfg.name,
        locale=instance_cfg.locale,
        base_url=instance_cfg.base_url,
        secret=secret if secret is not None else _store_secret(db),
        zone=instance_cfg.zone,
    )
    started = now()
    run = _Run(
        db, ctx, client, SyncResult(ctx.instance, 0, started), utc_stamp(started), now, full,
        progress or (lambda _message: None), should_stop,
    )
    run.result.run_id = _start_run(run)
    try:
        _sync(run)
        if retag is not None:
            run.progress("departamentos")
            retag(db, ctx.instance, rules, ctx.locale)
    except sqlite3.Error as exc:
        error = StoreError(f"{ctx.instance}: cannot write to the store ({exc})")
        _finish_run(run, "failed", str(error))
        raise error from None
    except (Exception, KeyboardInterrupt) as exc:  # ParticipaError above all: run failed
        _finish_run(run, "failed", str(exc) or type(exc).__name__)
        raise
    _finish_run(run, "ok", None)
    return run.result


def _sync(run: _Run) -> None:
    run.progress("detectando la versión del servidor")
    features = run.client.detect_features()
    with run.db.atomic():
        _set_state(run, "features", features.model_dump_json())
    components = _discover(run, features)
    for n, (component, place) in enumerate(components, start=1):
        run.progress(f"componente {n}/{len(components)}: {component.typename} {component.id}")
        _walk_component(run, component, place, features)


def _discover(run: _Run, features: Features) -> list[tuple[ComponentRef, Place]]:
    """Upsert spaces and components; mark unlisted ones removed. Returns the ones to walk."""
    run.progress("leyendo espacios y componentes")
    spaces: set[tuple[Any, ...]] = set()
    components: set[tuple[Any, ...]] = set()
    to_walk: list[tuple[ComponentRef, Place]] = []
    for space in run.client.iter_spaces(features):
        with run.db.atomic():
            row = make_space_row(space, run.ctx)
            run.result.counts["spaces"] += save.upsert_seen(
                run.db, "spaces", [row], ("instance", "type", "id"), run.stamp
            )
            spaces.add((row["type"], row["id"]))
            rows = [make_component_row(space, c, run.ctx) for c in space.components]
            run.result.counts["components"] += save.upsert_seen(
                run.db, "components", rows, ("instance", "id"), run.stamp
            )
        components.update((r["id"],) for r in rows)
        to_walk += [
            (c, space_place(space, c)) for c in space.components if c.typename in COMPONENT_KINDS
        ]
    with run.db.atomic():
        save.mark_removed(run.db, "spaces", run.ctx.instance, spaces, ("type", "id"), run.stamp)
        save.mark_removed(run.db, "components", run.ctx.instance, components, ("id",), run.stamp)
        save.remove_items_of_components(run.db, run.ctx.instance, run.stamp)
    return to_walk


def _walk_component(run: _Run, component: ComponentRef, place: Place, features: Features) -> None:
    cursor_key = f"cursor:component:{component.id}"
    walk_key = f"walk:component:{component.id}"
    cursor = None if run.full else save.get_state(run.db, run.ctx.instance, cursor_key)
    walk_started = save.get_state(run.db, run.ctx.instance, walk_key) if cursor else None
    save.start_walk_memory(run.db, place.component_id)
    if cursor is None:
        with run.db.atomic():
            _set_state(run, walk_key, run.stamp)
    item_type = ITEM_TYPES[COMPONENT_KINDS[component.typename]]
    for page in run.client.iter_pages(component, features, after=cursor):
        with run.db.atomic():
            _save_page(run, page, place, item_type)
            if page.has_next_page and page.end_cursor:
                _set_state(run, cursor_key, page.end_cursor)
        if run.should_stop():
            raise StoppedError(
                f"{run.ctx.instance}: sync stopped on request after component "
                f"{component.id}'s saved page; the next run resumes there"
            )
    with run.db.atomic():
        save.remove_unseen_items(
            run.db, run.ctx.instance, item_type, place.component_id, walk_started, run.stamp
        )
        save.delete_state(run.db, run.ctx.instance, cursor_key, walk_key)


def _save_page(run: _Run, page: ItemPage, place: Place, item_type: str) -> None:
    rows = [item_row(item, place, run.ctx) for item in page.items]
    table = save.ITEM_TABLES[item_type]
    run.result.counts[table] += save.upsert_seen(
        run.db, table, rows, ("instance", "id"), run.stamp
    )
    save.record_counters(run.db, item_type, rows, utc_stamp(run.now()), run.result.run_id)
    save.remember_seen(run.db, place.component_id, [r["id"] for r in rows])
    comments: list[dict[str, Any]] = []
    complete: list[int] = []
    for item, row in zip(page.items, rows, strict=True):
        tree = comment_rows(item_type, row["id"], item.comments, place, run.ctx)
        if tree or not item.total_comments_count:  # else the client did not fetch them
            complete.append(row["id"])
        comments += tree
    run.result.counts["comments"] += save.upsert_seen(
        run.db, "comments", comments, ("instance", "id"), run.stamp
    )
    save.remove_missing_comments(
        run.db, run.ctx.instance, item_type, complete, [c["id"] for c in comments], run.stamp
    )


def _set_state(run: _Run, key: str, value: str) -> None:
    save.set_state(run.db, run.ctx.instance, key, value, utc_stamp(run.now()))


def _start_run(run: _Run) -> int:
    with run.db.atomic():
        table = run.db.table("sync_runs")
        table.insert(
            {
                "instance": run.ctx.instance,
                "started_at": run.stamp,
                "status": "running",
                "mode": "full",
                **run.result.counts,
                "requests": 0,
            }
        )
        return int(table.last_pk or 0)


def _finish_run(run: _Run, status: str, error: str | None) -> None:
    run.result.finished_at = run.now()
    run.result.requests = int(getattr(run.client, "requests", 0) or 0)
    values = {
        "finished_at": utc_stamp(run.result.finished_at),
        "status": status,
        "requests": run.result.requests,
        "error": error,
        **run.result.counts,
    }
    try:
        if run.db.conn.in_transaction:
            run.db.conn.rollback()
        with run.db.atomic():
            run.db.table("sync_runs").update(run.result.run_id, values)
    except sqlite3.Error:
        if status == "ok":
            raise
        # the store itself failed: the original error is what the caller needs to see


def _store_secret(db: Database) -> bytes:
    row = db.execute("PRAGMA database_list").fetchone()
    if not row or not row[2]:
        raise StoreError("an in-memory store has no author key file; pass secret=")
    return load_author_key(Path(row[2]))
