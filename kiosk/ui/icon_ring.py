"""A two-band ring around an icon, so that it stands out from any background.

Most of the kiosk's icons are outlined in dark in their SVG files: on a white or yellow
button the outline marks their edge, but on a dark bar or a black high-contrast screen a
dark disc outlined in dark vanished (2.09:1), and a few icons (a flag, a yellow flash)
had no outline at all. ``ICON_RING`` around the whole silhouette, a dark band inside a
light one, marks the edge on any background: one of the two always stands out at least
3:1, whatever the theme or the button's state, with no pixmaps to render again when the
contrast changes. Drawn once per cached pixmap (well under a millisecond).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QPainter, QPixmap

from kiosk.ui.theme import ICON_RING, ICON_RING_PER_PX


def ring_width(size: int) -> int:
    """Pixels of ring around an icon drawn ``size`` pixels wide (both bands)."""
    return max(2, round(size * ICON_RING_PER_PX))


def _offsets(radius: int) -> list[QPoint]:
    """Whole-pixel shifts within a disc of ``radius``: a silhouette drawn at each is the
    silhouette grown by ``radius`` all around."""
    reach = (radius + 0.5) ** 2
    return [QPoint(dx, dy) for dy in range(-radius, radius + 1)
            for dx in range(-radius, radius + 1) if dx * dx + dy * dy <= reach]


def _silhouette(icon: QPixmap, colour: str) -> QPixmap:
    out = QPixmap(icon.size())
    out.fill(QColor(0, 0, 0, 0))
    painter = QPainter(out)
    painter.drawPixmap(0, 0, icon)
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
    painter.fillRect(out.rect(), QColor(colour))
    painter.end()
    return out


def with_ring(icon: QPixmap, width: int) -> QPixmap:
    """``icon`` inside a ring ``width`` pixels wide: its silhouette grown by ``width`` in
    the light colour, under its silhouette grown by half as much in the dark one. The
    icon should leave ``width`` pixels free along its edges."""
    out = QPixmap(icon.size())
    out.fill(QColor(0, 0, 0, 0))
    painter = QPainter(out)
    inner = width // 2
    for colour, radius in zip(reversed(ICON_RING), (width, inner), strict=True):
        band = _silhouette(icon, colour)
        for offset in _offsets(radius):
            painter.drawPixmap(offset, band)
    painter.drawPixmap(0, 0, icon)
    painter.end()
    return out
