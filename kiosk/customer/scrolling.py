"""A kiosk screen that scrolls by touch when its text is large (never cut, only scrolled),
with a big "▼ More below" / "▲ Back to the top" cue while it does, and a scroll bar wide
enough to see (the theme's ``SCROLLBAR_PX``). The screens (kiosk.customer.screens) are
built on it. Its connections go to lambdas, as the screens' (tests/test_architecture.py).
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QScrollArea, QScroller, QVBoxLayout, QWidget

from kiosk.customer.controller import KioskController
from kiosk.ui.theme import SCROLLBAR_PX
from kiosk.ui.widgets import BigButton

CUE_GAP = 12  # px between the scroll cue and the screen's bottom edge


class Screen(QScrollArea):
    """A screen whose ``body`` layout scrolls by touch when the text is large."""

    def __init__(self, ctrl: KioskController) -> None:
        super().__init__()
        self.ctrl = ctrl
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget()
        inner.setProperty("role", "screen")
        self.body = QVBoxLayout(inner)
        self.body.setContentsMargins(40, 28, 40, 28)
        self.body.setSpacing(24)
        self.setWidget(inner)
        self.viewport().setProperty("role", "screen")
        QScroller.grabGesture(self.viewport(), QScroller.ScrollerGestureType.TouchGesture)
        # "▼ More below" while there is more, "▲ Back to the top" at the end: a customer
        # who does not know that a screen scrolls sees it, and pages with one big button
        self.cue = BigButton("", "primary", parent=self)
        self.cue.setObjectName("scroll-cue")
        self.cue.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys scroll by moving the focus
        self.cue.clicked.connect(lambda: self._page())
        self.cue.hide()
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(lambda _=0: self._cue())
        bar.rangeChanged.connect(lambda _=0, __=0: self._cue())

    def render(self) -> None:
        """Rebuild the content from the controller (each screen draws its own)."""

    def cue_again(self) -> None:
        """The scroll cue for the content just drawn (a new screen, another language)."""
        self._cue()

    def _page(self) -> None:
        bar = self.verticalScrollBar()
        if bar.value() >= bar.maximum():
            bar.setValue(0)
        else:
            bar.setValue(bar.value() + round(self.viewport().height() * 0.8))

    def _cue(self) -> None:
        bar = self.verticalScrollBar()
        if bar.maximum() <= 0 and self.widget().contentsMargins().bottom() == 0:
            self.cue.hide()
            return
        t = self.ctrl.strings.t
        text = f"▼ {t('scroll.more')}" if bar.value() < bar.maximum() else f"▲ {t('scroll.top')}"
        if self.cue.label_text() != text:
            self.cue.set_text(text)
            self.cue.text_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.cue.setAccessibleName(text[2:])
        where = self._cue_rect()
        room = where.height() + 2 * CUE_GAP
        inner = self.widget()
        if bar.maximum() <= room and inner.contentsMargins().bottom() == room:
            # it scrolls only by the room made for the cue: no cue, no room
            inner.setContentsMargins(0, 0, 0, 0)
            self.cue.hide()
            return
        if inner.contentsMargins().bottom() != room:  # the end is never under the cue
            inner.setContentsMargins(0, 0, 0, room)
        self.cue.setGeometry(where)
        self.cue.show()
        self.cue.raise_()

    def _cue_rect(self) -> QRect:
        view = self.viewport().geometry()
        width = min(view.width() - 2 * CUE_GAP, self.cue.width_for(self.ctrl.look.scale,
                                                                   one_line=True) + 40)
        height = self.cue.heightForWidth(width)
        return QRect(view.x() + (view.width() - width) // 2, view.bottom() - height - CUE_GAP,
                     width, height)

    def _place_cue(self) -> None:
        self.cue.setGeometry(self._cue_rect())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if self.cue.isVisible():
            self._place_cue()

    def available_width(self) -> int:
        """Width the content can use: the screen's width less a scroll bar, whether or not
        one shows (so that a scroll bar appearing never changes the layout it caused).
        A screen not shown yet has no width of its own (a new widget believes it is
        640 px wide): the screens span the window, whose width is already the real one."""
        width = self.width() if self.isVisible() else self.window().width()
        return max(width - SCROLLBAR_PX - 4, 320)

    def portrait(self) -> bool:
        """A tall screen: pictures go above the text instead of beside it."""
        win = self.window()
        return win is not None and win.height() > win.width()
