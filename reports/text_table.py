"""Plain-text tables and sparklines for the terminal report (pure)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from reports.escape import plain_text

_BLOCKS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[int]) -> str:
    """``▁▃█``: one block per value, scaled to the largest."""
    top = max(values, default=0)
    if top <= 0:
        return _BLOCKS[0] * len(values)
    return "".join(_BLOCKS[round((len(_BLOCKS) - 1) * max(v, 0) / top)] for v in values)


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def text_table(
    headers: Sequence[object], rows: Sequence[Sequence[object]], right: Sequence[int] = ()
) -> str:
    """Columns padded to their widest cell; columns whose index is in ``right`` align right."""
    cells = [[plain_text(c) for c in row] for row in [headers, *rows]]
    widths = [max(width(row[n]) for row in cells) for n in range(len(headers))]
    lines = []
    for number, row in enumerate(cells):
        padded = [_pad(cell, widths[n], n in right) for n, cell in enumerate(row)]
        lines.append("  ".join(padded).rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _pad(cell: str, size: int, right: bool) -> str:
    fill = " " * (size - width(cell))
    return fill + cell if right else cell + fill
