"""Live preview of a step as the kiosk shows it, and "Listen" with the kiosk's real voice.

The manager app may not import the kiosk app (``kiosk.customer``), so the step screen is
put together here from the same shared pieces (``kiosk.ui``: theme, BigButton, Picture,
labels) and the same layout rules as the kiosk's StepScreen and bars, at the kiosk's
screen size, offscreen, then shown as a scaled picture, at once. For a draft with no
errors the real kiosk screen follows: ``editor_kiosk.KioskRenderer`` has the kiosk
itself draw it in another process.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cache
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QButtonGroup,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk import config, paths
from kiosk.flows.model import pick
from kiosk.flows.validator import validate_text
from kiosk.i18n import available, catalog
from kiosk.manager.editor_doc import FlowDoc, position, shown_kind
from kiosk.manager.editor_kiosk import KioskRenderer
from kiosk.ui.audio import AudioPlayer
from kiosk.ui.marked_text import MarkedText
from kiosk.ui.speech import SpeechOutput
from kiosk.ui.theme import SCALES, stylesheet
from kiosk.ui.widgets import BigButton, Picture, label
from kiosk.voice.speaker import Speaker

log = logging.getLogger(__name__)

SpeakerFactory = Callable[[], Speaker]


@cache
def kiosk_size() -> tuple[int, int]:
    """The kiosk's screen size (setting ``screen_size``), read once."""
    try:
        w, _, h = str(config.get("screen_size")).partition("x")
        return max(640, int(w)), max(480, int(h))
    except (ValueError, KeyError):
        return 1920, 1080


def ui_language(language: str) -> str:
    """The language of the kiosk's own buttons: the flow's language when the kiosk has
    its strings, else French (the kiosk's reference)."""
    return language if language in available() else "fr"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?:;…。؟" else text + "."


def step_speech(step: dict[str, Any], language: str) -> str:
    """What the kiosk says on a step: its ``say`` (else its text), then the choices, or
    how to go on (the kiosk's own rule)."""
    strings = catalog(ui_language(language))
    spoken = step.get("say") or step.get("text") or {}
    parts = [_sentence(pick(spoken, language))]
    kind = shown_kind(step)
    if kind == "choices" and step["choices"]:
        parts.append(strings.t("step.spoken_choices"))
        parts += [_sentence(pick(c.get("label") or {}, language)) for c in step["choices"]]
    elif kind == "next":
        parts.append(strings.t("step.spoken_next"))
    return " ".join(p for p in parts if p)


class KioskStep(QWidget):
    """A kiosk screen showing one step: top bar, picture and card, bottom bar."""

    def __init__(self, doc: FlowDoc, step: dict[str, Any], language: str, scale: float) -> None:
        super().__init__()
        self.setObjectName("KioskRoot")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        strings = catalog(ui_language(language))
        self.t, self.scale, self.rtl = strings.t, scale, strings.rtl
        self.setStyleSheet(stylesheet("default", scale))
        self.setLayoutDirection(Qt.LayoutDirection.RightToLeft if self.rtl
                                else Qt.LayoutDirection.LeftToRight)
        self.texts: list[str] = []  # every text shown, for checks
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        n, total = position(doc, str(step.get("id", "")))
        box.addWidget(self._top(pick(doc.data.get("title") or {}, language), n, total))
        box.addWidget(self._screen(step, language), 1)
        box.addWidget(self._bottom(language))

    def _label(self, text: str, role: str) -> QLabel:
        self.texts.append(text)
        return label(text, role)

    def _button(self, text: str, role: str, icon: str | None, icon_px: int, **kw: Any) -> BigButton:
        self.texts.append(text)
        return BigButton(text, role, icon, icon_px=icon_px, **kw)

    def _top(self, title: str, n: int, total: int) -> QWidget:
        bar = QWidget()
        bar.setProperty("role", "bar")
        bar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        row = QHBoxLayout(bar)
        row.setContentsMargins(24, 14, 24, 14)
        row.setSpacing(24)
        home = self._button(self.t("bar.home"), "tool", "home.svg", 56, vertical=True, margin=6)
        home.fit_width(self.scale)
        row.addWidget(home, 0)
        titles = QVBoxLayout()
        titles.setSpacing(4)
        titles.addWidget(self._label(title, "barTitle"))
        titles.addWidget(self._label(self.t("step.progress", n=n, total=total), "barText"))
        row.addLayout(titles, 1)
        helper = self._button(self.t("bar.help"), "help", "mediator.svg", 72)
        helper.fit_width(self.scale)
        row.addWidget(helper, 0)
        return bar

    def _screen(self, step: dict[str, Any], language: str) -> QScrollArea:
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget()
        inner.setProperty("role", "screen")
        area.viewport().setProperty("role", "screen")
        body = QVBoxLayout(inner)
        body.setContentsMargins(40, 28, 40, 28)
        body.setSpacing(24)
        row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        row.setSpacing(32)
        row.addWidget(Picture(name=step.get("image") or None), 4)
        card = QFrame()
        card.setProperty("role", "card")
        column = QVBoxLayout(card)
        column.setContentsMargins(32, 28, 32, 28)
        column.setSpacing(22)
        text = pick(step.get("text") or {}, language)
        self.texts.append(text)
        marked = MarkedText("stepText")  # its glossary words marked, as the kiosk shows them
        column.addWidget(marked)
        marked.show_text(text, language)
        self.marked = marked
        actions = QGridLayout()
        actions.setSpacing(18)
        column.addLayout(actions)
        column.addStretch(1)
        kind = shown_kind(step)
        choices = step["choices"] if kind == "choices" else []
        if choices:
            cols = 2 if len(choices) > 3 and self.scale < 1.5 else 1
            for i, choice in enumerate(choices):
                b = self._button(pick(choice.get("label") or {}, language), "choice",
                                 choice.get("icon") or None, 72)
                actions.addWidget(b, i // cols, i % cols)
            for c in range(cols):
                actions.setColumnStretch(c, 1)
        elif kind == "end":
            actions.addWidget(self._label(self.t("end.question"), "stepText"), 0, 0, 1, 3)
            for i, (value, icon) in enumerate((("good", "smiley-happy.svg"),
                                               ("neutral", "smiley-neutral.svg"),
                                               ("bad", "smiley-sad.svg"))):
                actions.addWidget(self._button(self.t(f"end.{value}"), "choice", icon, 80,
                                               vertical=True), 1, i)
                actions.setColumnStretch(i, 1)
            actions.addWidget(self._button(self.t("end.finish"), "primary", "home.svg", 64), 2, 0, 1, 3)
        else:
            actions.addWidget(self._button(self.t("bar.next"), "primary", "back.svg", 64,
                                           mirrored=not self.rtl), 0, 0)
        row.addWidget(card, 6)
        body.addLayout(row, 1)
        area.setWidget(inner)
        return area

    def _bottom(self, language: str) -> QWidget:
        bar = QWidget()
        bar.setProperty("role", "bar")
        bar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        grid = QGridLayout(bar)
        grid.setContentsMargins(16, 12, 16, 12)
        grid.setSpacing(12)
        left = [("bar.back", "back.svg", "icons"), ("bar.repeat", "repeat.svg", "icons")]
        right = [("voice.sound", "volume.svg", "icons"), ("bar.text_size", "text-size.svg", "icons"),
                 ("bar.contrast", "contrast.svg", "icons"), ("bar.language", "speaker.svg", "icons")]
        buttons = []
        for key, icon, _kind in left + right:
            text = self.t(key) + (f" ×{self.scale:g}" if key == "bar.text_size" else "")
            b = self._button(text, "tool", icon, 52, vertical=True, margin=6,
                             mirrored=key == "bar.back" and self.rtl)
            buttons.append(b)
        need = sum(b.fit_width(self.scale) + 12 for b in buttons)
        if need + 32 + 120 <= kiosk_size()[0]:
            for i, b in enumerate(buttons[:2]):
                grid.addWidget(b, 0, i)
                grid.setColumnStretch(i, 1)
            for i, b in enumerate(buttons[2:], start=3):
                grid.addWidget(b, 0, i)
                grid.setColumnStretch(i, 1)
            grid.setColumnMinimumWidth(2, 40)
        else:
            for i, b in enumerate(buttons[:2]):
                grid.addWidget(b, 0, i)
            for i, b in enumerate(buttons[2:]):
                grid.addWidget(b, 1, i)
            for c in range(4):
                grid.setColumnStretch(c, 1)
        return bar


def render_step(doc: FlowDoc, step: dict[str, Any], language: str, scale: float) -> tuple[QPixmap, list[str]]:
    """The step drawn at the kiosk's size, offscreen; and the texts on it."""
    screen = KioskStep(doc, step, language, scale)
    screen.resize(*kiosk_size())
    screen.show()
    app = QApplication.instance()
    for _ in range(4):  # nested layouts post more layout passes: run them (nothing else)
        app.sendPostedEvents(None, QEvent.Type.LayoutRequest.value)
    pixmap = screen.grab()
    texts = screen.texts
    screen.hide()
    screen.deleteLater()
    return pixmap, texts


class PreviewPane(QWidget):
    """The chosen step in a language and a text size, and the Listen button. A quick
    drawing shows at once; the real kiosk screen (drawn by the kiosk itself) replaces it
    when it is ready, for a draft with no errors."""

    REAL_KIOSK = True  # tests that do not look at the real screen turn it off (speed)

    def __init__(self, t: Callable[..., str], speaker_factory: SpeakerFactory | None = None) -> None:
        super().__init__()
        self.t = t
        self.speaker_factory = speaker_factory or (lambda: Speaker(paths.cache_dir() / "speech"))
        self.doc: FlowDoc | None = None
        self.step_index = 0
        self.scale = 1.0
        self.pixmap = QPixmap()
        self.texts: list[str] = []
        self.renders = 0
        self.speech: SpeechOutput | None = None
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        controls = QHBoxLayout()
        self.language = QComboBox()
        self.language.setObjectName("previewLanguage")
        self.language.currentIndexChanged.connect(lambda _i: self.schedule())
        controls.addWidget(QLabel(t("preview.language")))
        controls.addWidget(self.language)
        self.sizes = QButtonGroup(self)
        for i, scale in enumerate(SCALES):
            b = QPushButton(f"×{scale:g}".replace(".", t("preview.decimal")))
            b.setObjectName(f"scale-{i}")
            b.setCheckable(True)
            b.setChecked(scale == 1.0)
            self.sizes.addButton(b, i)
            controls.addWidget(b)
        self.sizes.idClicked.connect(self._scale)
        controls.addStretch(1)
        self.listen = QPushButton(t("preview.listen"))
        self.listen.setObjectName("listen")
        self.listen.clicked.connect(self.say)
        controls.addWidget(self.listen)
        box.addLayout(controls)
        self.image = QLabel()
        self.image.setObjectName("previewImage")
        self.image.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.image.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.image.setMinimumHeight(200)
        box.addWidget(self.image, 1)
        self.note = QLabel()
        self.note.setObjectName("previewNote")
        self.note.setWordWrap(True)
        box.addWidget(self.note)
        self.message = QLabel()
        self.message.setObjectName("voiceMessage")
        self.message.setWordWrap(True)
        box.addWidget(self.message)
        self.timer = QTimer(self)
        self.timer.setObjectName("previewTimer")
        self.timer.setSingleShot(True)
        self.timer.setInterval(120)
        self.timer.timeout.connect(self.render)
        self.kiosk: KioskRenderer | None = None
        if self.REAL_KIOSK:
            self.kiosk = KioskRenderer(self)
            self.kiosk.rendered.connect(self._real)
            self.kiosk.failed.connect(lambda why: log.info("kiosk preview failed: %s", why))

    # -- what to show --------------------------------------------------------------------
    def set_languages(self, languages: list[str]) -> None:
        current = self.current_language()
        self.language.blockSignals(True)
        self.language.clear()
        for code in languages:
            self.language.addItem(code, code)
        index = self.language.findData(current)
        self.language.setCurrentIndex(max(0, index))
        self.language.blockSignals(False)

    def current_language(self) -> str:
        return str(self.language.currentData() or "fr")

    def set_language(self, code: str) -> None:
        self.language.setCurrentIndex(max(0, self.language.findData(code)))

    def show_step(self, doc: FlowDoc, index: int) -> None:
        if self.doc is not doc or index != self.step_index:
            self.stop_speech()
        self.doc, self.step_index = doc, index
        self.schedule()

    def schedule(self) -> None:
        self.timer.start()

    def _scale(self, index: int) -> None:
        self.scale = SCALES[index]
        self.schedule()

    def set_scale(self, scale: float) -> None:
        self.sizes.button(SCALES.index(scale)).click()

    def render(self) -> None:
        self.timer.stop()
        doc = self.doc
        if doc is None or not doc.steps:
            return
        step = doc.steps[min(self.step_index, len(doc.steps) - 1)]
        self.pixmap, self.texts = render_step(doc, step, self.current_language(), self.scale)
        self.renders += 1
        self._fit()
        language = self.current_language()
        self._base_note = ("" if ui_language(language) == language
                           else self.t("preview.no_ui", lang=language.upper()))
        self.note.setText(self._base_note)
        if self.kiosk is not None:
            text = doc.to_yaml()
            if not validate_text(text, f"{doc.id}.yaml",
                                 pictures=self.kiosk.picture_names()).errors:
                self.kiosk.render(doc.id, text, str(step.get("id")), language, self.scale)
                self.note.setText(" ".join(filter(None, [self._base_note, self.t("preview.quick")])))

    def _real(self, pixmap: QPixmap) -> None:
        self.pixmap = pixmap
        self._fit()
        self.note.setText(" ".join(filter(None, [self._base_note, self.t("preview.real")])))

    def _fit(self) -> None:
        if self.pixmap.isNull():
            return
        w, h = max(50, self.image.width()), max(50, self.image.height())
        dpr = self.devicePixelRatioF()
        scaled = self.pixmap.scaled(round(w * dpr), round(h * dpr), Qt.AspectRatioMode.KeepAspectRatio,
                                    Qt.TransformationMode.SmoothTransformation)
        scaled.setDevicePixelRatio(dpr)
        self.image.setPixmap(scaled)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._fit()

    # -- listening -----------------------------------------------------------------------
    def _output(self) -> SpeechOutput | None:
        if self.speech is None:
            try:
                speaker = self.speaker_factory()
            except Exception as exc:  # no voice: say so, keep editing
                self.message.setText(self.t("preview.voice_off", why=str(exc)))
                return None
            self.speech = SpeechOutput(speaker, AudioPlayer(self), self)
            self.speech.stateChanged.connect(self._voice_state)
            self.speech.started.connect(lambda: self.message.setText(self.t("preview.playing")))
        return self.speech

    def say(self) -> None:
        doc = self.doc
        if doc is None or not doc.steps:
            return
        output = self._output()
        if output is None:
            return
        language = self.current_language()
        if not output.available(language):
            output.retry()  # a click is a new try: the headphones may be plugged in now
        step = doc.steps[min(self.step_index, len(doc.steps) - 1)]
        self.message.setText(self.t("preview.rendering"))
        output.say(step_speech(step, language), language)

    def _voice_state(self) -> None:
        output = self.speech
        if output is None:
            return
        why = output.problem(self.current_language())
        self.message.setText(self.t("preview.voice_off", why=why) if why else "")

    def stop_speech(self) -> None:
        if self.speech is not None:
            self.speech.stop()

    def shutdown(self) -> None:
        if self.kiosk is not None:
            self.kiosk.shutdown()
        self.timer.stop()
        if self.speech is not None:
            self.speech.shutdown()
