"""A tiny bar-chart PNG writer (zlib + struct, no dependency).

The same bytes become a ``data:`` URI in the standalone HTML page and a ``cid:`` attachment in
e-mail. The image has no text: the template always gives it alt text and a data table.
"""

from __future__ import annotations

import base64
import struct
import zlib
from collections.abc import Sequence

RGB = tuple[int, int, int]
BACKGROUND: RGB = (255, 255, 255)
BAR: RGB = (157, 187, 214)
CURRENT: RGB = (20, 84, 140)
AXIS: RGB = (120, 120, 120)


def bar_chart_png(
    values: Sequence[int],
    *,
    width: int = 600,
    height: int = 180,
    highlight_last: bool = True,
) -> bytes:
    """Bars for ``values`` (left to right), the last one highlighted; a PNG file's bytes."""
    pixels = [bytearray(bytes(BACKGROUND) * width) for _ in range(height)]
    base = height - 6
    top = max(max(values, default=0), 1)
    slot = width / max(len(values), 1)
    gap = max(int(slot * 0.2), 2)
    for n, value in enumerate(values):
        bar_height = round((base - 8) * max(value, 0) / top)
        color = CURRENT if highlight_last and n == len(values) - 1 else BAR
        left, right = int(n * slot) + gap // 2, int((n + 1) * slot) - gap // 2
        _fill(pixels, left, base - max(bar_height, 1 if value else 0), right, base, color)
    _fill(pixels, 0, base, width, base + 2, AXIS)
    return encode_png(pixels, width, height)


def _fill(pixels: list[bytearray], x0: int, y0: int, x1: int, y1: int, color: RGB) -> None:
    row = bytes(color) * max(x1 - x0, 0)
    for y in range(max(y0, 0), min(y1, len(pixels))):
        pixels[y][x0 * 3 : x0 * 3 + len(row)] = row


def encode_png(rows: Sequence[bytes | bytearray], width: int, height: int) -> bytes:
    """8-bit RGB PNG from ``height`` rows of ``width * 3`` bytes."""
    raw = b"".join(b"\x00" + bytes(row) for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, 9))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) of a PNG, read from its IHDR chunk."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def data_uri(name: str, data: bytes) -> str:
    """Default ``image_src``: embed the PNG in the page."""
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")
