"""The sync pipeline: one Decidim instance → the store, page by page, resumable.

``sync_instance`` records a ``sync_runs`` row, detects the server's features, discovers spaces
and components, then walks every Proposals/Debates/Meetings component. Each page is saved
with the cursor to resume after it (items, their comments, changed counters, the cursor) in
one transaction with the other pages of the same answer (several components share a request)
and of the answers before it, committed every ``COMMIT_EVERY`` answers, on a stop request and
before any error propagates, so an interrupted run keeps what it fetched (a killed one loses at
most the answers since the last commit) and the next run resumes after the saved cursor.
When a walk completes, items it did not list get ``removed_at``. Finally the department tags
are recomputed (``retag``, passed in by the caller) and the run row is finished.

Nothing is printed: ``progress`` receives short messages if the caller wants them.
"""

from __future__ import annotations

import contextlib
import gc
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol

from sqlite_utils import Database

from connector.models import COMPONENT_KINDS, ComponentRef, Features, ItemPage, Space
from participa.errors import StoppedError, StoreError
from sync import save
from sync.config import DepartmentRule, InstanceConfig
from sync.incremental import decide
from sync.normalize import ITEM_TYPES, Context, Place, comment_rows, item_row, space_place
from sync.normalize import component_row as make_component_row
from sync.normalize import space_row as make_space_row
from sync.privacy import load_author_key
from sync.store import store_hint

#: Answers saved in one transaction. Each answer's pages and the cursor to resume after them
#: are saved together, so a stop loses at most the answers since the last commit (re-read by
#: the next run): a dozen requests, against many fewer index pages written per item.
COMMIT_EVERY = 12
#: The sync connection's page cache (KiB): the item and comment indexes of a large instance
#: stay in memory instead of being re-read from the OS for each answer.
CACHE_KIB = 32 * 1024

Retag = Callable[[Database, str, Sequence[DepartmentRule], str], int]
Progress = Callable[[str], None]


class DecidimClientProtocol(Protocol):
    """What the pipeline needs from ``connector.client.DecidimClient``."""

    @property
    def requests(self) -> int: ...

    def detect_features(self) -> Features: ...

    def iter_spaces(self, features: Features) -> Iterable[Space]: ...

    def iter_component_pages(
        self,
        components: Iterable[ComponentRef],
        features: Features,
        cursors: Mapping[str, str | None] | None = None,
        *,
        published_since: Mapping[str, date] | None = None,
        sizes: Mapping[str, int] | None = None,
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
    cfg: InstanceConfig | None = None
    mode: str = "full"
    #: (table, columns) whose columns this run made sure exist (``save.upsert_seen``)
    checked: set[tuple[str, tuple[str, ...]]] = field(default_factory=set)


@dataclass
class _Walk:
    """The pipeline's side of one component's walk in this run."""

    component: ComponentRef
    place: Place
    item_type: str
    whole: bool  # a whole walk (may set removed_at); else a publishedSince check
    since: date | None = None
    cursor: str | None = None
    walk_started: str | None = None
    null_nodes: int = 0
    partial_at_start: int = 0  # the client's ``partial_answers`` when the walk began


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
    ``should_stop`` is checked after every committed answer; when it answers True the run is
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
        progress or (lambda _message: None), should_stop, instance_cfg,
    )
    try:
        run.result.run_id = _start_run(run)
    except sqlite3.Error as exc:  # read-only, full, locked: before the run row exists
        raise StoreError(
            f"{ctx.instance}: cannot write to the store ({exc}); {store_hint(exc)}"
        ) from None
    try:
        with _fewer_collections(), _page_cache(db, CACHE_KIB):
            _sync(run)
        if retag is not None:
            run.progress("departamentos")
            retag(db, ctx.instance, rules, ctx.locale)
    except sqlite3.Error as exc:
        error = StoreError(
            f"{ctx.instance}: cannot write to the store ({exc}); {store_hint(exc)}"
        )
        _finish_run(run, "failed", str(error))
        raise error from None
    except (Exception, KeyboardInterrupt) as exc:  # ParticipaError above all: run failed
        _finish_run(run, "failed", str(exc) or type(exc).__name__)
        raise
    _finish_run(run, "ok", None)
    return run.result


@contextlib.contextmanager
def _fewer_collections(threshold: int = 10_000) -> Iterator[None]:
    """Run the cyclic garbage collector less often while a sync runs.

    A sync allocates millions of short-lived objects (decoded answers, models, rows) that
    reference counting frees; with the default threshold (700 allocations) the collector runs
    thousands of times per run (about 1 s of 6 s CPU on the bench's large world). The
    previous threshold comes back afterwards (unless someone changed it meanwhile)."""
    before = gc.get_threshold()
    if before[0] == 0 or before[0] >= threshold:
        yield
        return
    gc.set_threshold(threshold, *before[1:])
    try:
        yield
    finally:
        if gc.get_threshold()[0] == threshold:
            gc.set_threshold(*before)


@contextlib.contextmanager
def _page_cache(db: Database, kib: int) -> Iterator[None]:
    """SQLite's page cache of this connection at ``kib`` KiB (at least) while a sync runs."""
    before = db.execute("PRAGMA cache_size").fetchone()[0]
    page = db.execute("PRAGMA page_size").fetchone()[0]
    size_kib = -before if before < 0 else before * page // 1024
    if size_kib >= kib:
        yield
        return
    db.execute(f"PRAGMA cache_size = {-kib}")
    try:
        yield
    finally:
        db.execute(f"PRAGMA cache_size = {before}")


def _sync(run: _Run) -> None:
    run.progress("detectando la versión del servidor")
    features = run.client.detect_features()
    with run.db.atomic():
        _set_state(run, "features", features.model_dump_json())
    walks = _plan(run, _discover(run, features))
    _walk_components(run, walks, features)


def _plan(run: _Run, found: list[tuple[ComponentRef, Place, str | None]]) -> list[_Walk]:
    """Decide what this run reads of each component (``sync.incremental``)."""
    instance = run.ctx.instance
    last_ok = _last_ok_run(run)
    now = run.now()
    now = now if now.tzinfo else now.replace(tzinfo=UTC)
    cfg = run.cfg
    walks: list[_Walk] = []
    for component, place, space_end in found:
        kind = COMPONENT_KINDS[component.typename]
        walked = save.get_state(run.db, instance, f"walked:component:{component.id}")
        decision = decide(
            kind=kind,
            space_end=date.fromisoformat(space_end) if space_end else None,
            last_walk=_parse_stamp(walked),
            last_ok_run=last_ok,
            now=now,
            full=run.full,
            refresh_closed_after_days=cfg.refresh_closed_after_days if cfg else 30,
            closed_refresh_days=cfg.closed_refresh_days if cfg else 7,
        )
        if decision.action == "skip":
            continue
        walks.append(_Walk(component, place, ITEM_TYPES[kind], decision.action == "walk",
                           decision.since))
    if not run.full and last_ok is not None:
        run.mode = "incremental"
    return walks


def _last_ok_run(run: _Run) -> datetime | None:
    row = run.db.execute(
        "SELECT MAX(started_at) FROM sync_runs WHERE instance = ? AND status = 'ok'",
        [run.ctx.instance],
    ).fetchone()
    return _parse_stamp(row[0] if row else None)


def _parse_stamp(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _discover(run: _Run, features: Features) -> list[tuple[ComponentRef, Place, str | None]]:
    """Upsert spaces and components; mark unlisted ones removed. Returns the ones to walk."""
    run.progress("leyendo espacios y componentes")
    spaces: set[tuple[Any, ...]] = set()
    components: set[tuple[Any, ...]] = set()
    to_walk: list[tuple[ComponentRef, Place, str | None]] = []
    partial = _partial_answers(run.client)
    for space in run.client.iter_spaces(features):
        with run.db.atomic():
            row = make_space_row(space, run.ctx)
            run.result.counts["spaces"] += save.upsert_seen(
                run.db, "spaces", [row], ("instance", "type", "id"), run.stamp, run.checked
            )
            spaces.add((row["type"], row["id"]))
            rows = [make_component_row(space, c, run.ctx) for c in space.components]
            run.result.counts["components"] += save.upsert_seen(
                run.db, "components", rows, ("instance", "id"), run.stamp, run.checked
            )
        components.update((r["id"],) for r in rows)
        to_walk += [
            (c, space_place(space, c), row.get("end_date"))
            for c in space.components
            if c.typename in COMPONENT_KINDS
        ]
    with run.db.atomic():
        if _partial_answers(run.client) == partial:  # else a space may be missing
            save.mark_removed(run.db, "spaces", run.ctx.instance, spaces, ("type", "id"),
                              run.stamp)
            save.mark_removed(run.db, "components", run.ctx.instance, components, ("id",),
                              run.stamp)
        save.remove_items_of_components(run.db, run.ctx.instance, run.stamp)
        save.remove_items_of_retyped_components(run.db, run.ctx.instance, run.stamp)
    return to_walk


def _walk_components(run: _Run, walks: list[_Walk], features: Features) -> None:
    """Read the planned components (packed, concurrent) and save each page as it comes."""
    by_id = {w.component.id: w for w in walks}
    for walk in walks:
        _begin_walk(run, walk)
    sizes = _known_sizes(run, [w for w in walks if w.whole and w.cursor is None])
    sizes |= {w.component.id: 0 for w in walks if not w.whole}
    pages = run.client.iter_component_pages(
        [w.component for w in walks],
        features,
        {w.component.id: w.cursor for w in walks if w.cursor},
        published_since={w.component.id: w.since for w in walks if w.since},
        sizes=sizes,
    )
    try:
        _save_pages(run, by_id, len(walks), pages)
    except BaseException:
        # what was saved so far (each page complete with its cursor) is kept; if the store
        # itself failed, the run's own error is what the caller needs
        if run.db.conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                run.db.commit()
        raise
    if run.db.conn.in_transaction:
        run.db.commit()


def _save_pages(run: _Run, by_id: dict[str, _Walk], total: int, pages: Iterable[ItemPage]
                ) -> None:
    """Save each page with its cursor; commit every ``COMMIT_EVERY`` answers (an answer's
    pages always in one transaction) and when ``should_stop`` asks to stop."""
    finished = answers = 0
    for page in pages:
        walk = by_id[page.component_id]
        walk.null_nodes += page.null_nodes
        if not run.db.conn.in_transaction:
            run.db.begin()
        with run.db.atomic():  # a savepoint: a page that fails to save leaves no trace
            _save_page(run, page, walk.place, walk.item_type, remember=walk.whole)
            if walk.whole and page.has_next_page and page.end_cursor:
                _set_state(run, f"cursor:component:{walk.component.id}", page.end_cursor)
        if not page.has_next_page:
            _end_walk(run, walk)
            finished += 1
            run.progress(f"componente {finished}/{total}: {walk.component.typename} "
                         f"{walk.component.id}")
        if page.more_in_answer:
            continue
        answers += 1
        stop = run.should_stop()
        if answers % COMMIT_EVERY and not stop:
            continue  # one transaction goes on: fewer commits, fewer index pages rewritten
        run.db.commit()
        if stop:
            raise StoppedError(
                f"{run.ctx.instance}: sync stopped on request after component "
                f"{walk.component.id}'s saved page; the next run resumes there"
            )


def _begin_walk(run: _Run, walk: _Walk) -> None:
    if not walk.whole:
        return
    instance, cid = run.ctx.instance, walk.component.id
    walk.partial_at_start = _partial_answers(run.client)
    walk.cursor = None if run.full else save.get_state(run.db, instance, f"cursor:component:{cid}")
    if walk.cursor:
        walk.walk_started = save.get_state(run.db, instance, f"walk:component:{cid}")
    save.start_walk_memory(run.db, walk.place.component_id)
    if walk.cursor is None:
        # A fresh walk (first, finished before, or --full): its start and the absence of a
        # cursor are saved together. Leaving an older run's cursor behind would let the next
        # run resume it with this walk's start and mark that older run's items removed.
        with run.db.atomic():
            save.delete_state(run.db, instance, f"cursor:component:{cid}")
            _set_state(run, f"walk:component:{cid}", run.stamp)


def _end_walk(run: _Run, walk: _Walk) -> None:
    """After a component's last page: removals (whole walks that saw every entry only)."""
    if not walk.whole:
        return
    cid = walk.component.id
    with run.db.atomic():
        if _partial_answers(run.client) == walk.partial_at_start:  # see _partial_answers
            save.remove_unseen_items(
                run.db, run.ctx.instance, walk.item_type, walk.place.component_id,
                walk.walk_started, run.stamp,
            )
        save.delete_state(run.db, run.ctx.instance, f"cursor:component:{cid}",
                          f"walk:component:{cid}")
        _set_state(run, f"walked:component:{cid}", run.stamp)


def _known_sizes(run: _Run, walks: list[_Walk]) -> dict[str, int]:
    """Items each component held after its last complete walk (the planner's size hint)."""
    sizes: dict[str, int] = {}
    for table in save.ITEM_TABLES.values():
        rows = run.db.execute(
            f"SELECT component_id, COUNT(*) FROM {table} WHERE instance = ? "
            "AND removed_at IS NULL GROUP BY component_id",
            [run.ctx.instance],
        ).fetchall()
        sizes |= {str(cid): n for cid, n in rows}
    walked = {
        r[0].removeprefix("walked:component:")
        for r in run.db.execute(
            "SELECT key FROM sync_state WHERE instance = ? AND key LIKE 'walked:component:%'",
            [run.ctx.instance],
        ).fetchall()
    }
    return {w.component.id: sizes.get(w.component.id, 0) for w in walks
            if w.component.id in walked}


def _save_page(
    run: _Run, page: ItemPage, place: Place, item_type: str, *, remember: bool = True
) -> None:
    rows = [item_row(item, place, run.ctx) for item in page.items]
    table = save.ITEM_TABLES[item_type]
    run.result.counts[table] += save.upsert_seen(
        run.db, table, rows, ("instance", "id"), run.stamp, run.checked
    )
    save.record_counters(run.db, item_type, rows, utc_stamp(run.now()), run.result.run_id)
    if remember:  # a whole walk: what it saw decides removals at its end
        save.remember_seen(run.db, place.component_id, [r["id"] for r in rows])
    comments: list[dict[str, Any]] = []
    complete: list[int] = []
    for item, row in zip(page.items, rows, strict=True):
        tree = comment_rows(item_type, row["id"], item.comments, place, run.ctx)
        if tree or not item.total_comments_count:  # else the client did not fetch them
            complete.append(row["id"])
        comments += tree
    run.result.counts["comments"] += save.upsert_seen(
        run.db, "comments", comments, ("instance", "id"), run.stamp, run.checked
    )
    save.remove_missing_comments(
        run.db, run.ctx.instance, item_type, complete, [c["id"] for c in comments], run.stamp
    )


def _partial_answers(client: DecidimClientProtocol) -> int:
    """How many answers so far carried GraphQL ``errors`` beside partial data (0 if the
    client does not count them). A walk that got one may be missing items that failed to
    resolve (they come back as null), so it must not mark the items it did not see removed;
    the next complete walk does. A null *without* an error is an item hidden from us
    (moderated, unpublished: Decidim 0.30's per-object authorization) and counts as gone."""
    return int(getattr(client, "partial_answers", 0) or 0)


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
                "mode": run.mode,
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
        "mode": run.mode,
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
