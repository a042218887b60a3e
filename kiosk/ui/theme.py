"""Themes (palettes in ``assets/themes/*.json``) and the stylesheet built from them.

Every text style is declared once in ``TEXT_STYLES`` with its colours and size, so the
accessibility tests measure exactly what the screen uses.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from kiosk import paths

THEMES = ("default", "high-contrast")
SCALES = (1.0, 1.5, 2.0)
MIN_TEXT_PX = 28
MIN_TOUCH_PX = 90
FONT_FAMILY = "DejaVu Sans"
# the focus ring of a button reached by keys: FOCUS_RING_PX wide, in two bands of equal
# width (outer, inner) of contrasting colours, so that one of them stands out at least 3:1
# against whatever is beside it (the button's own colour, the window, a bar, a panel)
FOCUS_RING_PX = 6
FOCUS_BANDS = ("focus", "focus_halo")
# (palette keys) what a focus ring may be drawn on or beside
FOCUS_SURROUNDINGS = ("window", "card", "bar", "overlay", "pressed")


class TextStyle(NamedTuple):  # not a dataclass: the kiosk's start need not import dataclasses
    """A kind of text on screen: foreground and background palette keys, size at x1."""

    fg: str
    bg: str
    px: int
    bold: bool = False


# role -> style; a QLabel's or QPushButton's ``role`` property selects it
TEXT_STYLES: dict[str, TextStyle] = {
    "title": TextStyle("text", "window", 52, bold=True),
    "stepText": TextStyle("text", "card", 44),
    "hint": TextStyle("muted", "window", 30),
    "barTitle": TextStyle("bar_text", "bar", 34, bold=True),
    "barText": TextStyle("bar_text", "bar", 30),
    "choice": TextStyle("button_text", "button", 38, bold=True),
    "tile": TextStyle("button_text", "button", 34, bold=True),
    "tool": TextStyle("bar_text", "bar", 28, bold=True),
    "primary": TextStyle("primary_text", "primary", 38, bold=True),
    "help": TextStyle("help_text", "help", 32, bold=True),
    "overlay": TextStyle("overlay_text", "overlay", 44, bold=True),
    "overlayHint": TextStyle("overlay_text", "overlay", 32),
}

# (foreground, background) palette keys of controls' edges against what surrounds them
CONTROL_EDGES: tuple[tuple[str, str], ...] = (
    ("button_border", "window"), ("button_border", "card"), ("help", "bar"),
    ("help_border", "window"), ("primary", "window"), ("focus", "window"),
    ("bar_text", "bar"),
)

# the buttons: role -> (background key, border key, text role)
BUTTONS: dict[str, tuple[str, str, str]] = {
    "choice": ("button", "button_border", "choice"),
    "tile": ("button", "button_border", "tile"),
    "primary": ("primary", "primary", "primary"),
    "help": ("help", "help_border", "help"),
    "tool": ("bar", "bar_text", "tool"),
}


@cache
def palette(name: str) -> dict[str, str]:
    """The colours of a theme, by key."""
    import json  # not at import: the kiosk's first frame needs FONT_FAMILY only

    path = paths.asset("themes", f"{name}.json")
    data: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return data


def px(role: str, scale: float) -> int:
    """Font size in pixels of a text role at a text-size factor."""
    return max(MIN_TEXT_PX, round(TEXT_STYLES[role].px * scale))


def _font(style: TextStyle, scale: float, role: str) -> str:
    weight = "bold" if style.bold else "normal"
    return f"font-size: {px(role, scale)}px; font-weight: {weight};"


@cache
def stylesheet(theme: str, scale: float) -> str:
    """The whole kiosk stylesheet for a theme and a text-size factor."""
    c = palette(theme)
    rules = [
        f'* {{ font-family: "{FONT_FAMILY}"; }}',
        f"QWidget#KioskRoot, QWidget[role=\"screen\"] {{ background: {c['window']}; }}",
        f"QLabel {{ color: {c['text']}; background: transparent; }}",
        f"QWidget[role=\"bar\"] {{ background: {c['bar']}; }}",
        f"QFrame[role=\"card\"] {{ background: {c['card']}; border: 4px solid {c['card_border']};"
        " border-radius: 24px; }",
        f"QFrame[role=\"panel\"] {{ background: {c['overlay']}; border: 6px solid "
        f"{c['card_border']}; border-radius: 28px; }}",
        "QFrame[role=\"picture\"] { background: #FFFFFF; border-radius: 20px; }",
    ]
    for role, style in TEXT_STYLES.items():
        rules.append(f"QLabel[role=\"{role}\"] {{ color: {c[style.fg]}; "
                     f"{_font(style, scale, role)} }}")
    for role, (bg, border, text_role) in BUTTONS.items():
        style = TEXT_STYLES[text_role]
        rules += [
            f"QPushButton[role=\"{role}\"] {{ background: {c[bg]}; border: 4px solid {c[border]};"
            f" border-radius: 18px; padding: 0px; color: {c[style.fg]};"
            f" min-height: {MIN_TOUCH_PX}px; min-width: {MIN_TOUCH_PX}px;"
            f" {_font(style, scale, text_role)} }}",
            f"QPushButton[role=\"{role}\"]:pressed {{ background: {c['pressed']}; }}",
            f"QPushButton[role=\"{role}\"] QLabel {{ color: {c[style.fg]}; background: transparent;"
            f" {_font(style, scale, text_role)} }}",
        ]
    # the staff's reference on a help screen keeps the normal size whatever the customer's
    # (in the sheet rather than set on the block: a widget's own sheet is parsed again and
    # its children polished again at every help screen)
    rules += [
        f'QFrame#help-reference QLabel[role="barTitle"] {{ font-size: {px("barTitle", 1.0)}px; }}',
        f'QFrame#help-reference QLabel[role="barText"] {{ font-size: {px("barText", 1.0)}px; }}',
        'QFrame#help-reference QPushButton[role="choice"], QFrame#help-reference'
        f' QPushButton[role="choice"] QLabel {{ font-size: {px("choice", 1.0)}px; }}',
    ]
    return "\n".join(rules)
