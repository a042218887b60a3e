"""The kiosk's screens: home (tasks and languages), a step, and an outcome (help, workshop).

Each screen rebuilds its content from the controller in ``render()``; content sits in a
touch-scrollable area so that large text is never cut, only scrolled.

The buttons a render makes connect to lambdas, never straight to a bound method
(``connect(self.ctrl.advance)``): PySide keeps about 100 bytes for every connection to a
method of a long-lived receiver, even after the button is gone, so a kiosk that draws
tens of thousands of screens grew without end (tests/test_architecture.py checks it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QGridLayout,
    QLabel,
    QLayout,
    QVBoxLayout,
    QWidget,
)

from kiosk.customer.controller import KioskController
from kiosk.customer.scrolling import Screen
from kiosk.flows.model import pick
from kiosk.i18n import catalog
from kiosk.ui.marked_text import MarkedText
from kiosk.ui.theme import px
from kiosk.ui.widgets import BigButton, Picture, Text, clear, label, svg_pixmap, text_width
from kiosk.ui.widgets import words as text_words

if TYPE_CHECKING:
    from kiosk.customer.glossary_panel import GlossaryPanel
    from kiosk.customer.window import KioskWindow

LINE_CHARS = 28  # characters a line of step text should hold, the picture beside it
CHAR_EM = 0.55  # an average character's width, in font sizes (DejaVu Sans)
PICTURE_SHARE = 0.3  # of the window's height, at most, for a picture below or above the text


def picture_and_card(portrait: bool) -> QBoxLayout:
    """The row (or column, on a portrait screen) holding a picture and a text card."""
    box = QBoxLayout(QBoxLayout.Direction.TopToBottom if portrait
                     else QBoxLayout.Direction.LeftToRight)
    box.setSpacing(32)
    return box


def own_direction(widget: QWidget, lang: str) -> None:
    """Text in ``lang`` reads its own way, whatever the screen's direction."""
    widget.setProperty("ownDirection", True)
    widget.setLayoutDirection(Qt.LayoutDirection.RightToLeft if catalog(lang).rtl
                              else Qt.LayoutDirection.LeftToRight)


class HomeScreen(Screen):
    """Welcome, one tile per task, one tile per language."""

    _drawn: tuple[object, ...] | None = None

    def columns(self) -> int:
        """Task tiles per row: as many as fit at the current text size (1 to 3), each
        wide enough for its icon and the longest word of any title."""
        lang, scale = self.ctrl.look.language, self.ctrl.look.scale
        words = [w for f in self.ctrl.flows() for w in text_words(pick(f.title, lang))]
        tile = max(460, 96 + 16 + 56 + text_width(words, "tile", scale)) + 20
        return max(1, min(3, self.available_width() // tile))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if self._drawn is not None and self._drawn[-1] != self.columns():
            QTimer.singleShot(0, self, self.render)  # not from inside a resize

    def render(self) -> None:
        key = (self.ctrl.look, tuple(self.ctrl.flows()), self.columns())
        if key == self._drawn:  # nothing changed since the last time it was drawn, but
            if self.hint.text() != self._hint_text():  # perhaps the thanks for a feedback
                self.hint.setText(self._hint_text())
            return
        self._drawn = key
        clear(self.body)
        t = self.ctrl.strings.t
        lang = self.ctrl.look.language
        self.hint = hint = label(self._hint_text(), "hint")
        # read aloud for those who read little: every task, then how to choose
        self.listen = BigButton(t("home.listen_hint"), "primary", "speaker.svg", icon_px=72)
        self.listen.setObjectName("listen")
        self.listen.clicked.connect(lambda: self.ctrl.repeat())
        top = QBoxLayout(QBoxLayout.Direction.TopToBottom if self.portrait()
                         else QBoxLayout.Direction.LeftToRight)
        top.setSpacing(24)
        top.addWidget(self.listen, 0)
        top.addWidget(hint, 1)
        self.body.addLayout(top)
        grid = QGridLayout()
        grid.setSpacing(20)
        cols = self.columns()
        self.flow_buttons: list[BigButton] = []
        for i, flow in enumerate(self.ctrl.flows()):
            b = BigButton(pick(flow.title, lang), "tile", flow.icon, icon_px=96)
            b.setObjectName(f"flow-{flow.id}")
            b.clicked.connect(lambda _=False, fid=flow.id: self.ctrl.start_flow(fid))
            grid.addWidget(b, i // cols, i % cols)
            self.flow_buttons.append(b)
        for column in range(cols):
            grid.setColumnStretch(column, 1)  # equal columns: each as wide as the rule says
        self.body.addLayout(grid)
        self.body.addWidget(label(t("home.choose_language"), "hint"))
        self.body.addLayout(self._languages())
        self.body.addStretch(1)

    welcome = ""  # the bar's welcome, when the bar cuts it: said again here, whole

    def show_welcome(self, text: str) -> None:
        """Put the welcome the bar had to cut before the hint ("" takes it away)."""
        self.welcome = text
        if self._drawn is not None and self.hint.text() != self._hint_text():
            self.hint.setText(self._hint_text())

    def _hint_text(self) -> str:
        t = self.ctrl.strings.t
        hint = t("end.thanks") if self.ctrl.feedback_given else t("home.hint")
        return f"{self.welcome}\n{hint}" if self.welcome else hint

    def _languages(self) -> QLayout:
        row = QGridLayout()
        row.setSpacing(16)
        names = [catalog(code).name for code in self.ctrl.languages]
        # a tile: border, margins, flag, spacing, then the longest name on one line
        tile = 8 + 36 + 90 + 16 + text_width(names, "tile", self.ctrl.look.scale) + 16
        cols = max(1, min(len(names), self.available_width() // tile))
        self.language_buttons: list[BigButton] = []
        for i, code in enumerate(self.ctrl.languages):
            b = BigButton(catalog(code).name, "tile", f"{code}.svg", icon_px=90, kind="flags")
            b.setObjectName(f"lang-{code}")
            b.text_label.setProperty("ownDirection", True)  # a language name reads its own way
            b.text_label.setLayoutDirection(
                Qt.LayoutDirection.RightToLeft if catalog(code).rtl else Qt.LayoutDirection.LeftToRight)
            # the language shown is marked: a thicker border (the stylesheet's [selected]),
            # a check mark on the flag's corner beside the name (no room taken from it),
            # and "chosen" when it is said (kiosk.customer.spoken.describe)
            chosen = code == self.ctrl.look.language
            b.setProperty("selected", chosen)
            if chosen and b.icon_label is not None:
                check = QLabel(b.icon_label)
                check.setObjectName("chosen")
                side = b.icon_label.height() * 3 // 5
                check.setPixmap(svg_pixmap("icons", "yes.svg", side))
                check.setGeometry(0 if self.ctrl.strings.rtl else b.icon_label.width() - side,
                                  b.icon_label.height() - side, side, side)
                check.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            b.clicked.connect(lambda _=False, c=code: self.ctrl.set_language(c))
            row.addWidget(b, i // cols, i % cols)
            self.language_buttons.append(b)
        for column in range(cols):
            row.setColumnStretch(column, 1)
        return row


class StepScreen(Screen):
    """One step: picture, text, and the choices or the 'Next' button."""

    def __init__(self, ctrl: KioskController) -> None:
        super().__init__(ctrl)
        self.row = row = picture_and_card(False)
        self.picture = Picture()
        row.addWidget(self.picture, 4)
        self.card = QFrame()
        self.card.setProperty("role", "card")
        self.column = QVBoxLayout(self.card)
        self.column.setContentsMargins(32, 28, 32, 28)
        self.column.setSpacing(22)
        self.flow_title = label("", "hint")  # the task's whole title, when the bar cuts it
        self.flow_title.setObjectName("flow-title")
        self.flow_title.hide()
        self.column.addWidget(self.flow_title)
        # its glossary words marked: touched or reached by keys, one opens its explanation
        self.text = MarkedText("stepText")
        self.text.wordActivated.connect(lambda term, word: self.explain(term, word))
        self.glossary: GlossaryPanel | None = None  # made when a word is first opened
        self.column.addWidget(self.text)
        self.actions = QGridLayout()
        self.actions.setSpacing(18)
        self.column.addLayout(self.actions)
        self.column.addStretch(1)
        row.addWidget(self.card, 6)
        self.body.addLayout(row, 1)
        self.choice_buttons: list[BigButton] = []
        # the choice buttons are kept from step to step, their texts and icons changed:
        # making and styling buttons anew took much of a tap
        self._choices: list[BigButton] = []

    def explain(self, term: object, word: QWidget | None = None) -> None:
        """The glossary's panel for ``term`` (``word``: its button on the step's text)."""
        if self.glossary is None:
            from kiosk.customer.glossary_panel import GlossaryPanel

            window: KioskWindow = self.window()  # type: ignore[assignment]
            self.glossary = GlossaryPanel(window)
        self.glossary.show_term(term, word, getattr(word, "word", ""))

    def show_flow_title(self, title: str) -> None:
        """Show the task's whole title above the step's text ("" hides it)."""
        if self.flow_title.text() != title:
            self.flow_title.setText(title)
        self.flow_title.setVisible(bool(title))

    def _card_width(self) -> int:
        """The width inside the text card, as :meth:`_place_picture` placed it."""
        share = 0.6 if self.row.direction() == QBoxLayout.Direction.LeftToRight else 1.0
        return round(self.available_width() * share) - 80 - 64

    def _place_picture(self) -> None:
        """Beside the text when the text card keeps room for :data:`LINE_CHARS` characters
        a line; else below the text (the text first), no taller than
        :data:`PICTURE_SHARE` of the screen. A portrait screen at ×1 keeps it above."""
        scale = self.ctrl.look.scale
        card = self.available_width() * 0.6 - 64
        beside = not self.portrait() and card >= LINE_CHARS * CHAR_EM * px("stepText", scale)
        if beside:
            self.row.setDirection(QBoxLayout.Direction.LeftToRight)
            self.picture.setMaximumHeight(16777215)
            return
        above = self.portrait() and scale < 1.5
        self.row.setDirection(QBoxLayout.Direction.TopToBottom if above
                              else QBoxLayout.Direction.BottomToTop)
        self.picture.setMaximumHeight(round(self.window().height() * PICTURE_SHARE))

    def _choice(self, i: int, icon: str | None) -> BigButton:
        while len(self._choices) <= i:
            k = len(self._choices)
            b = BigButton("", "choice", icon or "back.svg", icon_px=72)
            b.setObjectName(f"choice-{k}")
            b.clicked.connect(lambda _=False, k=k: self.ctrl.choose(k))
            self._choices.append(b)
        b = self._choices[i]
        assert b.icon_label is not None
        if icon:
            b.set_icon(svg_pixmap("icons", icon, 72))
        b.icon_label.setVisible(bool(icon))
        return b

    def render(self) -> None:
        session = self.ctrl.session
        assert session is not None
        step = session.current
        lang = self.ctrl.look.language
        t = self.ctrl.strings.t
        self._place_picture()
        self.picture.set_picture(step.image)
        self.text.show_text(pick(step.text, lang), lang, self.ctrl.look.theme)
        for b in self._choices:  # out of the grid, kept; then the rest of the grid goes
            self.actions.removeWidget(b)
            b.hide()
        clear(self.actions)
        for column in range(3):  # the grid is reused: forget the last step's columns
            self.actions.setColumnStretch(column, 0)
        self.choice_buttons = []
        rtl = self.ctrl.strings.rtl
        if step.kind == "choices":
            # two columns for long lists, when every word still fits (never cut)
            buttons = []
            for i, choice in enumerate(step.choices):
                b = self._choice(i, choice.icon)
                b.set_text(pick(choice.label, lang))
                buttons.append(b)
            widest = max(b.width_for(self.ctrl.look.scale) for b in buttons)
            cols = 2 if len(buttons) > 3 and 2 * widest + 18 <= self._card_width() else 1
            for i, b in enumerate(buttons):
                self.actions.addWidget(b, i // cols, i % cols)
                b.show()
                self.choice_buttons.append(b)
            for column in range(cols):
                self.actions.setColumnStretch(column, 1)
        elif step.kind == "end":
            self._feedback()
        else:  # a plain step: Next
            b = BigButton(t("bar.next"), "primary", "back.svg", icon_px=64, mirrored=not rtl)
            b.setObjectName("next")
            b.clicked.connect(lambda: self.ctrl.advance())
            self.actions.addWidget(b, 0, 0)
            self.choice_buttons.append(b)
        self.verticalScrollBar().setValue(0)

    def _feedback(self) -> None:
        t = self.ctrl.strings.t
        self.actions.addWidget(label(t("end.question"), "stepText"), 0, 0, 1, 3)
        faces = []
        for value, icon_name in (("good", "smiley-happy.svg"), ("neutral", "smiley-neutral.svg"),
                                 ("bad", "smiley-sad.svg")):
            b = BigButton(t(f"end.{value}"), "choice", icon_name, icon_px=80, vertical=True)
            b.setObjectName(f"feedback-{value}")
            b.clicked.connect(lambda _=False, v=value: self.ctrl.give_feedback(v))
            faces.append(b)
        # three faces side by side when their words fit, else one under the other
        widest = max(b.width_for(self.ctrl.look.scale) for b in faces)
        in_row = 3 * widest + 2 * 18 <= self._card_width()
        for i, b in enumerate(faces):
            if in_row:
                self.actions.addWidget(b, 1, i)
                self.actions.setColumnStretch(i, 1)
            else:
                b.set_shape(False)
                self.actions.addWidget(b, 1 + i, 0, 1, 3)
            self.choice_buttons.append(b)
        done = BigButton(t("end.finish"), "primary", "home.svg", icon_px=64)
        done.setObjectName("finish")
        done.clicked.connect(lambda: self.ctrl.advance())
        self.actions.addWidget(done, 4, 0, 1, 3)
        self.choice_buttons.append(done)


class OutcomeScreen(Screen):
    """Where a special target leads: a mediator can help, or a workshop is suggested.

    A help screen that sends the customer to the counter (no hub, no connection, a call
    the hub refused) also shows staff a reference (task, step, time of the call) and a
    button with which they clear the screen once they have taken over."""

    reference: QFrame | None = None
    _shape: tuple[object, ...] | None = None

    def render(self) -> None:
        """The screen for the controller's outcome. Its widgets are kept from the last
        time when they have the same parts (help or workshop, cancel, back, reference):
        only their texts change (building and styling them anew took most of a tap)."""
        outcome = self.ctrl.outcome
        workshop = outcome is not None and outcome.kind == "workshop"
        level = outcome.level if workshop and outcome is not None else None
        help_ = self.ctrl.help
        counter = not workshop and help_.sends_to_counter and help_.reference is not None
        lines = help_.reference_lines() if counter else []
        shape = (workshop, bool(level), not workshop and help_.pending,
                 self.ctrl.session is not None, counter, self.portrait(),
                 self.ctrl.strings.rtl, tuple(lang for _text, lang in lines))
        if shape != self._shape:
            self._shape = shape
            self._build(shape)
        t = self.ctrl.strings.t
        key = "workshop" if workshop else "help"
        self.title.setText(t(f"outcome.{key}_title"))
        self.status.setText(t("outcome.workshop_text") if workshop else self.ctrl.help_text())
        if self.level is not None:
            self.level.setText(t("outcome.workshop_level", level=t(f"workshop_levels.{level}")))
        texts = {"help-cancel": t("help.cancel"), "resume": t("outcome.back_to_step"),
                 "outcome-home": t("outcome.home")}
        for button in self.buttons:
            if button.objectName() in texts:
                button.set_text(texts[button.objectName()])
        if self.reference is not None:
            self.reference_title.setText(t("reference.title"))
            for line, (text, lang) in zip(self.reference_labels, lines, strict=True):
                line.setText(text)
                own_direction(line, lang)

    def _build(self, shape: tuple[object, ...]) -> None:
        workshop, has_level, pending, has_session, counter = shape[:5]
        clear(self.body)
        row = picture_and_card(self.portrait())
        card = QFrame()
        card.setProperty("role", "card")
        col = QVBoxLayout(card)
        col.setContentsMargins(32, 28, 32, 28)
        col.setSpacing(22)
        # the kiosk's one kind of text, as on a step (plain here: nothing marked yet)
        self.title = MarkedText("stepText")
        col.addWidget(self.title)
        self.status = MarkedText("stepText")
        self.status.setObjectName("help-status")
        col.addWidget(self.status)
        self.level: Text | None = None
        if has_level:
            self.level = MarkedText("stepText")
            col.addWidget(self.level)
        self.buttons: list[BigButton] = []
        self.reference = None
        self.reference_labels: list[Text] = []
        if pending:
            cancel = BigButton("", "choice", "no.svg", icon_px=64)
            cancel.setObjectName("help-cancel")
            cancel.clicked.connect(lambda: self.ctrl.cancel_help())
            col.addWidget(cancel)
            self.buttons.append(cancel)
        if has_session:
            back = BigButton("", "choice", "back.svg", icon_px=64,
                             mirrored=self.ctrl.strings.rtl)
            back.setObjectName("resume")
            back.clicked.connect(lambda: self.ctrl.resume())
            col.addWidget(back)
            self.buttons.append(back)
        if counter:  # where the picture goes: staff see it first, without scrolling
            if self.portrait():
                row.addWidget(self._reference(len(shape[7])), 0)  # type: ignore[arg-type]
            else:
                row.addWidget(self._reference(len(shape[7])), 4,  # type: ignore[arg-type]
                              Qt.AlignmentFlag.AlignTop)
        else:
            row.addWidget(Picture(name="workshop.svg" if workshop else "mediator.svg"), 4)
            home = BigButton("", "primary", "home.svg", icon_px=64)
            home.setObjectName("outcome-home")
            home.clicked.connect(lambda: self.ctrl.go_home())
            col.addWidget(home)
            self.buttons.append(home)
        col.addStretch(1)
        row.addWidget(card, 6)
        self.body.addLayout(row, 1)

    def _reference(self, n_lines: int) -> QFrame:
        """The staff's block: a title in the customer's language, then in French what the
        customer was doing and when they called, and "C'est réglé" to clear the screen.
        It is for staff: its text keeps the normal size when the customer enlarges theirs."""
        box = QFrame()
        box.setObjectName("help-reference")
        box.setProperty("role", "bar")  # its sizes: the theme's rules for #help-reference
        col = QVBoxLayout(box)
        col.setContentsMargins(28, 22, 28, 22)
        col.setSpacing(10)
        self.reference_title = MarkedText("barTitle")  # (the kiosk's one kind of text)
        col.addWidget(self.reference_title)
        for _ in range(n_lines):
            line = MarkedText("barText")
            col.addWidget(line)
            self.reference_labels.append(line)
        dismiss = BigButton(catalog("fr").t("reference.dismiss"), "choice", "yes.svg",
                            icon_px=64)
        dismiss.setObjectName("help-dismiss")
        own_direction(dismiss, "fr")
        dismiss.text_label.setProperty("ownDirection", True)
        dismiss.clicked.connect(lambda: self.ctrl.dismiss_help())
        col.addSpacing(8)
        col.addWidget(dismiss)
        self.buttons.append(dismiss)
        self.reference = box
        return box
