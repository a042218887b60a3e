"""Every step of every built-in flow, in every language, at every text size: text big
enough, contrast high enough, targets large enough, nothing cut, Arabic right to left."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from kiosk.customer.controller import Look
from kiosk.ui.colors import contrast
from kiosk.ui.qt import settle
from kiosk.ui.theme import (
    BUTTON_LOOKS,
    BUTTONS,
    CONTROL_EDGES,
    FOCUS_BANDS,
    FOCUS_RING_PX,
    FOCUS_SURROUNDINGS,
    MIN_TEXT_PX,
    MIN_TOUCH_PX,
    SCALES,
    TEXT_STYLES,
    THEMES,
    palette,
)

LANGUAGES = ("fr", "en", "ar", "es", "pt")


@pytest.mark.parametrize("theme", THEMES)
def test_text_contrast_from_the_theme_colours(theme: str) -> None:
    c = palette(theme)
    for role, style in TEXT_STYLES.items():
        ratio = contrast(c[style.fg], c[style.bg])
        assert ratio >= 4.5, f"{theme} {role}: {ratio:.2f}"


@pytest.mark.parametrize("theme", THEMES)
def test_controls_stand_out_from_their_background(theme: str) -> None:
    c = palette(theme)
    for fg, bg in CONTROL_EDGES:
        assert contrast(c[fg], c[bg]) >= 3.0, f"{theme} {fg} on {bg}"
    for role, (bg, _border, text_role) in BUTTONS.items():
        fg = TEXT_STYLES[text_role].fg
        assert contrast(c[fg], c[bg]) >= 4.5, f"{theme} button {role}"


@pytest.mark.parametrize("theme", THEMES)
def test_the_focus_ring_stands_out_in_every_state(theme: str) -> None:
    """The focused state: a 6 px ring of two bands that contrast with each other, one of
    which stands out at least 3:1 against anything beside it: every button's colour and
    border in every state (normal, pressed, ...) and every background a button stands on."""
    c = palette(theme)
    assert FOCUS_RING_PX >= 6
    bands = [c[key] for key in FOCUS_BANDS]
    assert contrast(bands[0], bands[1]) >= 3.0, theme
    beside = {key: c[key] for key in FOCUS_SURROUNDINGS}
    for role, looks in BUTTON_LOOKS.items():
        for state, look in looks.items():
            beside[f"button {role} {state}"] = c[look.bg]
            beside[f"border {role} {state}"] = c[look.border]
    for name, colour in beside.items():
        best = max(contrast(band, colour) for band in bands)
        assert best >= 3.0, f"{theme}: focus ring on {name} ({best:.2f})"


def _visible(window: QWidget, kind: type) -> list[Any]:
    return [w for w in window.findChildren(kind) if w.isVisibleTo(window)]


def _problems(window: Any, rtl: bool) -> list[str]:
    out = []
    for lab in _visible(window, QLabel):
        if not lab.text():
            continue
        name = lab.text()[:30]
        if lab.font().pixelSize() < MIN_TEXT_PX:
            out.append(f"text {lab.font().pixelSize()}px: {name}")
        need = lab.heightForWidth(lab.width()) if lab.wordWrap() else lab.sizeHint().height()
        widest = lab.minimumSizeHint().width() if lab.wordWrap() else lab.sizeHint().width()
        cut_on_purpose = getattr(lab, "elides", False)  # a bar's title: "…", said whole
        if not cut_on_purpose and (need > lab.height() + 1 or widest > lab.width() + 1):
            out.append(f"clipped ({lab.width()}x{lab.height()}, needs {need}): {name}")
        if rtl and not lab.isRightToLeft() and not lab.property("ownDirection"):
            out.append(f"not right to left: {name}")
    for button in _visible(window, QPushButton):
        if button.width() < MIN_TOUCH_PX or button.height() < MIN_TOUCH_PX:
            out.append(f"target {button.width()}x{button.height()}: {button.objectName()}")
    for screen in [getattr(window, name) for name in ("home", "step", "outcome")
                   if hasattr(window, name)]:
        inner = screen.widget()
        if screen.isVisibleTo(window) and inner.minimumSizeHint().width() > screen.viewport().width():
            out.append(f"screen wider than the window: {screen.__class__.__name__}")
    return out


@pytest.mark.slow
@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920)], ids=["landscape", "portrait"])
def test_every_step_in_every_language(kiosk: Any, scale: float, size: tuple[int, int]) -> None:
    ctrl, window = kiosk
    window.resize(*size)
    problems: list[str] = []
    checked = 0
    for lang in LANGUAGES:
        ctrl.reset("test")
        ctrl.look = Look(lang, scale, False)
        window.restyle()
        settle()
        problems += [f"home {lang}: {p}" for p in _problems(window, lang == "ar")]
        for flow in ctrl.flows():
            for step in flow.steps:
                ctrl.start_flow(flow.id, step.id)
                settle()
                checked += 1
                problems += [f"{flow.id}/{step.id} {lang} x{scale}: {p}"
                             for p in _problems(window, lang == "ar")]
    assert checked >= 9 * 6 * len(LANGUAGES)
    assert problems == []


@pytest.mark.parametrize("outcome", ["help", "workshop"])
@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_outcome_screens_at_double_size(kiosk: Any, outcome: str, lang: str) -> None:
    from kiosk.flows.session import Outcome

    ctrl, window = kiosk
    ctrl.look = Look(lang, 2.0, True)
    window.restyle()
    ctrl.start_flow("digital-skills")
    ctrl.show_outcome(Outcome(outcome, ctrl.session.current_id, "initiation"))  # type: ignore[arg-type]
    settle()
    assert _problems(window, lang == "ar") == []


def test_overlays_at_double_size(kiosk: Any) -> None:
    ctrl, window = kiosk
    ctrl.look = Look("ar", 2.0, False)
    window.restyle()
    ctrl.start_flow("digital-skills")
    window.pin.ask(ctrl.strings)
    settle()
    assert _problems(window.pin, True) == []
    window.pin.hide()
    window.more_time.ask(ctrl.strings)
    settle()
    assert _problems(window.more_time, True) == []
    window.more_time.stop()
    window.pick_language()  # with its title
    settle()
    assert _problems(window.languages, True) == []
    window.languages.hide()
    window.offer.ask(ctrl.strings)
    settle()
    assert _problems(window.offer, True) == []
    window.offer.hide()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_voice_panels_at_double_size(kiosk: Any, lang: str) -> None:
    """The sound panel (and its voice-off note) and the voice-command panel in every state."""
    ctrl, window = kiosk
    ctrl.look = Look(lang, 2.0, False)
    window.restyle()
    ctrl.set_voice(True, "ok", True)
    ctrl.start_flow("send-parcel", "weigh")
    for problem in ("", "no audio output"):
        window.sound_panel.show_levels(ctrl.strings, (4, 5), (3, 5), problem)
        window.sound_panel.open()
        settle()
        assert _problems(window.sound_panel, lang == "ar") == []
        window.sound_panel.hide()
    t = ctrl.strings.t
    for state, text in (("loading", t("voice.loading")), ("listening", t("voice.listening")),
                        ("confirm", t("voice.heard", text="x")),
                        ("failed", t("voice.not_understood"))):
        window.listen_panel.show_state(ctrl.strings, state, text)
        settle()
        assert _problems(window.listen_panel, lang == "ar") == [], state
    window.listen_panel.hide()


@pytest.mark.parametrize("case", ["nohub", "offline", "refused"])
@pytest.mark.parametrize("lang", ["fr", "ar"])
@pytest.mark.parametrize("size", [(1920, 1080), (1366, 768), (1080, 1920)],
                         ids=["landscape", "small", "portrait"])
def test_counter_screens_at_double_size(kiosk: Any, case: str, lang: str,
                                        size: tuple[int, int]) -> None:
    """The help screens that send the customer to the counter, with the staff reference
    (French lines, read left to right on an Arabic screen) and the button that clears it."""
    ctrl, window = kiosk
    window.resize(*size)
    ctrl.look = Look(lang, 2.0, False)
    window.restyle()
    ctrl.connected = case != "nohub"
    ctrl.start_flow("send-parcel")
    ctrl.call_help()
    if case == "offline":
        ctrl.set_hub_online(False)
        ctrl.help.give_up_offline()
    elif case == "refused":
        ctrl.set_help_status({"status": "refused", "reason": "test"})
    settle()
    assert window.outcome.reference is not None
    assert window.outcome.reference_labels
    assert _problems(window, lang == "ar") == []
    ctrl.reset("test")
