"""The faces of the big buttons: a rounded card in the colours ``BUTTON_LOOKS`` gives each
role and state, painted by the button itself from a cache of ready pixmaps.

Qt's style sheets draw a rounded border as separate paths for every side and corner, at
every paint: two thirds of the home screen's paint went there. A face depends only on the
button's size, its look and its border, so buttons of one size (the home screen's tiles,
a step's choices) share one pixmap, drawn once. The cache is bounded by its bytes
(``CACHE_BYTES``), not by a count: a step's choices come in many heights, and 256 faces
of a 1366 px wide choice held 80 MB.
"""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QWidget

from kiosk.ui.theme import BUTTON_LOOKS, ButtonLook, palette

BORDER_PX = 4  # a button's border
SELECTED_BORDER_PX = 8  # the chosen one of a set (the language shown)
RADIUS_PX = 18  # of the border's outer edge
CACHE_BYTES = 3 * 1024 * 1024  # the faces kept: a home screen, its bars and a step (~2 MB)

_FaceKey = tuple[int, int, float, str, ButtonLook, int]


class FaceCache:
    """Faces by key (width, height, device pixel ratio, theme, look, border), drawn when
    missing; the least recently used go when they hold more than ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.bytes = 0
        self._faces: OrderedDict[_FaceKey, QPixmap] = OrderedDict()

    def get(self, key: _FaceKey) -> QPixmap:
        face = self._faces.get(key)
        if face is not None:
            self._faces.move_to_end(key)
            return face
        face = _face(*key)
        self._faces[key] = face
        self.bytes += _bytes(face)
        while self.bytes > self.limit and len(self._faces) > 1:
            _, old = self._faces.popitem(last=False)
            self.bytes -= _bytes(old)
        return face

    def __len__(self) -> int:
        return len(self._faces)


FACES = FaceCache(CACHE_BYTES)


def state_of(button: QWidget, pressed: bool) -> str:
    """The ``BUTTON_STATES`` entry a button is drawn in (a later one wins)."""
    if not button.isEnabled():
        return "disabled"
    if pressed:
        return "pressed"
    return "focused" if button.hasFocus() else "normal"


def theme_of(button: QWidget) -> str:
    """The theme of the window the button is in (its ``kioskTheme`` property; the
    staff's windows have none: the default theme)."""
    return str(button.window().property("kioskTheme") or "default")


def paint_face(button: QWidget, role: str, pressed: bool) -> None:
    """Paint ``button``'s face for its role, state, theme and size."""
    look = BUTTON_LOOKS[role][state_of(button, pressed)]
    border = SELECTED_BORDER_PX if button.property("selected") else BORDER_PX
    ratio = button.devicePixelRatioF()
    face = FACES.get((button.width(), button.height(), ratio, theme_of(button), look, border))
    painter = QPainter(button)
    painter.drawPixmap(0, 0, face)
    painter.end()


def _bytes(face: QPixmap) -> int:
    return face.width() * face.height() * 4


def _face(width: int, height: int, ratio: float, theme: str, look: ButtonLook,
          border: int) -> QPixmap:
    colours = palette(theme)
    face = QPixmap(round(width * ratio), round(height * ratio))
    face.setDevicePixelRatio(ratio)
    face.fill(Qt.GlobalColor.transparent)
    painter = QPainter(face)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(QColor(colours[look.border]))
    pen.setWidthF(border)
    if look.dashed:
        pen.setStyle(Qt.PenStyle.DashLine)
    painter.setPen(pen)
    painter.setBrush(QColor(colours[look.bg]))
    half = border / 2
    radius = max(0.0, RADIUS_PX - half)
    painter.drawRoundedRect(QRectF(half, half, width - border, height - border), radius, radius)
    painter.end()
    return face
