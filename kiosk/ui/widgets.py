"""Big touch widgets: buttons whose text wraps, SVG pictures that scale, icon pixmaps, and
the pictures of the next screens rendered ahead (the pictures themselves are drawn by
:mod:`kiosk.ui.pictures`)."""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import Property, QObject, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui.faces import paint_face, theme_of
from kiosk.ui.pictures import fitted_pixmap, svg_pixmap
from kiosk.ui.pictures import renderer as renderer  # (re-exported)
from kiosk.ui.theme import (
    BUTTONS,
    FOCUS_BANDS,
    FOCUS_RING_PX,
    FONT_FAMILY,
    TEXT_STYLES,
    palette,
    px,
)


def clear(layout: QLayout) -> None:
    """Remove and delete every item of a layout, nested layouts included.

    ``takeAt`` gives the caller the item to delete: a widget's QWidgetItem, a spacer, a
    nested layout. Left to Python they are never freed (~100 bytes each), and a kiosk
    that draws tens of thousands of screens grew without end."""
    import shiboken6

    while layout.count():
        item = layout.takeAt(0)
        widget, child = item.widget(), item.layout()
        if child is not None:  # a layout is its own item
            clear(child)
            child.deleteLater()
            continue
        if widget is not None:
            widget.hide()
            widget.deleteLater()
        shiboken6.delete(item)


@lru_cache(maxsize=64)
def _metrics(role: str, scale: float) -> QFontMetrics:
    font = QFont(FONT_FAMILY)
    font.setPixelSize(px(role, scale))
    font.setBold(TEXT_STYLES[role].bold)
    return QFontMetrics(font)


@lru_cache(maxsize=4096)  # the bars measure the same few texts at every tap
def _advance(text: str, role: str, scale: float) -> int:
    return _metrics(role, scale).horizontalAdvance(text)


def text_width(texts: list[str], role: str, scale: float) -> int:
    """Pixels the widest of ``texts`` takes on one line in a theme text role."""
    return max((_advance(t, role, scale) for t in texts), default=0)



def is_rtl(text: str) -> bool:
    """True when ``text`` has right-to-left letters (an Arabic sentence may well start
    with a Latin name: "Aicha في الطريق لمساعدتك")."""
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)


NON_BREAKING_HYPHEN = "\u2011"  # DejaVu Sans has it; it looks like "-"
_HYPHEN_IN_WORD = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")


_SPACE_BEFORE_MARK = re.compile(r" (?=[?!:;»])|(?<=«) ")  # French typography


def unbroken(text: str) -> str:
    """``text`` as shown: a hyphen between two letters never ends a line ("a-t-elle",
    "s'affiche-t-il", "Pouvez-vous" stay whole, as a button's width assumes: it is made
    for its longest word between spaces), nor does the space French puts before "?",
    "!", ":", ";" (a "?" alone on a line). Only what is shown: speech keeps the plain
    hyphen, which espeak-ng reads as one word (with U+2011 it says "a té elle")."""
    if "-" in text:
        text = _HYPHEN_IN_WORD.sub(NON_BREAKING_HYPHEN, text)
    return _SPACE_BEFORE_MARK.sub("\u00a0", text) if " " in text else text


def words(text: str) -> list[str]:
    """The pieces a line may break between, as :func:`unbroken` shows ``text``."""
    return [w for w in re.split(r"[ \t\n]+", unbroken(text)) if w] or [""]


class Text(QLabel):
    """A label for text in any language.

    Right-to-left text goes through Qt's rich-text layout with ``dir="rtl"``: the
    plain-text layout keeps a trailing space on the wrong side of a wrapped Arabic line
    and pushes its last word out of the label.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._plain = ""
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt API
        if text == self._plain and text:
            return  # (a screen drawn again sets most texts to what they were)
        self._plain = text
        shown = unbroken(text)
        if is_rtl(text):
            self.setTextFormat(Qt.TextFormat.RichText)
            super().setText(f'<div dir="rtl">{html.escape(shown)}</div>')
        else:
            self.setTextFormat(Qt.TextFormat.PlainText)
            super().setText(shown)

    def text(self) -> str:
        return self._plain


class OneLine(QLabel):
    """A label kept on one line: cut with "…" when it does not fit, its whole text still
    its accessible name (what the kiosk says when it is read aloud). For a bar's title,
    which must never take a second line nor widen the window."""

    elides = True  # (the screen audit accepts its "…": kiosk.customer.audit)

    def __init__(self, role: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", role)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt API
        self._full = text
        self.setAccessibleName(text)
        self._fit()

    def text(self) -> str:
        return self._full

    def is_cut(self) -> bool:
        return super().text() != self._full

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        margins = self.contentsMargins()
        return QSize(self.fontMetrics().horizontalAdvance(self._full) + 2,
                     self.fontMetrics().height() + margins.top() + margins.bottom())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(0, self.sizeHint().height())

    def resizeEvent(self, event: object) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._fit()

    def changeEvent(self, event: object) -> None:  # noqa: N802 - Qt API
        super().changeEvent(event)  # type: ignore[arg-type]
        if event.type() == event.Type.FontChange:  # type: ignore[attr-defined]
            self._fit()

    def _fit(self) -> None:
        room = max(0, self.contentsRect().width())
        super().setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight,
                                                      room))


def label(text: str, role: str, wrap: bool = True) -> Text:
    """A text label with a theme role; wrapping labels grow in height, never clip."""
    lab = Text(text)
    lab.setProperty("role", role)
    lab.setWordWrap(wrap)
    return lab


class Picture(QFrame):
    """An SVG picture on a card, scaled to fit with its aspect ratio kept; the theme's
    stylesheet sets the card's colour and how opaque the picture is drawn on it
    (``pictureOpacity``: dimmed in high contrast)."""

    MARGINS = (16, 16, -16, -16)  # the picture inside its card

    def __init__(self, kind: str = "pictures", name: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "picture")
        self.kind = kind
        self.name: str | None = None
        self._opacity = 1.0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 120)
        self.set_picture(name)

    def set_picture(self, name: str | None) -> None:
        self.name = name
        self.setAccessibleName(Path(name).stem.replace("-", " ") if name else "")
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(520, 390)

    def _get_opacity(self) -> float:
        return self._opacity

    def _set_opacity(self, opacity: float) -> None:
        self._opacity = opacity
        self.update()

    pictureOpacity = Property(float, _get_opacity, _set_opacity)  # noqa: N815 - Qt property

    def paintEvent(self, event: object) -> None:  # noqa: N802 - Qt API
        super().paintEvent(event)  # type: ignore[arg-type]
        if not self.name:
            return
        area = self.contentsRect().adjusted(*self.MARGINS)
        pm = fitted_pixmap(self.kind, self.name, area.width(), area.height())
        painter = QPainter(self)
        painter.setOpacity(self._opacity)
        painter.drawPixmap(area.x() + (area.width() - pm.width()) // 2,
                           area.y() + (area.height() - pm.height()) // 2, pm)
        painter.end()


class PicturesAhead(QObject):
    """Renders the pictures a customer may see next into ``fitted_pixmap``'s cache, so
    that the next screen paints from it: one picture (~2-3 ms) per turn of the event loop,
    once the current screen is painted (``painted``), so that a tap waits at most for one.
    ``want`` replaces the list (a new screen, new wishes)."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.todo: list[tuple[str, str, int, int]] = []
        self.timer = QTimer(self)
        self.timer.setInterval(0)
        self.timer.timeout.connect(self._one)

    def want(self, picture: Picture, names: list[str]) -> None:
        """Pictures ``names`` as ``picture`` would paint them, at its current size."""
        self.timer.stop()
        area = picture.contentsRect().adjusted(*Picture.MARGINS)
        self.todo = [(picture.kind, name, area.width(), area.height()) for name in names
                     if area.width() > 0 and area.height() > 0]

    def add(self, picture: Picture, names: list[str]) -> None:
        """More pictures, after those wanted already."""
        todo = self.todo
        self.want(picture, names)
        self.todo = todo + self.todo

    def painted(self) -> None:
        if self.todo and not self.timer.isActive():
            self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self.todo = []

    def _one(self) -> None:
        while self.todo:
            before = fitted_pixmap.cache_info().misses
            fitted_pixmap(*self.todo.pop(0))
            if fitted_pixmap.cache_info().misses != before:
                return  # one rendered: the rest on the next turns
        self.timer.stop()


def paint_focus_ring(widget: QWidget, theme: str, radius: float = 18.0) -> None:
    """The focus ring along the inside of ``widget``'s edge: ``FOCUS_RING_PX`` wide, its
    outer and inner bands in the theme's contrasting focus colours (``FOCUS_BANDS``)."""
    colours = palette(theme)
    band = FOCUS_RING_PX / len(FOCUS_BANDS)
    painter = QPainter(widget)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for i, key in enumerate(FOCUS_BANDS):
        pen = QPen(QColor(colours[key]))
        pen.setWidthF(band)
        painter.setPen(pen)
        inset = band * i + band / 2
        painter.drawRoundedRect(QRectF(widget.rect()).adjusted(inset, inset, -inset, -inset),
                                max(0.0, radius - inset), max(0.0, radius - inset))
    painter.end()


class BigButton(QPushButton):
    """A large touch button: optional icon, and text that wraps instead of being cut.

    ``role`` selects its look in the theme (choice, tile, primary, help, tool).
    ``vertical`` puts the icon above the text.
    """

    def __init__(self, text: str, role: str, icon_name: str | None = None, icon_px: int = 72,
                 vertical: bool = False, kind: str = "icons", mirrored: bool = False,
                 margin: int = 18, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", role)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        # keys reach it (Tab, or the kiosk's keypad mode); a touch never gives it the focus
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        box = QVBoxLayout(self) if vertical else QHBoxLayout(self)
        box.setContentsMargins(margin, 12, margin, 12)
        box.setSpacing(16)
        self.icon_label: QLabel | None = None
        if icon_name:
            self.icon_label = QLabel()
            self.icon_label.setPixmap(svg_pixmap(kind, icon_name, icon_px, mirrored))
            self.icon_label.setFixedSize(icon_px, icon_px if kind == "icons" else icon_px * 2 // 3)
            self.icon_label.setScaledContents(kind != "icons")
            self.icon_label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            box.addWidget(self.icon_label, 0, Qt.AlignmentFlag.AlignCenter)
        self.text_label = Text(text)
        self.text_label.setWordWrap(True)
        self.text_label.setAlignment(Qt.AlignmentFlag.AlignCenter if vertical else
                                     Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeading)
        self.text_label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        box.addWidget(self.text_label, 1)
        self.setAccessibleName(text)
        self.role, self.vertical, self.margin = role, vertical, margin
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def set_text(self, text: str) -> None:
        self.text_label.setText(text)
        self.setAccessibleName(text)

    def set_icon(self, pixmap: QPixmap) -> None:
        """Show ``pixmap`` as the icon (from ``svg_pixmap``'s cache: the same one again
        changes nothing, and costs no layout pass)."""
        if self.icon_label is not None and self.icon_label.pixmap().cacheKey() != pixmap.cacheKey():
            self.icon_label.setPixmap(pixmap)

    def set_shape(self, vertical: bool, with_text: bool = True) -> None:
        """Icon above the text or beside it; or the icon alone (the text stays the
        button's accessible name: it is still said)."""
        box = self.layout()
        assert isinstance(box, QBoxLayout)
        box.setDirection(QBoxLayout.Direction.TopToBottom if vertical
                         else QBoxLayout.Direction.LeftToRight)
        self.vertical = vertical
        self.text_label.setAlignment(Qt.AlignmentFlag.AlignCenter if vertical else
                                     Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeading)
        self.text_label.setVisible(with_text)

    def label_text(self) -> str:
        return self.text_label.text()

    def fit_width(self, scale: float, one_line: bool = False) -> int:
        """Set, and return, the least width that shows the longest word whole (or, with
        ``one_line``, the whole text on one line; the icon alone when the text is hidden)."""
        width = self.width_for(scale, one_line)
        self.setMinimumWidth(width)
        return width

    def width_for(self, scale: float, one_line: bool = False,
                  vertical: bool | None = None, lines: int = 0) -> int:
        """The least width :meth:`fit_width` would set, in either shape, without setting it
        (``lines=2``: the least that keeps the text on two lines)."""
        vertical = self.vertical if vertical is None else vertical
        text_role = BUTTONS[self.role][2]
        text = self.label_text()
        word = 0
        if not self.text_label.isHidden():
            word = text_width([text] if one_line else words(text), text_role, scale)
            if lines == 2:  # the narrowest split of the words into two lines
                parts = words(text)
                word = min((max(text_width([" ".join(parts[:i])], text_role, scale),
                                text_width([" ".join(parts[i:])], text_role, scale))
                            for i in range(1, len(parts))), default=word)
        icon_w = self.icon_label.width() if self.icon_label is not None else 0
        side_by_side = not vertical and word and icon_w
        inner = word + icon_w + 16 if side_by_side else max(word, icon_w)
        return max(90, inner + 2 * self.margin + 10)

    def height_for(self, scale: float, lines: int = 1, vertical: bool | None = None) -> int:
        """The height this button takes with its text on ``lines`` lines."""
        vertical = self.vertical if vertical is None else vertical
        text_role = BUTTONS[self.role][2]
        line = round(px(text_role, scale) * 1.17) * lines if not self.text_label.isHidden() else 0
        icon_h = self.icon_label.height() if self.icon_label is not None else 0
        inner = icon_h + 16 + line if vertical and line and icon_h else max(icon_h, line)
        return max(90, inner + 24 + 8)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        paint_face(self, self.role, self.isDown())  # (the children draw the icon and text)
        if not self.hasFocus():
            return
        # the customer kiosk draws the ring in keypad mode only (its window says so)
        if self.window().property("focusRing") is not False:
            paint_focus_ring(self, theme_of(self))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        hint = self.layout().totalSizeHint()
        return hint.expandedTo(QSize(90, 90))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return self.layout().totalMinimumSize().expandedTo(QSize(90, 90))

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt API
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt API
        return max(90, self.layout().totalHeightForWidth(width))
