"""Every button role in every state (normal, focused, pressed, disabled) of both themes:
text readable (4.5:1), edges visible (3:1), a disabled button legible yet unlike an active
one, a pressed one unlike a button at rest; measured from ``BUTTON_LOOKS``, the table the
stylesheet is built from. (The focus ring: tests/customer/test_accessibility.py.)"""

from __future__ import annotations

import re

import pytest

from kiosk.ui.colors import contrast
from kiosk.ui.theme import (
    BUTTON_LOOKS,
    BUTTON_STATES,
    BUTTON_SURROUNDINGS,
    BUTTONS,
        TEXT_STYLES,
    THEMES,
    palette,
    stylesheet,
)

CASES = [(theme, role, state) for theme in THEMES for role in BUTTON_LOOKS
         for state in BUTTON_STATES]
IDS = [f"{theme}-{role}-{state}" for theme, role, state in CASES]
#: how much a pressed button's colour must change, for a finger to see that it was taken
PRESSED_CHANGE = 1.3


def test_every_role_has_every_state_and_stands_somewhere() -> None:
    assert set(BUTTON_LOOKS) == set(BUTTONS) == set(BUTTON_SURROUNDINGS)
    for role, looks in BUTTON_LOOKS.items():
        assert tuple(looks) == BUTTON_STATES, role
        normal = looks["normal"]
        assert BUTTONS[role] == (normal.bg, normal.border, role)
        assert (TEXT_STYLES[role].fg, TEXT_STYLES[role].bg) == (normal.fg, normal.bg), role


@pytest.mark.parametrize(("theme", "role", "state"), CASES, ids=IDS)
def test_text_is_readable(theme: str, role: str, state: str) -> None:
    c = palette(theme)
    look = BUTTON_LOOKS[role][state]
    ratio = contrast(c[look.fg], c[look.bg])
    assert ratio >= 4.5, f"{c[look.fg]} on {c[look.bg]}: {ratio:.2f}"


@pytest.mark.parametrize(("theme", "role", "state"), CASES, ids=IDS)
def test_edge_stands_out(theme: str, role: str, state: str) -> None:
    """The button's edge against what it stands on: its border, or, a solid border aside,
    its colour (a help button's dark border on the dark bar: its yellow shows the edge).
    A dashed border must stand out by itself, from around and from within. (Icons:
    test_icon_ring.py.)"""
    c = palette(theme)
    look = BUTTON_LOOKS[role][state]
    for around in BUTTON_SURROUNDINGS[role]:
        edge = contrast(c[look.border], c[around])
        if not look.dashed:
            edge = max(edge, contrast(c[look.bg], c[around]))
        assert edge >= 3.0, f"edge on {around}: {edge:.2f}"
    if look.dashed:
        assert contrast(c[look.border], c[look.bg]) >= 3.0


def test_the_label_keeps_its_colour_where_qt_cannot_change_it() -> None:
    """A button's text is a child label: Qt's style sheets give it the button's disabled
    state but not its pressed or focused one, so those must keep the normal text colour
    (and their background must suit it: test_text_is_readable)."""
    for role, looks in BUTTON_LOOKS.items():
        for state in ("focused", "pressed"):
            assert looks[state].fg == looks["normal"].fg, (role, state)


@pytest.mark.parametrize("theme", THEMES)
def test_a_pressed_button_visibly_changes(theme: str) -> None:
    c = palette(theme)
    for role, looks in BUTTON_LOOKS.items():
        change = contrast(c[looks["pressed"].bg], c[looks["normal"].bg])
        assert change >= PRESSED_CHANGE, f"{role}: {change:.2f}"


@pytest.mark.parametrize("theme", THEMES)
def test_a_disabled_button_is_legible_but_unlike_an_active_one(theme: str) -> None:
    """A shape (a dashed border) as well as a colour: a customer who sees colours badly
    still tells a Back that does nothing from one that works."""
    c = palette(theme)
    for role, looks in BUTTON_LOOKS.items():
        normal, disabled = looks["normal"], looks["disabled"]
        assert disabled.dashed, role
        assert not normal.dashed, role
        assert c[disabled.fg] != c[normal.fg], role
        assert not any(look.dashed for state, look in looks.items() if state != "disabled")


@pytest.mark.parametrize("theme", THEMES)
def test_the_stylesheet_gives_the_labels_their_colours_and_leaves_faces_to_the_buttons(
        theme: str) -> None:
    """A button's text follows its normal and disabled states in the sheet; its face (the
    colours the tests above measure, state by state) is painted by the button from
    ``BUTTON_LOOKS`` (kiosk.ui.faces, checked pixel by pixel in tests/ui/test_widgets.py):
    the sheet draws no background, no rounded border, no state of its own."""
    sheet = stylesheet(theme, 1.0)
    c = palette(theme)

    def rule(selector: str) -> str:
        found = re.search(re.escape(selector) + r" \{([^}]*)\}", sheet)
        assert found is not None, selector
        return found.group(1)

    for role, looks in BUTTON_LOOKS.items():
        body = rule(f'QPushButton[role="{role}"]')
        assert "background: transparent;" in body
        assert "border: 4px solid transparent;" in body
        assert "radius" not in body
        for pseudo in (":pressed", ":focus", ":disabled"):
            assert f'QPushButton[role="{role}"]{pseudo} {{' not in sheet
        label = rule(f'QPushButton[role="{role}"] QLabel')
        assert f"color: {c[looks['normal'].fg]};" in label
        disabled = rule(f'QPushButton[role="{role}"] QLabel:disabled')
        assert f"color: {c[looks['disabled'].fg]};" in disabled
