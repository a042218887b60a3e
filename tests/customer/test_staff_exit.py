"""The staff's way out of the locked-down kiosk: the corner gesture, on the Home button's
side in either direction, and a PIN pad in a phone's order in every language."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget

from tests.customer.conftest import tap


def _look(ctrl: Any, window: Any, lang: str) -> None:
    ctrl.set_language(lang)
    window.restyle()


def _pad_rows(window: Any) -> list[list[str]]:
    """The pad's keys as seen on screen: rows top to bottom, each left to right."""
    keys = window.pin.keys
    centres = {k: b.mapTo(window, b.rect().center()) for k, b in keys.items()}
    rows: dict[int, list[str]] = {}
    for k, c in centres.items():
        rows.setdefault(c.y(), []).append(k)
    return [sorted(row, key=lambda k: centres[k].x()) for _, row in sorted(rows.items())]


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_pin_pad_keeps_a_phones_order_in_every_direction(qtbot: Any, kiosk: Any,
                                                             lang: str) -> None:
    """DESIGN.md: number pads are never mirrored; 1-2-3 reads from the left in Arabic
    too, Erase bottom left, OK bottom right, as on a phone."""
    ctrl, window = kiosk
    _look(ctrl, window, lang)
    assert window.isRightToLeft() == (lang == "ar")
    window.pin.ask(ctrl.strings)
    qtbot.waitUntil(lambda: window.pin.keys["ok"].width() > 0 and window.pin.isVisible())
    assert _pad_rows(window) == [["1", "2", "3"], ["4", "5", "6"], ["7", "8", "9"],
                                 ["erase", "0", "ok"]]
    # the panel around it is still right to left: its texts read the window's way
    assert window.pin.keys["erase"].text_label.text() == ctrl.strings.t("admin.erase")
    assert window.pin.title.isRightToLeft() == (lang == "ar")


def test_the_pin_pad_is_in_the_same_place_in_french_and_arabic(qtbot: Any,
                                                               kiosk: Any) -> None:
    ctrl, window = kiosk
    where = {}
    for lang in ("fr", "ar"):
        _look(ctrl, window, lang)
        window.pin.ask(ctrl.strings)
        qtbot.waitUntil(window.pin.isVisible)
        window.pin.layout().activate()
        where[lang] = {k: b.mapTo(window, b.rect().center()).x()
                       for k, b in window.pin.keys.items() if k.isdigit()}
        window.pin.hide()
    assert where["ar"] == where["fr"]


def _corner_taps(qtbot: Any, window: Any, clock: Any, pos: QPoint) -> None:
    for _ in range(int(window.guard.corner_taps)):
        clock.now += 0.6
        qtbot.mouseClick(window, Qt.MouseButton.LeftButton, pos=pos)


def test_the_staff_corner_is_top_left_in_french(qtbot: Any, kiosk: Any, clock: Any) -> None:
    ctrl, window = kiosk
    right = QPoint(window.width() - 5, 5)
    assert window.guard.in_corner(QPoint(5, 5))
    assert not window.guard.in_corner(right)
    _corner_taps(qtbot, window, clock, right)
    assert not window.pin.isVisible()
    _corner_taps(qtbot, window, clock, QPoint(5, 5))
    assert window.pin.isVisible()


def test_the_staff_corner_is_top_right_in_arabic(qtbot: Any, kiosk: Any, clock: Any) -> None:
    """The top bar is mirrored: "Call a mediator" is at the top left, and taps there would
    call one; the corner is on the Home button's side, the top right."""
    ctrl, window = kiosk
    _look(ctrl, window, "ar")
    ctrl.start_flow("send-parcel")  # the Home button shows
    window.layout().activate()
    help_button = window.findChild(QWidget, "help")
    home_button = window.findChild(QWidget, "home")
    assert help_button.mapTo(window, help_button.rect().center()).x() < window.width() // 2
    assert home_button.mapTo(window, home_button.rect().center()).x() > window.width() // 2
    right = QPoint(window.width() - 5, 5)
    assert window.guard.in_corner(right)
    assert not window.guard.in_corner(QPoint(5, 5))
    tap(qtbot, home_button, clock)  # home again: nothing under the corner now
    _corner_taps(qtbot, window, clock, right)
    assert window.pin.isVisible()
    window.pin.hide()
    for _ in range(int(window.guard.corner_taps)):  # the top left counts no more
        clock.now += 0.6
        window.guard.corner_tap(QPoint(5, 5), clock.now)
    assert not window.pin.isVisible()
    _look(ctrl, window, "fr")  # back to left to right: the corner moves back
    assert window.guard.in_corner(QPoint(5, 5))
