"""The double-tap rule and the buttons made to be pressed again and again: a second press
within 0.5 s at the same place is ignored, except on the same ``repeatable`` button (a
PIN digit typed twice, "Louder" twice). Real mouse events on the test's clock."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt

from kiosk.customer.guard import repeatable


def _press(qtbot: Any, clock: Any, widget: Any, after: float) -> None:
    clock.now += after
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def _open_pin(qtbot: Any, window: Any, ctrl: Any) -> Any:
    pin = window.pin
    pin.ask(ctrl.strings)
    qtbot.waitUntil(pin.isVisible)
    pin.layout().activate()
    return pin


def test_a_pin_typed_at_a_staff_pace_counts_every_digit(qtbot: Any, kiosk: Any,
                                                        clock: Any) -> None:
    """0.3 s a digit, the same digit twice: every press counts, and the PIN opens."""
    ctrl, window = kiosk
    pin = _open_pin(qtbot, window, ctrl)
    pin.pin = "1122"
    for digit in "1122":
        _press(qtbot, clock, pin.keys[digit], 0.3)
    assert pin.typed == "1122"
    assert window.guard.ignored_taps == 0
    _press(qtbot, clock, pin.keys["erase"], 0.3)
    _press(qtbot, clock, pin.keys["erase"], 0.3)  # erasing twice: two digits gone
    assert pin.typed == "11"
    with qtbot.waitSignal(pin.accepted):
        for key in ("2", "2", "ok"):
            _press(qtbot, clock, pin.keys[key], 0.3)
    assert window.guard.ignored_taps == 0


def _sound_panel(qtbot: Any, kiosk: Any) -> tuple[Any, Any]:
    """The kiosk's window and its sound panel, open."""
    ctrl, window = kiosk
    panel = window.sound_panel
    panel.show_levels(ctrl.strings, (3, 5), (3, 5), "")
    panel.open()
    qtbot.waitUntil(panel.isVisible)
    return window, panel


def test_louder_pressed_twice_quickly_is_two_steps(qtbot: Any, kiosk: Any,
                                                   clock: Any) -> None:
    window, panel = _sound_panel(qtbot, kiosk)
    steps: list[tuple[str, int]] = []
    panel.adjust.disconnect()
    panel.adjust.connect(lambda kind, step: steps.append((kind, step)))
    louder = panel.buttons[("volume", 1)]
    _press(qtbot, clock, louder, 1.0)
    _press(qtbot, clock, louder, 0.2)
    _press(qtbot, clock, panel.buttons[("rate", -1)], 0.2)
    _press(qtbot, clock, panel.buttons[("rate", -1)], 0.2)
    assert steps == [("volume", 1), ("volume", 1), ("rate", -1), ("rate", -1)]
    assert window.guard.ignored_taps == 0


def test_a_double_tap_on_a_plain_button_still_counts_once(qtbot: Any, kiosk: Any,
                                                          clock: Any) -> None:
    """The rule holds for everything else: "Close" tapped twice at once is one press."""
    window, panel = _sound_panel(qtbot, kiosk)
    closed: list[bool] = []
    panel.close_button.clicked.connect(lambda: closed.append(True))
    _press(qtbot, clock, panel.close_button, 1.0)
    assert not panel.isVisible()
    panel.open()  # (as if the first tap had opened it again under the finger)
    _press(qtbot, clock, panel.close_button, 0.2)
    assert closed == [True]
    assert window.guard.ignored_taps == 1


def test_a_repeatable_button_put_under_the_finger_by_a_tap_is_protected(
        qtbot: Any, kiosk: Any, clock: Any) -> None:
    """A second tap that lands on a digit the first tap's screen put under the finger
    is the impatient double tap the rule is for: only the same button pressed again
    counts as a repeat."""
    ctrl, window = kiosk
    pin = _open_pin(qtbot, window, ctrl)
    place = pin.keys["5"].mapTo(window, pin.keys["5"].rect().center())
    pin.hide()
    clock.now += 1.0
    under = window.childAt(place)
    assert repeatable(under) is None
    qtbot.mouseClick(under, Qt.MouseButton.LeftButton, pos=under.mapFrom(window, place))
    pin = _open_pin(qtbot, window, ctrl)
    assert pin.keys["5"].mapTo(window, pin.keys["5"].rect().center()) == place
    _press(qtbot, clock, pin.keys["5"], 0.3)
    assert pin.typed == ""
    assert window.guard.ignored_taps == 1
    _press(qtbot, clock, pin.keys["5"], 0.6)  # a real press later counts
    assert pin.typed == "5"


def test_the_repeatable_button_is_found_under_the_finger(qtbot: Any, kiosk: Any) -> None:
    """From the button, its text, or an ancestor that took the touch first (a scroll
    area's viewport), the button under the finger is the one that counts."""
    ctrl, window = kiosk
    pin = _open_pin(qtbot, window, ctrl)
    five = pin.keys["5"]
    assert repeatable(five) is five
    assert repeatable(five.text_label) is five
    assert repeatable(window, five.mapToGlobal(five.rect().center())) is five
    assert repeatable(pin.keys["ok"]) is None
    assert repeatable(window, QPoint(-100, -100)) is None
