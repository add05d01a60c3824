"""The simulator's SDL for one Decidim release, cut from ``decidim.graphql``.

A line ending in ``#@ >=0.29`` exists only from release 0.29 on, ``#@ <=0.29`` only up to it;
on a type's opening line the marker applies to the whole type.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

RELEASES: tuple[str, ...] = ("0.27", "0.28", "0.29", "0.30")

#: ``decidim { version }`` as each emulated release reports it (0.30 hides it: null).
DECIDIM_VERSIONS: dict[str, str | None] = {
    "0.27": "0.27.9",
    "0.28": "0.28.4",
    "0.29": "0.29.2",
    "0.30": None,
}

_MARKER = re.compile(r"\s*#@\s*(>=|<=)\s*(\d+\.\d+)\s*$")


def release_key(release: str) -> tuple[int, int]:
    """``"0.29"`` → ``(0, 29)``; raises ``ValueError`` for a release the simulator lacks."""
    if release not in RELEASES:
        raise ValueError(f"unknown Decidim release {release!r}; choose one of {RELEASES}")
    major, minor = release.split(".")
    return int(major), int(minor)


def _line_applies(op: str, bound: str, release: tuple[int, int]) -> bool:
    limit = release_key(bound)
    return release >= limit if op == ">=" else release <= limit


def _filter_lines(text: str, release: tuple[int, int]) -> list[str]:
    kept: list[str] = []
    skipping_block = False
    for line in text.splitlines():
        if skipping_block:
            skipping_block = line.strip() != "}"
            continue
        marker = _MARKER.search(line)
        if marker is None:
            kept.append(line)
            continue
        applies = _line_applies(marker.group(1), marker.group(2), release)
        if applies:
            kept.append(line[: marker.start()])
        elif line.rstrip().endswith("{") or "{" in line[: marker.start()]:
            skipping_block = True
    return kept


@cache
def schema_sdl(release: str) -> str:
    """The SDL the simulator serves when emulating ``release`` (one of ``RELEASES``)."""
    key = release_key(release)
    text = resources.files(__package__).joinpath("decidim.graphql").read_text("utf-8")
    lines = [line for line in _filter_lines(text, key) if not line.lstrip().startswith("#")]
    return "\n".join(lines).strip() + "\n"
