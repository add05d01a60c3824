"""What every resolver gets: the world, its index, the release, and text/date helpers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from connector.simulator.index import WorldIndex
from connector.simulator.sdl import release_key
from connector.simulator.timeline import local_midnight
from connector.simulator.world import Text, World

ORGANIZATION_LOCALES = ("es", "en")
DEFAULT_LOCALE = "es"


@dataclass(frozen=True)
class RequestContext:
    world: World
    release: str
    max_page_size: int = 50

    @property
    def index(self) -> WorldIndex:
        return self.world.index

    def since(self, release: str) -> bool:
        """True when the emulated release is ``release`` or newer."""
        return release_key(self.release) >= release_key(release)

    def day_start(self, text: str) -> datetime:
        """Local midnight of a ``YYYY-MM-DD`` filter value (ValueError if malformed)."""
        day = datetime.strptime(text.strip()[:10], "%Y-%m-%d").date()
        return local_midnight(day, self.world.now.tzinfo)  # type: ignore[arg-type]


def published_window(records: list[Any], filter_input: dict[str, Any] | None,
                     ctx: RequestContext, attribute: str = "published_at") -> list[Any]:
    """``publishedSince`` (inclusive, local midnight) / ``publishedBefore`` (exclusive)."""
    if not filter_input:
        return records
    since, before = filter_input.get("publishedSince"), filter_input.get("publishedBefore")
    low = ctx.day_start(since) if since else None
    high = ctx.day_start(before) if before else None
    return [
        r for r in records
        if (value := getattr(r, attribute)) is not None
        and (low is None or value.timestamp() >= low.timestamp())
        and (high is None or value.timestamp() < high.timestamp())
    ]


def translations(text: Text | None, locales: list[str] | None = None) -> list[dict[str, Any]]:
    """Human texts, then machine translations for locales without one (Decidim's merge)."""
    if text is None:
        return []
    rows = [
        {"locale": loc, "text": value, "machineTranslated": False}
        for loc, value in text.values.items()
    ]
    rows += [
        {"locale": loc, "text": value, "machineTranslated": True}
        for loc, value in text.machine.items() if loc not in text.values
    ]
    return [r for r in rows if not locales or r["locale"] in locales]


def translation(text: Text, locale: str) -> str | None:
    return text.values.get(locale) or text.machine.get(locale)


def empty_text() -> Text:
    return Text({})

