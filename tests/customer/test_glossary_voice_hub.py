"""The glossary panel for real: its explanation said by the real voice (pyttsx3 and
espeak-ng, played on the test's null sink), its ``glossary.opened`` event through the
kiosk's outbox to a real hub that counts it in ``GET /stats/glossary``, and pictures of
it (French and Arabic, text ×2, on a small landscape and a portrait screen) that never
exceed the screen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect, QThreadPool

from kiosk import config
from kiosk.customer.controller import Look
from kiosk.customer.speech import KioskSpeech
from kiosk.flows.glossary import glossary
from kiosk.ui.audio import AudioPlayer
from kiosk.ui.speech import SpeechOutput
from kiosk.voice.speaker import Speaker
from tests.clock import FakeClock
from tests.customer.conftest import tap
from tests.customer.test_help_call import networked
from tests.hub.conftest import Hub, make_hub
from tests.voice.wavs import rms, seconds


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    h = make_hub(tmp_path / "hub.sqlite3")
    yield h
    h.server.stop()


@pytest.mark.parametrize(("lang", "flow", "step"), [("fr", "send-parcel", "label"),
                                                    ("ar", "collect-parcel", "proxy")])
def test_the_explanation_is_said_by_the_real_voice(qtbot: Any, kiosk: Any, clock: FakeClock,
                                                   tmp_path: Path, lang: str, flow: str,
                                                   step: str) -> None:
    ctrl, window = kiosk
    speaker = Speaker(tmp_path / "speech")
    speech = KioskSpeech(ctrl, window, SpeechOutput(speaker, AudioPlayer(window)))
    speech.render_ahead = False  # only what is said now
    ctrl.set_language(lang)
    ctrl.start_flow(flow, step)
    word = window.step.text.buttons[0]
    explanation = word.term.explanation
    with qtbot.waitSignal(speech.output.rendered, timeout=30_000,
                          check_params_cb=lambda text: explanation in text):
        tap(qtbot, word, clock)
    text, language = speech.output.last or ("", "")
    assert language == lang
    assert explanation in text
    wav = speaker.cached(text, lang, speech.output.rate)
    assert wav is not None
    assert 2.0 < seconds(wav) < 30.0, seconds(wav)  # a real sentence's length
    assert rms(wav) > 500  # speech, not silence
    tap(qtbot, window.step.glossary.close_button, clock)  # speech stops on any action
    assert not speech.output.player.playing
    qtbot.waitUntil(lambda: QThreadPool.globalInstance().activeThreadCount() == 0)


def test_an_opened_word_reaches_the_hub_and_is_counted(qtbot: Any, hub: Hub, library: Any,
                                                       settings: dict[str, Any],
                                                       clock: FakeClock, tmp_path: Path) -> None:
    with networked(qtbot, library, settings, clock, hub.url, hub.tokens["k1"],
                   tmp_path) as (ctrl, window, network):
        ctrl.start_flow("use-locker", "type-code")
        word = window.step.text.buttons[0]
        assert word.term.id == "consigne"
        tap(qtbot, word, clock)
        tap(qtbot, window.step.glossary.close_button, clock)
        network.send_events()
        qtbot.waitUntil(lambda: len(network.link.outbox) == 0, timeout=10_000)
    with hub.client("manon") as manager:
        items = manager.get("/stats/glossary", params={"flow": "use-locker"}).json()["items"]
    assert items == [{"term": "consigne", "language": "fr", "flow_id": "use-locker",
                      "step_id": "type-code", "opened": 1}]


SHOTS = [("fr", (1366, 768), "send-parcel", "label"), ("ar", (1366, 768), "send-parcel", "label"),
         ("fr", (1080, 1920), "collect-parcel", "proxy"),
         ("ar", (1080, 1920), "collect-parcel", "proxy")]


@pytest.mark.parametrize(("lang", "size", "flow", "step"), SHOTS,
                         ids=[f"{lang}-{w}x{h}-x2" for lang, (w, h), _f, _s in SHOTS])
def test_pictures_of_the_panel_fit_the_screen(qapp: Any, tmp_path: Path, lang: str,
                                              size: tuple[int, int], flow: str,
                                              step: str) -> None:
    from PySide6.QtGui import QImage

    from kiosk.customer.app import build
    from kiosk.ui.qt import settle

    ctrl, window = build(config.load({}), lockdown=False, size=size)
    window.show()
    try:
        ctrl.look = Look(lang, 2.0, lang == "ar")
        ctrl.start_flow(flow, step)
        window.restyle()
        settle()
        window.step.text.buttons[0].click()
        settle()
        shown = window.step.glossary
        screen = QRect(0, 0, *size)
        assert shown.isVisible()
        assert shown.geometry() == screen
        for part in (shown.scroll, shown.close_button):  # the way out is always in sight
            assert screen.contains(QRect(part.mapTo(window, part.rect().topLeft()), part.size()))
        assert shown.close_button.height() >= 90
        assert shown.isRightToLeft() == (lang == "ar")
        term = glossary(lang).get(window.step.text.buttons[0].term.id)
        assert term is not None
        assert shown.explanation.text() == term.explanation
        out = tmp_path / f"glossary-{lang}-{size[0]}x{size[1]}-x2.png"
        assert window.grab().save(str(out))
        image = QImage(str(out))
        assert (image.width(), image.height()) == size
    finally:
        window.shutdown()
        window.close()
        window.deleteLater()
        qapp.processEvents()
