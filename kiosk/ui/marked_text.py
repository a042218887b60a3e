"""A step's text with its glossary words marked (kiosk.flows.glossary): each one drawn in
the buttons' text colour with a dotted underline and a small "?" badge after it, and
covered by a :class:`WordButton`, an element of its own that a finger, the keys and the
audio-only mode reach like any button ("Mot expliqué : étiquette, bouton, 1 sur 2").

The text is laid out once in a QTextDocument that this label both paints and measures
the words with, so that the marks and the buttons sit exactly on the words, in either
direction and at any text size. The buttons are items of a layout of the label's own
(:class:`WordLayout`), so that the keys, which walk layouts in reading order
(kiosk.customer.spoken), reach them after the text and before the choices; that layout
leaves the label's size to the label. A word's button is at least ``MIN_TOUCH_PX`` high
(the label gains the room above its first line and below its last one for it), and
wider than the word on a short one. A text without a glossary word is a plain ``Text``.

Shared by the kiosk's step screen and the editor's preview (no app of its own).
"""

from __future__ import annotations

import html
import math
from typing import Any

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QRegion,
    QTextDocument,
    QTextOption,
)
from PySide6.QtWidgets import QAbstractButton, QLabel, QLayout, QLayoutItem, QWidget, QWidgetItem

from kiosk.ui.theme import FOCUS_BANDS, FOCUS_RING_PX, MIN_TOUCH_PX, palette
from kiosk.ui.widgets import Text, unbroken

BADGE = "?"
BADGE_SCALE = 0.62  # the "?" in the badge, in the text's size
BADGE_GAP = "\u00a0"  # between a word and its badge: never a line break
AFTER_GAP = "\u2009"  # after the badge: its disc is wider than its "?"


class WordButton(QAbstractButton):
    """A marked word: pressed (a touch, Enter in keypad mode, a double tap in audio-only
    mode) it asks for its explanation. It paints nothing but the focus ring: the label
    under it draws the word."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # keys reach it; a touch gives no focus
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.term: Any = None  # its kiosk.flows.glossary.Term
        self.word = ""  # the words as the text writes them
        self.boxes: list[QRectF] = []  # the word and its badge, line by line (own coords)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(0, 0)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        if not self.hasFocus() or self.window().property("focusRing") is False:
            return
        colours = palette(str(self.window().property("kioskTheme") or "default"))
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        band = FOCUS_RING_PX / len(FOCUS_BANDS)
        for box in self.boxes:
            for i, key in enumerate(FOCUS_BANDS):
                pen = QPen(QColor(colours[key]))
                pen.setWidthF(band)
                painter.setPen(pen)
                inset = band * i + band / 2 - FOCUS_RING_PX
                painter.drawRoundedRect(box.adjusted(inset, inset, -inset, -inset), 10, 10)
        painter.end()


class WordLayout(QLayout):
    """The label's word buttons as layout items (the keys' reading order): placed on
    their words, never sizing the label (its height is the text's)."""

    def __init__(self, label: MarkedText) -> None:
        super().__init__(label)
        self.label = label
        self.items: list[QLayoutItem] = []
        self.setContentsMargins(0, 0, 0, 0)
        self.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt API
        self.items.append(item)

    def count(self) -> int:
        return len(self.items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt API
        return self.items[index] if 0 <= index < len(self.items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt API
        return self.items.pop(index) if 0 <= index < len(self.items) else None

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return self.label.sizeHint()

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(0, 0)

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt API
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt API
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt API
        """The label's own height for a width (a parent layout asks the label's layout,
        without the label's margins: see QLayout::totalHeightForWidth)."""
        m = self.label.contentsMargins()
        return self.label.heightForWidth(width + m.left() + m.right()) - m.top() - m.bottom()

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt API
        super().setGeometry(rect)
        self.label.place_words()


class MarkedText(Text):
    """Text with its glossary words marked and pressable (see the module)."""

    wordActivated = Signal(object, object)  # the Term, and its WordButton

    def __init__(self, role: str = "stepText") -> None:
        super().__init__("")
        # a QLabel never given a text asks its layout for its height (this one's asks the
        # label: no end): a text, then none, makes it a text label for good
        QLabel.setText(self, " ")
        QLabel.setText(self, "")
        self.setProperty("role", role)
        self.setWordWrap(True)
        self.words = WordLayout(self)
        self.buttons: list[WordButton] = []  # those shown first; the rest are kept hidden
        self._pool: list[WordButton] = []
        self._wanted: tuple[str, str, str] = ("", "", "")  # text, language, theme
        self._built: tuple[object, ...] | None = None
        self._marks: list[tuple[int, int, int, Any, str]] = []  # doc start, end, badge, term, word
        self._doc: QTextDocument | None = None  # the text's document, when it has marks
        self._document: QTextDocument | None = None
        self._doc_width = -1.0
        # per width: the document's height and each mark's boxes (word, badge), measured once
        self._laid_out: dict[int, tuple[int, list[tuple[list[QRectF], list[QRectF]]]]] = {}
        self._heights: dict[int, int] = {}  # heightForWidth, asked a few dozen times a tap
        self._pad = 0

    # -- content ---------------------------------------------------------------------
    def show_text(self, text: str, language: str, theme: str = "default") -> None:
        """Show ``text`` in ``language`` with its glossary words marked in ``theme``'s
        colours (the same again changes nothing)."""
        self._wanted = (text, language, theme)
        self.ensurePolished()  # the style sheet's font: the badge's size follows it
        self._build()

    def marked(self) -> list[tuple[str, str]]:
        """(term id, words) of each marked word, in the text's order."""
        return [(term.id, word) for _s, _e, _b, term, word in self._marks]

    def _build(self) -> None:
        text, language, theme = self._wanted
        key = (text, language, theme, self.font().pixelSize(), self.font().pointSizeF())
        if key == self._built:
            return
        self._built = key
        from kiosk.flows.glossary import glossary

        matches = glossary(language).find(text) if text else []
        self._doc = None
        self._laid_out = {}
        self._heights = {}
        if not matches:
            self._marks = []
            self._set_pad(0)
            self._plain = ""  # (Text.setText keeps a text equal to the last one as is)
            Text.setText(self, text)
            self._use_buttons(0)
            return
        colours = palette(theme)
        shown = unbroken(text)
        parts, marks, at, offset = [], [], 0, 0
        badge_px = max(12, round(self._font_px() * BADGE_SCALE))
        for m in matches:
            parts.append(html.escape(shown[at:m.start]))
            word = shown[m.start:m.end]
            parts.append(f'<span style="color:{colours["button_text"]}">{html.escape(word)}</span>')
            parts.append(f'{BADGE_GAP}<span style="color:{colours["primary_text"]};'
                         f' font-weight:bold; font-size:{badge_px}px">{BADGE}</span>{AFTER_GAP}')
            start = m.start + offset
            marks.append((start, start + len(word), start + len(word) + 1, m.term, text[m.start:m.end]))
            offset += 3
            at = m.end
        parts.append(html.escape(shown[at:]))
        direction = ' dir="rtl"' if self._rtl(text) else ""
        self._marks = marks
        self._plain = text
        if self._document is None:  # one document, filled again for each text: a new
            self._document = QTextDocument(self)  # one each time stays with its parent
        doc = self._doc = self._document
        doc.setDocumentMargin(0)
        doc.setDefaultFont(self.font())
        option = QTextOption(doc.defaultTextOption())
        option.setAlignment(self.alignment() & Qt.AlignmentFlag.AlignHorizontal_Mask)
        option.setWrapMode(QTextOption.WrapMode.WordWrap)
        doc.setDefaultTextOption(option)
        doc.setHtml(f'<div{direction} style="white-space:pre-wrap">{"".join(parts)}</div>')
        self._set_pad(self._touch_pad())
        # the label's own text: never drawn (this label paints the document), the same
        # words for what reads it (its minimum size); plain text costs no rich layout
        self.setTextFormat(Qt.TextFormat.PlainText)
        QLabel.setText(self, doc.toPlainText())
        self._use_buttons(len(marks), language)
        self.updateGeometry()

    @staticmethod
    def _rtl(text: str) -> bool:
        from kiosk.ui.widgets import is_rtl

        return is_rtl(text)

    def _font_px(self) -> int:
        font = self.font()
        return font.pixelSize() if font.pixelSize() > 0 else round(font.pointSizeF() * 96 / 72)

    def _touch_pad(self) -> int:
        """Room above the first line and below the last for a word's touch target."""
        line = self.fontMetrics().lineSpacing()
        return max(0, math.ceil((MIN_TOUCH_PX - line) / 2))

    def _set_pad(self, pad: int) -> None:
        if pad != self._pad:
            self._pad = pad
            self._heights = {}
            self.setContentsMargins(0, pad, 0, pad)

    def _use_buttons(self, n: int, language: str = "fr") -> None:
        """``n`` word buttons shown, in the layout, each given its term; the rest hidden."""
        from kiosk.i18n import catalog

        while len(self._pool) < n:
            b = WordButton(self)
            b.clicked.connect(lambda _=False, b=b: self._pressed(b))
            self._pool.append(b)
        strings = catalog(language)
        self.buttons = self._pool[:n]
        if [item.widget() for item in self.words.items] != self.buttons:
            for b in self._pool:
                self.words.removeWidget(b)
            for b in self.buttons:
                self.words.addItem(QWidgetItem(b))
        for b, (_s, _e, _b, term, word) in zip(self.buttons, self._marks, strict=True):
            b.term, b.word = term, word
            b.setAccessibleName(strings.t("glossary.word", word=word))
            if b.isHidden():
                b.show()
        for b in self._pool[n:]:
            if not b.isHidden():
                b.hide()
            b.term = None
        self.words.invalidate()

    def _pressed(self, button: WordButton) -> None:
        if button.term is not None:
            self.wordActivated.emit(button.term, button)

    # -- layout and painting ---------------------------------------------------------
    def _measure(self, width: int) -> tuple[int, list[tuple[list[QRectF], list[QRectF]]]]:
        """The document's height at ``width`` and each mark's boxes (its words, its
        badge), line by line, in the document's coordinates: measured once a width."""
        found = self._laid_out.get(width)
        if found is None:
            doc = self._at(width)
            assert doc is not None
            boxes = [(self._boxes(doc, start, end), self._boxes(doc, badge, badge + 1))
                     for start, end, badge, _t, _w in self._marks]
            found = self._laid_out[width] = (math.ceil(doc.size().height()), boxes)
        return found

    def _at(self, width: int) -> QTextDocument | None:
        """The document laid out at ``width`` (laid out again only when it changes)."""
        doc = self._doc
        if doc is not None and width != self._doc_width:
            doc.setTextWidth(max(1, width))
            doc.size()  # laid out now
            self._doc_width = width
        return doc

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt API
        if self._doc is None:
            return super().heightForWidth(width)
        height = self._heights.get(width)
        if height is None:
            m = self.contentsMargins()
            height = self._heights[width] = (
                self._measure(max(1, width - m.left() - m.right()))[0] + m.top() + m.bottom())
        return height

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        hint = super().sizeHint()
        return hint if self._doc is None else QSize(hint.width(), self.heightForWidth(hint.width()))

    def _origin(self, height: int) -> QPointF:
        """Where the document's top left is in the label (vertically centred when the
        label is taller than its text, as a QLabel draws it)."""
        rect = self.contentsRect()
        top = float(rect.top())
        if self.alignment() & Qt.AlignmentFlag.AlignVCenter:
            top += max(0.0, (rect.height() - height) / 2)
        elif self.alignment() & Qt.AlignmentFlag.AlignBottom:
            top += max(0.0, rect.height() - height)
        return QPointF(rect.left(), top)

    def _boxes(self, doc: QTextDocument, start: int, end: int) -> list[QRectF]:
        """The rectangles (one a line) of the document's characters ``start``..``end``."""
        out = []
        pos = start
        while pos < end:
            block = doc.findBlock(pos)
            layout = block.layout()
            rel = pos - block.position()
            line = layout.lineForTextPosition(rel)
            if not line.isValid():
                break
            stop = min(end - block.position(), line.textStart() + line.textLength())
            x1, _ = line.cursorToX(rel)
            x2, _ = line.cursorToX(stop)
            corner = layout.position()
            out.append(QRectF(min(x1, x2) + corner.x(), line.y() + corner.y(),
                              abs(x2 - x1), line.height()))
            if stop <= rel:
                break
            pos = block.position() + stop
        return out

    def place_words(self) -> None:
        """Put each word button on its word (the layout calls it on every resize)."""
        if self._doc is None:
            return
        height, marks = self._measure(max(1, self.contentsRect().width()))
        origin = self._origin(height)
        bounds = QRectF(self.rect())
        for b, (words, badge) in zip(self.buttons, marks, strict=False):
            reach = self._font_px() * 0.2  # the badge's disc is wider than its "?"
            discs = [r.adjusted(-reach, 0, reach, 0) for r in badge]
            boxes = [r.translated(origin) for r in _joined(words, discs)]
            if not boxes:
                b.setGeometry(QRect())
                continue
            targets = [_target(r, bounds) for r in boxes]
            whole = targets[0]
            for r in targets[1:]:
                whole = whole.united(r)
            area = whole.toAlignedRect()
            if b.geometry() != area:
                b.setGeometry(area)
            b.boxes = [r.translated(-area.x(), -area.y()) for r in boxes]
            if len(targets) > 1:  # a word across two lines: only its pieces take touches
                region = QRegion()
                for r in targets:
                    region = region.united(QRegion(r.translated(-area.x(), -area.y()).toAlignedRect()))
                b.setMask(region)
            elif not b.mask().isEmpty():
                b.clearMask()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and self._wanted[0]:
            self._build()  # the badge's size, the touch room: from the new font
            self.place_words()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        if self._doc is None:
            super().paintEvent(event)
            return
        width = max(1, self.contentsRect().width())
        height, marks = self._measure(width)
        doc = self._at(width)
        assert doc is not None
        colours = palette(self._wanted[2])
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.translate(self._origin(height))
        px = self._font_px()
        dots = QPen(QColor(colours["button_text"]))
        dots.setWidthF(max(2.0, px / 14))
        dots.setStyle(Qt.PenStyle.DotLine)
        dots.setCapStyle(Qt.PenCapStyle.RoundCap)
        for words, badge in marks:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(colours["primary"]))
            for box in badge:  # the badge's disc, under its "?"
                side = min(box.height() * 0.62, px * 0.8)
                painter.drawEllipse(box.center() + QPointF(0, box.height() * 0.06),
                                    side / 2, side / 2)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(dots)
            for box in words:  # the dotted underline
                y = box.top() + box.height() * 0.9
                painter.drawLine(QPointF(box.left(), y), QPointF(box.right(), y))
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text, self.palette().color(self.foregroundRole()))
        doc.documentLayout().draw(painter, context)
        painter.end()


def _joined(words: list[QRectF], badge: list[QRectF]) -> list[QRectF]:
    """A mark's boxes, line by line: its words, its badge joined to the last of them."""
    out = list(words)
    for box in badge:
        if out and abs(out[-1].top() - box.top()) < 1:
            out[-1] = out[-1].united(box)
        else:
            out.append(box)
    return out


def _target(box: QRectF, bounds: QRectF) -> QRectF:
    """A word's rectangle grown to a touch target (``MIN_TOUCH_PX`` each way, around its
    centre), kept within the label's width."""
    grow_x = max(8.0, (MIN_TOUCH_PX - box.width()) / 2)
    grow_y = max(0.0, (MIN_TOUCH_PX - box.height()) / 2)
    r = box.adjusted(-grow_x, -grow_y, grow_x, grow_y)
    return QRectF(max(bounds.left(), r.left()), r.top(),
                  min(bounds.right(), r.right()) - max(bounds.left(), r.left()), r.height())

