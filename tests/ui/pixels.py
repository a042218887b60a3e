"""Pixels of rendered widgets and icons, measured the way a customer sees them: which
colours an image has, and whether an icon's edge stands out from a background."""

from __future__ import annotations

from collections import Counter
from functools import cache

from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap

from kiosk.ui.colors import contrast


def _argb(image: QImage) -> tuple[list[int], int, int]:
    """Each pixel's 0xAARRGGBB (not premultiplied), row by row; width; height."""
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    # 32-bit rows need no padding: bytesPerLine == 4 * width
    return list(memoryview(image.constBits()).cast("I")), image.width(), image.height()


def hex_of(argb: int) -> str:
    return f"#{argb & 0xFFFFFF:06X}"


@cache
def stands_out(argb: int, background: str, ratio: float = 3.0) -> bool:
    """Whether the colour ``argb`` contrasts at least ``ratio`` with ``background``."""
    return contrast(hex_of(argb), background) >= ratio


def colours(image: QImage, rect: QRect | None = None) -> Counter[str]:
    """How many pixels of each colour ``image`` has (within ``rect``), alpha ignored."""
    pixels, _w, _h = _argb(image.copy(rect) if rect is not None else image)
    return Counter(hex_of(p) for p in pixels)


def composite(pixmap: QPixmap, background: str) -> QImage:
    """``pixmap`` drawn on a plain ``background``."""
    image = QImage(pixmap.size(), QImage.Format.Format_RGB32)
    image.fill(QColor(background))
    painter = QPainter(image)
    painter.drawPixmap(0, 0, pixmap)
    painter.end()
    return image


def outer_edge(shape: QImage) -> list[tuple[int, int]]:
    """The points of a shape's edge: its opaque pixels beside a transparent one (or the
    image's border)."""
    pixels, width, height = _argb(shape)
    opaque = [p >> 24 > 127 for p in pixels]

    def inside(x: int, y: int) -> bool:
        return 0 <= x < width and 0 <= y < height and opaque[y * width + x]

    return [(x, y) for y in range(height) for x in range(width) if opaque[y * width + x]
            and not all(inside(x + dx, y + dy) for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)))]


def edge_misses(drawn: QImage, edge: list[tuple[int, int]], background: str,
                reach: int) -> list[tuple[int, int]]:
    """The points of ``edge`` (``outer_edge``) with no colour standing out at least 3:1
    from ``background`` within ``reach`` pixels of them in ``drawn``: where a customer
    would not see where the shape ends."""
    pixels, width, height = _argb(drawn)
    offsets = sorted(((dx, dy) for dy in range(-reach, reach + 1)
                      for dx in range(-reach, reach + 1) if dx * dx + dy * dy <= reach * reach),
                     key=lambda d: d[0] * d[0] + d[1] * d[1])

    def seen(x: int, y: int) -> bool:
        return 0 <= x < width and 0 <= y < height and \
            stands_out(pixels[y * width + x] | 0xFF000000, background)

    return [(x, y) for x, y in edge if not any(seen(x + dx, y + dy) for dx, dy in offsets)]
