"""Everything spoken: an element with its role and place, the spoken focus of keypad mode,
every panel said to the speaker in the language shown, each help status said, the last
seconds of "more time?" counted aloud, the focus ring, and keypad mode ended with the visit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtGui import QColor

from kiosk import config
from kiosk.customer.controller import Look
from kiosk.customer.speech import KioskSpeech
from kiosk.customer.spoken import describe, elements
from kiosk.flows.model import pick
from kiosk.i18n import catalog
from kiosk.ui.audio import AudioPlayer
from kiosk.ui.qt import settle
from kiosk.ui.speech import SpeechOutput
from kiosk.ui.theme import FOCUS_RING_PX, palette
from kiosk.voice.fakes import FakeEngine
from kiosk.voice.speaker import Speaker

KP = Qt.KeyboardModifier.KeypadModifier


@pytest.fixture
def settings() -> dict[str, Any]:
    """No "more time?" panel unless a test asks for it."""
    return config.load({"inactivity_seconds": 120, "more_time_seconds": 30})


class Said:
    def __init__(self, ctrl: Any) -> None:
        self.texts: list[str] = []
        ctrl.speakRequested.connect(self.texts.append)
        ctrl.speakAfterRequested.connect(self.texts.append)


def look(ctrl: Any, window: Any, lang: str) -> None:
    ctrl.look = Look(lang, 1.0, False)
    window.restyle()


# -- describing elements --------------------------------------------------------------------
def test_a_task_is_said_with_its_role_and_place(kiosk: Any) -> None:
    ctrl, window = kiosk
    flows = ctrl.flows()
    second = window.home.flow_buttons[1]
    assert describe(second, catalog("fr")) == \
        f"{pick(flows[1].title, 'fr')}, bouton, 2 sur {len(flows)}"
    assert describe(second.text_label, catalog("fr")) == describe(second, catalog("fr"))
    look(ctrl, window, "ar")
    first = window.home.flow_buttons[0]
    assert describe(first, catalog("ar")) == f"{pick(flows[0].title, 'ar')}, زر, 1 من {len(flows)}"


def test_a_button_that_cannot_be_used_says_so_and_texts_say_their_words(kiosk: Any) -> None:
    ctrl, window = kiosk
    ctrl.start_flow("send-parcel")
    settle()
    back = window.bottom.back
    assert not back.isEnabled()  # the first step
    assert describe(back, catalog("fr")).endswith(", indisponible")
    assert describe(window.step.text, catalog("fr")) == window.step.text.text()
    assert describe(window.step.picture, catalog("fr")) == "image"


def test_reading_order_top_bar_then_screen_then_bottom_bar(kiosk: Any) -> None:
    ctrl, window = kiosk
    ctrl.start_flow("send-parcel")
    settle()
    from kiosk.ui.marked_text import WordButton  # a glossary word of the text, read in it

    order = [w.objectName() for w in elements(window) if not isinstance(w, WordButton)]
    assert order[0] == "home"
    assert order[1] == "help"
    assert order[2] == window.step.choice_buttons[0].objectName()
    assert order[-1] == "language"


# -- keypad mode and its spoken focus -------------------------------------------------------
def test_moving_the_focus_stops_the_speech_and_says_the_element(qtbot: Any, kiosk: Any) -> None:
    ctrl, window = kiosk
    said = Said(ctrl)
    stops: list[bool] = []
    ctrl.stopSpeech.connect(lambda: stops.append(True))
    nav = window.keypad
    nav.key(Qt.Key.Key_Down)  # the first key: keypad mode
    assert nav.on
    assert said.texts == [catalog("fr").t("keys.turned_on"),
                          describe(window.home.flow_buttons[0], catalog("fr"))]
    assert window.focusWidget() is window.home.flow_buttons[0]
    n = len(stops)
    nav.key(Qt.Key.Key_2, KP)
    assert len(stops) > n
    flows = ctrl.flows()
    assert said.texts[-1] == f"{pick(flows[1].title, 'fr')}, bouton, 2 sur {len(flows)}"
    nav.key(Qt.Key.Key_8, KP)
    nav.key(Qt.Key.Key_8, KP)  # before the first task: the Listen button
    assert said.texts[-1].startswith(catalog("fr").t("home.listen_hint") + ", bouton")


def test_a_new_screen_is_said_then_its_main_element(qtbot: Any, kiosk: Any) -> None:
    ctrl, window = kiosk
    said = Said(ctrl)
    window.keypad.key(Qt.Key.Key_Down)
    window.keypad.key(Qt.Key.Key_Return)  # the first task
    assert ctrl.screen == "step"
    assert said.texts[-1] == ctrl.current_speech()
    main = window.step.choice_buttons[0]
    assert window.focusWidget() is main
    qtbot.waitUntil(lambda: said.texts[-1] == describe(main, catalog("fr")))


def test_keypad_mode_ends_with_the_visit(qtbot: Any, kiosk: Any) -> None:
    ctrl, window = kiosk
    changes: list[bool] = []
    window.keypad.changed.connect(changes.append)
    qtbot.keyClick(window, Qt.Key.Key_5, KP)
    assert window.keypad.on
    assert window.property("focusRing") is True
    assert ctrl.visit_id is not None  # a visit: inactivity will end it
    window.keypad.key(Qt.Key.Key_5, KP)  # the first task
    assert ctrl.screen == "step"
    ctrl.reset("inactivity")
    assert not window.keypad.on
    assert window.property("focusRing") is False
    assert window.focusWidget() is None or window.focusWidget() not in elements(window)
    assert changes == [True, False]
    assert ctrl.pristine
    window.keypad.key(Qt.Key.Key_2, KP)  # the next customer's first key: announced again
    assert window.keypad.on
    ctrl.reset("test")


def test_the_staff_pin_pad_takes_no_keys(kiosk: Any) -> None:
    ctrl, window = kiosk
    window.pin.ask(ctrl.strings)
    window.keypad.key(Qt.Key.Key_5, KP)
    assert not window.keypad.on
    assert window.pin.typed == ""
    window.pin.hide()


def test_back_closes_a_panel_and_the_focus_comes_back(kiosk: Any) -> None:
    ctrl, window = kiosk
    nav = window.keypad
    ctrl.start_flow("send-parcel")
    settle()  # the step's buttons show
    nav.key(Qt.Key.Key_Down)
    nav.key(Qt.Key.Key_Down)
    before = window.focusWidget()
    window.offer.ask(ctrl.strings)
    assert window.focusWidget() is window.offer.yes
    nav.key(Qt.Key.Key_Backspace)
    assert not window.offer.isVisible()
    assert window.focusWidget() is before
    assert ctrl.screen == "step"


# -- focus ring -------------------------------------------------------------------------------
@pytest.mark.parametrize("high_contrast", [False, True], ids=["default", "high-contrast"])
def test_the_focus_ring_is_drawn_in_keypad_mode_only(qtbot: Any, kiosk: Any,
                                                     high_contrast: bool) -> None:
    ctrl, window = kiosk
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    if high_contrast:
        ctrl.toggle_contrast()
        settle()  # the home screen drawn again shows
    colours = palette(ctrl.look.theme)
    button = window.home.flow_buttons[0]
    button.setFocus()
    plain = button.grab().toImage()
    assert plain.pixelColor(button.width() // 2, 1) != QColor(colours["focus"])  # touch: none
    window.keypad.key(Qt.Key.Key_Down)
    assert button.hasFocus()
    ring = button.grab().toImage()
    half = FOCUS_RING_PX // 2
    mid = button.width() // 2
    assert ring.pixelColor(mid, 1) == QColor(colours["focus"])
    assert ring.pixelColor(mid, half + 1) == QColor(colours["focus_halo"])
    assert ring.pixelColor(mid, button.height() - 2) == QColor(colours["focus"])
    ctrl.reset("test")


# -- every panel said, in the language shown (a real voice, a fake engine) -------------------
@pytest.fixture
def voiced(qtbot: Any, kiosk: Any, tmp_path: Path) -> Iterator[tuple[Any, Any, SpeechOutput, FakeEngine]]:
    ctrl, window = kiosk
    engine = FakeEngine()
    speaker = Speaker(tmp_path, engine_factory=lambda: engine)  # type: ignore[arg-type,return-value]
    output = SpeechOutput(speaker, AudioPlayer(window))
    speech = KioskSpeech(ctrl, window, output)
    speech.render_ahead = False
    yield ctrl, window, output, engine
    qtbot.waitUntil(lambda: QThreadPool.globalInstance().activeThreadCount() == 0
                    and not output.busy)


def _heard(qtbot: Any, output: SpeechOutput, engine: FakeEngine, lang: str, *parts: str) -> None:
    """The speaker was asked to say a text with each of ``parts``, in ``lang``, and its
    engine rendered it with that language's voice."""
    assert output.last is not None
    text, said_in = output.last
    assert said_in == lang
    for part in parts:
        assert " ".join(part.split()) in text, (part, text)
    voice = {"fr": "roa/fr", "en": "gmw/en", "ar": "sem/ar", "es": "roa/es", "pt": "roa/pt"}[lang]
    qtbot.waitUntil(lambda: any(v == voice and text in r for v, r in engine.rendered))


@pytest.mark.parametrize("lang", ["es", "ar"])
def test_every_panel_is_said_in_the_language_shown(qtbot: Any, voiced: Any, lang: str) -> None:
    ctrl, window, output, engine = voiced
    look(ctrl, window, lang)
    t = catalog(lang).t
    ctrl.start_flow("send-parcel")
    window._idle_timeout()  # "more time?", with its seconds
    more = window.more_time
    _heard(qtbot, output, engine, lang, t("more_time.question"),
           t("more_time.countdown", n=more.left), t("more_time.keep_going"))
    more.stop()
    window.offer.ask(ctrl.strings)
    _heard(qtbot, output, engine, lang, t("help.offer"), t("help.offer_yes"), t("help.offer_no"))
    window.offer.hide()
    window.pick_language()
    _heard(qtbot, output, engine, lang, t("languages.title"), catalog("fr").name,
           catalog("pt").name)
    window.languages.hide()
    window.soundRequested.emit()
    _heard(qtbot, output, engine, lang, t("voice.title"),
           t("voice.volume_value", n=output.volume_index + 1, total=5), t("voice.louder"),
           t("voice.close"))
    window.sound_panel.hide()


@pytest.mark.parametrize("lang", ["fr", "pt"])
def test_every_help_status_is_said(kiosk: Any, lang: str) -> None:
    ctrl, window = kiosk
    look(ctrl, window, lang)
    t = catalog(lang).t
    said = Said(ctrl)
    ctrl.connected = True
    ctrl.start_flow("send-parcel")
    ctrl.call_help()
    assert said.texts[-1] == f"{t('outcome.help_title')} {t('help.sending')}"
    ctrl.set_help_status({"status": "queued", "position": 3})
    assert said.texts[-1] == t("help.queued", position=3)
    ctrl.set_help_status({"status": "queued", "position": 2})
    assert said.texts[-1] == t("help.queued", position=2)
    ctrl.set_help_status({"status": "claimed", "claimed_by": "aïcha"})
    assert said.texts[-1] == t("help.claimed", name="Aïcha")
    ctrl.set_hub_online(False)
    ctrl.set_help_status({"status": "sending"})
    assert said.texts[-1] == t("help.offline")
    ctrl.reset("test")


def test_the_last_ten_seconds_are_counted_aloud(kiosk: Any) -> None:
    ctrl, window = kiosk
    said = Said(ctrl)
    more = window.more_time
    more.seconds = 12
    more.ask(ctrl.strings)
    more._tick()
    assert said.texts[-1] != "11"  # 11 left: not yet
    more._tick()
    assert said.texts[-1] == "10"
    more._tick()
    assert said.texts[-1] == "9"
    more.stop()


def test_a_text_said_after_waits_for_the_one_being_said(qtbot: Any, voiced: Any) -> None:
    ctrl, window, output, engine = voiced
    ctrl.speakRequested.emit("Premier texte.")
    ctrl.speakAfterRequested.emit("Deuxième texte.")
    assert output.last == ("Premier texte.", "fr")  # not cut by the second
    qtbot.waitUntil(lambda: output.last == ("Deuxième texte.", "fr"), timeout=10000)
    ctrl.speakRequested.emit("Un.")
    ctrl.speakAfterRequested.emit("Jamais dit.")
    ctrl.stopSpeech.emit()  # any action: the queue goes too
    qtbot.waitUntil(lambda: QThreadPool.globalInstance().activeThreadCount() == 0)
    assert output.last == ("Un.", "fr")


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_end_of_a_task_says_its_feedback_question_and_answers(kiosk: Any, lang: str) -> None:
    ctrl, window = kiosk
    look(ctrl, window, lang)
    t = catalog(lang).t
    said = Said(ctrl)
    flow = ctrl.library.get("buy-stamps")
    end = next(s for s in flow.steps if not s.targets())
    ctrl.start_flow(flow.id, end.id)
    text = said.texts[-1]
    assert text.startswith(ctrl.step_speech(end))
    for key in ("end.question", "end.good", "end.neutral", "end.bad", "end.finish"):
        assert t(key).rstrip(".") in text
    ctrl.reset("test")


def test_a_key_silences_the_kiosk_then_says_the_element(qtbot: Any, voiced: Any) -> None:
    """Speech stops on any action: a key too (the guard, first in line), and what the key
    does is said after that."""
    ctrl, window, output, _engine = voiced
    ctrl.start_flow("send-parcel")
    qtbot.waitUntil(lambda: output.player.playing, timeout=5000)
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_2, KP)  # keypad mode: said
    assert output.last == (catalog("fr").t("keys.turned_on"), "fr")
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_2, KP)
    assert not output.player.playing  # stopped in the same turn as the key
    assert output.last is not None
    assert output.last[0] == " ".join(describe(window.focusWidget(), catalog("fr")).split())


def test_the_lockdowns_keys_never_reach_keypad_mode(qtbot: Any, library: Any,
                                                     settings: Any) -> None:
    from kiosk.customer.controller import KioskController
    from kiosk.customer.window import KioskWindow

    ctrl = KioskController(library)
    window = KioskWindow(ctrl, settings, lockdown=True)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.guard_installed)
    mods = Qt.KeyboardModifier
    for key, mod in ((Qt.Key.Key_F4, mods.AltModifier), (Qt.Key.Key_Escape, mods.NoModifier),
                     (Qt.Key.Key_Tab, mods.AltModifier), (Qt.Key.Key_Q, mods.ControlModifier)):
        qtbot.keyClick(window, key, mod)
        assert not window.keypad.on, key
    assert window.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_Down)
    assert window.keypad.on
    ctrl.reset("test")
    window.shutdown()
