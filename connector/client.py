"""The Decidim GraphQL client: feature detection, space discovery, item paging.

    with DecidimClient("https://participa.example.cl/api", instance="valpo") as client:
        features = client.detect_features()
        for space in client.iter_spaces(features):
            for component in space.components:
                if component.typename in COMPONENT_KINDS:
                    for page in client.iter_pages(component, features):
                        ...

Queries are parsed once with gql (``gql(text)``) and sent by ``connector.transport`` (httpx),
which owns throttling, retries and the HTTP error mapping. GraphQL ``errors`` without usable
``data`` raise ``QueryError``; with partial data the data is kept and the errors are recorded
in ``client.warnings``.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from types import TracebackType
from typing import Any, Protocol

import httpx
from gql import gql
from pydantic import ValidationError

from connector import queries
from connector.dispatch import Dispatcher
from connector.features import features_from, parse_probe
from connector.models import (
    COMPONENT_KINDS,
    ComponentRef,
    Debate,
    Features,
    ItemKind,
    ItemPage,
    Meeting,
    Proposal,
    Space,
    SpaceKind,
)
from connector.planning import RequestPlanner, Slot, Walk
from connector.throttle import Throttle
from connector.transport import GraphQLTransport
from participa.errors import PaginationError, ProtocolError, QueryError

log = logging.getLogger(__name__)

ITEM_MODELS: dict[ItemKind, type[Proposal] | type[Debate] | type[Meeting]] = {
    "proposals": Proposal,
    "debates": Debate,
    "meetings": Meeting,
}
SPACE_LISTS: dict[str, SpaceKind] = {
    "participatoryProcesses": "participatory_process",
    "assemblies": "assembly",
}


class InstanceLike(Protocol):
    """What ``from_config`` reads (``sync.config.InstanceConfig`` fits)."""

    name: str
    url: str
    requests_per_minute: float
    max_concurrency: int
    max_retries: int
    timeout_seconds: float
    verify_tls: bool

    def token(self) -> str | None: ...


class DecidimClient:
    """A read client for one Decidim instance's GraphQL API (0.27–0.30+)."""

    def __init__(
        self,
        url: str,
        *,
        instance: str = "",
        token: str | None = None,
        requests_per_minute: float = 60,
        max_concurrency: int = 2,
        max_retries: int = 5,
        timeout: float = 30,
        verify_tls: bool = True,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ):
        self.url = url
        self.instance = instance
        self.max_concurrency = max(1, max_concurrency)  # requests in flight at once
        self.warnings: list[str] = []
        self.null_nodes = 0
        #: answers that carried GraphQL ``errors`` beside the data kept (nodes may be missing)
        self.partial_answers = 0
        self.server_version: str | None = None
        self._queries: dict[str, str] = {}  # query texts gql parsed (sent as they are)
        self._http = GraphQLTransport(
            url,
            instance=instance,
            token=token,
            timeout=timeout,
            verify_tls=verify_tls,
            max_retries=max_retries,
            throttle=Throttle(requests_per_minute, clock=clock, sleep=sleep),
            sleep=sleep,
            rng=rng or random.Random(),
            transport=transport,
        )

    @classmethod
    def from_config(cls, inst: InstanceLike, **overrides: Any) -> DecidimClient:
        """A client for a configured instance; ``overrides`` replace any keyword argument."""
        kwargs: dict[str, Any] = {
            "instance": inst.name,
            "token": inst.token(),
            "requests_per_minute": inst.requests_per_minute,
            "max_concurrency": inst.max_concurrency,
            "max_retries": inst.max_retries,
            "timeout": inst.timeout_seconds,
            "verify_tls": inst.verify_tls,
        }
        kwargs.update(overrides)
        return cls(kwargs.pop("url", inst.url), **kwargs)

    @property
    def requests(self) -> int:
        """HTTP requests sent so far, retries included."""
        return self._http.requests

    @property
    def retries(self) -> int:
        return self._http.retries

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> DecidimClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- features -----------------------------------------------------------------------------

    def detect_features(self) -> Features:
        """Probe the schema (1–3 small requests) and say what it supports."""
        probe = parse_probe(self._send("ParticipaProbe", Features(), {}))
        if probe.unknown_errors and not probe.has_data:
            raise self._query_error("ParticipaProbe", probe.unknown_errors[0], [])
        limits = None
        if not probe.analyzed:
            limits = parse_probe(self._send("ParticipaLimits", Features(), {}))
        last = limits or probe
        version = last.version
        if not last.has_data:
            version = parse_probe(self._send("ParticipaVersion", Features(), {})).version
        features = features_from(probe, limits, version)
        log.info("%s: detected %s", self.instance, features)
        return features

    # --- spaces -------------------------------------------------------------------------------

    def iter_spaces(self, features: Features) -> Iterator[Space]:
        """Every visible participatory process and assembly, with its components (1 request)."""
        data = self._run("Spaces", features, {})
        decidim = data.get("decidim")
        if isinstance(decidim, dict) and decidim.get("version"):
            self.server_version = str(decidim["version"])
        for key, kind in SPACE_LISTS.items():
            for node in data.get(key) or []:
                if node is None:
                    self._null_node(f"{key} list")
                    continue
                yield self._model(Space, {**node, "kind": kind}, f"{kind} {node.get('id')}")

    # --- items --------------------------------------------------------------------------------

    def iter_pages(
        self,
        component: ComponentRef,
        features: Features,
        *,
        after: str | None = None,
        published_since: date | None = None,
    ) -> Iterator[ItemPage]:
        """Pages of a Proposals, Debates or Meetings component, resuming ``after`` a cursor.

        ``published_since`` (inclusive) filters proposals on the server; debates and meetings
        cannot be filtered and are read whole. A component the server no longer shows yields
        no page at all (an empty one yields one empty page).
        """
        kind = COMPONENT_KINDS.get(component.typename)
        if kind is None:
            raise ValueError(
                f"component {component.id} is a {component.typename}, not one of "
                f"{', '.join(COMPONENT_KINDS)}"
            )
        plain, dated = queries.PAGE_OPERATIONS[kind]
        operation = dated if dated and published_since else plain
        variables: dict[str, Any] = {"id": component.id}
        if operation == dated and published_since:
            variables["since"] = published_since.isoformat()
        variables["first"] = queries.page_size(queries.document(operation, features), variables)
        guard = PageGuard(self.instance, component.id, after)
        while True:
            data = self._run(operation, features, {**variables, "after": guard.cursor})
            connection = self._connection(data, kind, component)
            if connection is None:
                return
            page = self._page(component, kind, connection, guard)
            yield page
            if not page.has_next_page:
                return

    def iter_component_pages(
        self,
        components: Iterable[ComponentRef],
        features: Features,
        cursors: Mapping[str, str | None] | None = None,
        *,
        published_since: Mapping[str, date] | None = None,
        sizes: Mapping[str, int] | None = None,
    ) -> Iterator[ItemPage]:
        """Pages of many components, packed several to a request (``connector.planning``).

        ``cursors`` resumes a component after a saved cursor; ``published_since`` reads only
        the proposals a component published on or after a date (other kinds ignore it);
        ``sizes`` are the items a component is expected to hold (from the store), so small
        ones are read in a slice of a request. Up to ``max_concurrency`` requests are in
        flight; pages come out on the caller's thread, each component's in order. The last
        page of a component has ``has_next_page`` False; a component the server no longer
        shows yields one empty last page (a warning says so).
        """
        cursors, since, sizes = cursors or {}, published_since or {}, sizes or {}
        walks = [
            Walk(c, COMPONENT_KINDS[c.typename], cursor=cursors.get(c.id),
                 since=since.get(c.id) if COMPONENT_KINDS[c.typename] == "proposals" else None,
                 expected=sizes.get(c.id))
            for c in components
            if c.typename in COMPONENT_KINDS
        ]
        guards = {id(w): PageGuard(self.instance, w.component.id, w.cursor) for w in walks}
        planner = RequestPlanner(walks, features)

        def record(batch: list[Slot], pages: list[_RawPage]) -> None:
            for slot, page in zip(batch, pages, strict=True):
                planner.record(slot.walk, len(page.nodes), page.has_next_page, page.end_cursor)
                if not page.has_next_page:  # its ids are not needed any more
                    guards.pop(id(slot.walk), None)

        # the next request leaves as soon as one ends (``connector.dispatch``): parsing and
        # saving an answer overlap the network time of the next ones
        answers = Dispatcher(
            lambda: planner.next_batch() or None,
            lambda batch: self._fetch_batch(batch, features, guards),
            record,
            concurrency=self.max_concurrency,
            backlog=2 * self.max_concurrency,
        )
        for _batch, pages in answers:
            for n, page in enumerate(pages):
                yield self._item_page(page, more_in_answer=n < len(pages) - 1)

    def _fetch_batch(
        self, batch: list[Slot], features: Features, guards: dict[int, PageGuard]
    ) -> list[_RawPage]:
        """Send one packed request (a worker thread) and cut its answer into pages of raw
        nodes; the models are built on the caller's thread (``_item_page``), so the worker
        threads hold the GIL as little as possible."""
        parts = tuple((s.walk.kind, s.walk.dated) for s in batch)
        variables: dict[str, Any] = {}
        for n, slot in enumerate(batch):
            walk = slot.walk
            variables |= queries.packed_variables(
                n, walk.component.id, slot.first, guards[id(walk)].cursor,
                walk.since.isoformat() if walk.dated and walk.since else None,
            )
        text = queries.packed_document(parts, features)
        data = self._run_text(queries.PACKED_OPERATION, text, variables)
        pages = []
        for n, slot in enumerate(batch):
            walk = slot.walk
            connection = self._connection(
                {"component": data.get(f"c{n}")}, walk.kind, walk.component
            )
            if connection is None:
                pages.append(_RawPage(walk.component, walk.kind, [], None, False, 0))
                continue
            pages.append(self._raw_page(walk.component, walk.kind, connection,
                                        guards[id(walk)]))
        return pages

    def _connection(
        self, data: dict[str, Any], kind: ItemKind, component: ComponentRef
    ) -> dict[str, Any] | None:
        node = data.get("component")
        if node is None:
            self._warn(f"component {component.id} is not visible any more (unpublished or deleted)")
            return None
        if kind not in node:
            raise PaginationError(
                f"component {component.id} is now a {node.get('__typename')!r}, not "
                f"{component.typename!r}; run the sync again to rediscover components",
                instance=self.instance,
            )
        connection = node[kind]
        return connection if isinstance(connection, dict) else None

    def _page(
        self, component: ComponentRef, kind: ItemKind, connection: dict[str, Any], guard: PageGuard
    ) -> ItemPage:
        return self._item_page(self._raw_page(component, kind, connection, guard))

    def _raw_page(
        self, component: ComponentRef, kind: ItemKind, connection: dict[str, Any], guard: PageGuard
    ) -> _RawPage:
        """The page's new nodes (de-duplicated, nulls counted) and the cursor after it."""
        nodes = []
        nulls = 0
        for node in connection.get("nodes") or []:
            if node is None:
                nulls += 1
                self._null_node(f"component {component.id} {kind}")
            elif guard.is_new(str(node.get("id"))):
                nodes.append(node)
        info = connection.get("pageInfo") or {}
        has_next = bool(info.get("hasNextPage"))
        end_cursor = guard.advance(has_next, info.get("endCursor"))
        return _RawPage(component, kind, nodes, end_cursor, has_next, nulls)

    def _item_page(self, raw: _RawPage, *, more_in_answer: bool = False) -> ItemPage:
        model = ITEM_MODELS[raw.kind]
        what = raw.kind
        return ItemPage(
            component_id=raw.component.id,
            kind=raw.kind,
            items=[self._model(model, node, f"{what} {node.get('id')}") for node in raw.nodes],
            end_cursor=raw.end_cursor,
            has_next_page=raw.has_next_page,
            null_nodes=raw.null_nodes,
            more_in_answer=more_in_answer,
        )

    # --- sending ------------------------------------------------------------------------------

    def _run(self, operation: str, features: Features, variables: dict[str, Any]) -> dict[str, Any]:
        """The ``data`` of ``operation``; QueryError without usable data, warnings with partial."""
        return self._run_text(operation, queries.document(operation, features), variables)

    def _run_text(self, operation: str, text: str, variables: dict[str, Any]) -> dict[str, Any]:
        answer = self._send_text(operation, text, variables)
        errors = answer.get("errors") or []
        data = answer.get("data")
        if not isinstance(data, dict) or (errors and all(v is None for v in data.values())):
            message = _message(errors[0]) if errors else "an answer with neither data nor errors"
            raise self._query_error(operation, message, errors)
        if errors:
            self.partial_answers += 1
            self._warn(
                f"{operation}: kept partial data despite {len(errors)} error(s), first: "
                f"{_message(errors[0])}"
            )
        return data

    def _send(
        self, operation: str, features: Features, variables: dict[str, Any]
    ) -> dict[str, Any]:
        return self._send_text(operation, queries.document(operation, features), variables)

    def _send_text(self, operation: str, text: str, variables: dict[str, Any]) -> dict[str, Any]:
        query = self._queries.get(text)
        if query is None:  # parsed (a syntax check) once per text, then sent as written
            gql(text)
            query = self._queries[text] = text
        payload: dict[str, Any] = {"query": query, "operationName": operation}
        if variables:
            payload["variables"] = variables
        return self._http.execute(payload)

    def _query_error(self, operation: str, message: str, errors: list[Any]) -> QueryError:
        return QueryError(
            f"{self._http.where} rejected the {operation} query: "
            f"{self._http.scrub(message)[:300]}. If the instance "
            "was upgraded or runs plugins, run the sync again (features are re-detected); if it "
            "persists, report it with this message",
            instance=self.instance,
            errors=errors,
        )

    def _model(self, model: type[Any], node: dict[str, Any], what: str) -> Any:
        try:
            return model.model_validate(node)
        except ValidationError as exc:
            raise ProtocolError(
                f"{self._http.where} sent a {what} that does not fit the expected shape "
                f"({exc.errors()[0].get('msg')} at {exc.errors()[0].get('loc')}); report it",
                instance=self.instance,
            ) from None

    def _null_node(self, where: str) -> None:
        self.null_nodes += 1
        log.info("%s: skipped a null entry in %s", self.instance, where)

    def _warn(self, message: str) -> None:
        message = self._http.scrub(message)  # warnings quote the server's words
        self.warnings.append(message)
        log.warning("%s: %s", self.instance, message)


@dataclass
class _RawPage:
    """A page as a worker thread cuts it from an answer: nodes not yet parsed into models."""

    component: ComponentRef
    kind: ItemKind
    nodes: list[dict[str, Any]]
    end_cursor: str | None
    has_next_page: bool
    null_nodes: int


class PageGuard:
    """Per-component paging state: de-duplicates ids and refuses cursors that repeat."""

    def __init__(self, instance: str, component_id: str, after: str | None):
        self.instance = instance
        self.component_id = component_id
        self.cursor = after
        self._cursors: set[str] = {after} if after else set()
        self._ids: set[str] = set()

    def is_new(self, item_id: str) -> bool:
        if item_id in self._ids:
            return False
        self._ids.add(item_id)
        return True

    def advance(self, has_next: bool, end_cursor: Any) -> str | None:
        """Record the page's ``endCursor``; the cursor to resume after this page."""
        cursor = end_cursor if isinstance(end_cursor, str) and end_cursor else None
        if has_next and (cursor is None or cursor in self._cursors):
            raise PaginationError(
                f"component {self.component_id}: the server said there is a next page but gave "
                f"{'no cursor' if cursor is None else f'cursor {cursor!r} again'} (after "
                f"{self.cursor!r}); run a full sync of this component; report it if it persists",
                instance=self.instance,
            )
        if cursor is not None:
            self._cursors.add(cursor)
            self.cursor = cursor
        return self.cursor


def _message(error: Any) -> str:
    return str(error.get("message", error)) if isinstance(error, dict) else str(error)
