"""The ring round every icon: each icon and flag, rendered as the kiosk renders it, shows
where it ends on every background a button has in either theme, in any state."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter, QPixmap

from kiosk import paths
from kiosk.ui.colors import contrast
from kiosk.ui.icon_ring import ring_width, with_ring
from kiosk.ui.theme import BUTTON_LOOKS, ICON_RING, THEMES, palette
from kiosk.ui.widgets import renderer, svg_pixmap
from tests.ui.pixels import composite, edge_misses, outer_edge

ICON_PX = 52  # the smallest of the kiosk's buttons' icons, where the ring is thinnest
BACKGROUNDS = sorted({palette(theme)[look.bg] for theme in THEMES
                      for looks in BUTTON_LOOKS.values() for look in looks.values()})
ASSETS = [(kind, path.name) for kind in ("icons", "flags")
          for path in sorted(paths.asset(kind, "").glob("*.svg"))]


def _misses(pixmap: QPixmap, reach: int) -> dict[str, int]:
    edge = outer_edge(pixmap.toImage())
    found = {bg: len(edge_misses(composite(pixmap, bg), edge, bg, reach)) for bg in BACKGROUNDS}
    return {bg: n for bg, n in found.items() if n}


@pytest.mark.parametrize("background", BACKGROUNDS)
def test_a_band_of_the_ring_stands_out_on_every_button_colour(background: str) -> None:
    best = max(contrast(band, background) for band in ICON_RING)
    assert best >= 3.0, f"{best:.2f}"


@pytest.mark.parametrize(("kind", "name"), ASSETS, ids=[name for _kind, name in ASSETS])
def test_every_icon_shows_its_edge_on_every_button_colour(qapp: Any, kind: str,
                                                          name: str) -> None:
    pixmap = svg_pixmap(kind, name, ICON_PX)
    assert _misses(pixmap, ring_width(ICON_PX) + 1) == {}


def test_without_the_ring_a_dark_disc_vanished_on_the_dark_bars(qapp: Any) -> None:
    """What the tester saw (a dark disc on the black bar, 2.09:1), as the measure sees it:
    the icon drawn without its ring loses its edge on the dark backgrounds."""
    bare = QPixmap(ICON_PX, ICON_PX)
    bare.fill(QColor(0, 0, 0, 0))
    painter = QPainter(bare)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer(str(paths.asset("icons", "back.svg"))).render(painter, QRectF(bare.rect()))
    painter.end()
    lost = _misses(bare, ring_width(ICON_PX) + 1)
    assert {"#000000", palette("default")["bar"]} <= set(lost)
    assert _misses(with_ring(bare, ring_width(ICON_PX)), ring_width(ICON_PX) + 1) == {}


def test_the_ring_is_a_dark_band_inside_a_light_one(qapp: Any) -> None:
    square = QPixmap(40, 40)
    square.fill(QColor(0, 0, 0, 0))
    painter = QPainter(square)
    painter.fillRect(10, 10, 20, 20, QColor("#C62828"))
    painter.end()
    ringed = with_ring(square, 4).toImage()
    row = [ringed.pixelColor(x, 20) for x in range(5, 11)]
    assert row[0].alpha() == 0
    assert [colour.name().upper() for colour in row[1:]] == [
        ICON_RING[1], ICON_RING[1], ICON_RING[0], ICON_RING[0], "#C62828"]


def test_icons_are_rendered_once(qapp: Any) -> None:
    """The ring is drawn when the pixmap is made, not at each paint: a tap finds it made."""
    first = svg_pixmap("icons", "home.svg", 64)
    assert svg_pixmap("icons", "home.svg", 64) is first
