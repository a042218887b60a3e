"""Buttons and pictures as the screen draws them: each button role rendered offscreen in
each state of both themes, its label's pixels against its background's, its border and
its icon's edge; the picture card dimmed in high contrast."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QHBoxLayout, QWidget

from kiosk.ui.colors import contrast, luminance
from kiosk.ui.icon_ring import ring_width
from kiosk.ui.theme import (
    BUTTON_LOOKS,
    BUTTON_SURROUNDINGS,
    FOCUS_BANDS,
    THEMES,
    palette,
    stylesheet,
)
from kiosk.ui.widgets import BigButton, Picture, svg_pixmap
from tests.ui.pixels import colours, edge_misses, outer_edge

ICON_PX = 52  # the smallest icon of the kiosk's buttons (the bottom bar's)
STATES = ("normal", "focused", "pressed", "disabled")


def _stage(qtbot: Any, theme: str, child: QWidget, around: str) -> QWidget:
    """``child`` in a window styled as the kiosk's, on a background of role ``around``."""
    stage = QWidget()
    stage.setObjectName("KioskRoot")
    stage.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
    stage.setProperty("role", around)
    stage.setProperty("kioskTheme", theme)  # the focus ring's colours
    stage.setStyleSheet(stylesheet(theme, 1.0))
    row = QHBoxLayout(stage)
    row.setContentsMargins(20, 20, 20, 20)
    row.addWidget(child)
    stage.resize(520, 200)
    qtbot.addWidget(stage)
    stage.show()
    qtbot.waitExposed(stage)
    return stage


def _text_colour(image: QImage, rect: QRect, background: str) -> str:
    """The label's colour: the commonest in its rectangle after the background."""
    counts = colours(image, rect)
    assert counts.most_common(1)[0][0] == background
    counts.pop(background)
    return counts.most_common(1)[0][0]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", list(BUTTON_LOOKS))
@pytest.mark.parametrize("theme", THEMES)
def test_a_button_draws_each_state_as_the_theme_says(qtbot: Any, theme: str, role: str,
                                                     state: str) -> None:
    c = palette(theme)
    look = BUTTON_LOOKS[role][state]
    around = "bar" if BUTTON_SURROUNDINGS[role] == ("bar",) else "screen"
    button = BigButton("Retour", role, "back.svg", icon_px=ICON_PX)
    _window = _stage(qtbot, theme, button, around)
    if state == "focused":
        button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        button.activateWindow()
        button.setFocus()
        qtbot.waitUntil(button.hasFocus)
    button.setDown(state == "pressed")
    button.setEnabled(state != "disabled")
    image = button.grab().toImage()
    bg = c[look.bg]
    assert colours(image).most_common(1)[0][0] == bg

    text = _text_colour(image, button.text_label.geometry(), bg)
    assert text == c[look.fg]
    assert contrast(text, bg) >= 4.5, f"{text} on {bg}"

    left_edge = colours(image, QRect(1, 20, 1, image.height() - 40))
    if state == "focused":  # the ring covers the border: its outer band is drawn there
        assert left_edge.most_common(1)[0][0] == c[FOCUS_BANDS[0]]
    else:
        assert c[look.border] in left_edge

    assert button.icon_label is not None
    icon = button.icon_label.geometry()
    edge = outer_edge(svg_pixmap("icons", "back.svg", ICON_PX).toImage())
    misses = edge_misses(image.copy(icon), edge, bg, ring_width(ICON_PX) + 1)
    assert misses == [], f"the icon's edge vanishes on {bg} at {misses[:5]}"


def test_a_pressed_label_is_read_against_the_pressed_colour(qtbot: Any) -> None:
    """The tester's case: white on the light pressed colour (1.31:1) in the default theme,
    black on dark olive (1.61:1) in high contrast. Pressed, the label's pixels stand out
    from the pressed background in both."""
    for theme in THEMES:
        c = palette(theme)
        for role in ("primary", "tool"):
            button = BigButton("Suivant", role, "back.svg", icon_px=ICON_PX)
            _window = _stage(qtbot, theme, button, "bar" if role == "tool" else "screen")
            button.setDown(True)
            image = button.grab().toImage()
            pressed = c[BUTTON_LOOKS[role]["pressed"].bg]
            text = _text_colour(image, button.text_label.geometry(), pressed)
            assert contrast(text, pressed) >= 4.5, f"{theme} {role}: {text} on {pressed}"


def _brightest(image: QImage) -> float:
    return max(luminance(colour) for colour in colours(image))


@pytest.mark.parametrize("theme", THEMES)
def test_high_contrast_dims_the_picture_card(qtbot: Any, theme: str) -> None:
    """On a black screen a white card is a glaring block: in high contrast the card is
    grey and the drawing is dimmed on it, still drawn with its own contrasts."""
    picture = Picture(name="letter-on-scale.svg")
    _window = _stage(qtbot, theme, picture, "screen")
    image = picture.grab().toImage()
    counts = colours(image)
    card = palette(theme)["picture"]
    assert counts.most_common(1)[0][0] == card
    if theme == "default":
        assert _brightest(image) == 1.0  # white, as drawn
    else:
        assert _brightest(image) <= 0.8  # no white: at most 80% of its luminance
        assert luminance(card) <= 0.35
        darkest = min(counts, key=luminance)
        assert contrast(darkest, card) >= 3.0  # the drawing's lines still stand out
