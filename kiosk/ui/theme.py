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
SCROLLBAR_PX = 40  # 10 mm at the reference density (21.5", 1920x1080)
FONT_FAMILY = "DejaVu Sans"
# the focus ring of a button reached by keys: FOCUS_RING_PX wide, in two bands of equal
# width (outer, inner) of contrasting colours, so that one of them stands out at least 3:1
# against whatever is beside it (the button's own colour, the window, a bar, a panel)
FOCUS_RING_PX = 6
FOCUS_BANDS = ("focus", "focus_halo")
# (palette keys) what a focus ring may be drawn on or beside
FOCUS_SURROUNDINGS = ("window", "card", "bar", "overlay")
# how opaque a picture is drawn on its card (``picture`` in the palette): in high contrast a
# white drawing on a grey card, both dimmed, so that a black screen has no glaring block
PICTURE_OPACITY = {"default": 1.0, "high-contrast": 0.75}


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

class ButtonLook(NamedTuple):
    """A button in one state: palette keys of its background, text and border; a dashed
    border marks a button that does nothing now (a shape, not only a colour, says so)."""

    bg: str
    fg: str
    border: str
    dashed: bool = False


# the states a button is drawn in, in stylesheet order (a later state's rule wins: a
# focused button being pressed looks pressed); a checkable button has no checked state:
# the kiosk has none
BUTTON_STATES = ("normal", "focused", "pressed", "disabled")

_DISABLED = ButtonLook("disabled", "disabled_text", "disabled_border", dashed=True)
_DISABLED_ON_BAR = ButtonLook("bar", "bar_disabled_text", "bar_disabled_text", dashed=True)

# every button role in every state, from which the stylesheet is built and which the
# accessibility tests measure. A button's text is a child QLabel, which has a disabled
# state of its own but neither the button's pressed nor its focused state (Qt's style
# sheets ignore an ancestor's pseudo-state): pressed and focused keep the normal text
# colour, on a background chosen to keep it readable. The focused state adds the focus
# ring (FOCUS_BANDS), drawn by the button.
BUTTON_LOOKS: dict[str, dict[str, ButtonLook]] = {
    "choice": {
        "normal": ButtonLook("button", "button_text", "button_border"),
        "focused": ButtonLook("button", "button_text", "button_border"),
        "pressed": ButtonLook("pressed", "button_text", "button_border"),
        "disabled": _DISABLED,
    },
    "tile": {
        "normal": ButtonLook("button", "button_text", "button_border"),
        "focused": ButtonLook("button", "button_text", "button_border"),
        "pressed": ButtonLook("pressed", "button_text", "button_border"),
        "disabled": _DISABLED,
    },
    "primary": {
        "normal": ButtonLook("primary", "primary_text", "primary"),
        "focused": ButtonLook("primary", "primary_text", "primary"),
        "pressed": ButtonLook("primary_pressed", "primary_text", "primary"),
        "disabled": _DISABLED,
    },
    "help": {
        "normal": ButtonLook("help", "help_text", "help_border"),
        "focused": ButtonLook("help", "help_text", "help_border"),
        "pressed": ButtonLook("help_pressed", "help_text", "help_border"),
        "disabled": _DISABLED_ON_BAR,
    },
    "tool": {
        "normal": ButtonLook("bar", "bar_text", "bar_text"),
        "focused": ButtonLook("bar", "bar_text", "bar_text"),
        "pressed": ButtonLook("tool_pressed", "bar_text", "bar_text"),
        "disabled": _DISABLED_ON_BAR,
    },
}

# (palette keys) what each button role stands on: its edge must stand out from them
BUTTON_SURROUNDINGS: dict[str, tuple[str, ...]] = {
    "choice": ("window", "card", "overlay"),
    "tile": ("window", "card", "overlay"),
    "primary": ("window", "card", "overlay"),
    "help": ("bar",),
    "tool": ("bar",),
}

# the buttons: role -> (background key, border key, text role), as they are at rest
BUTTONS: dict[str, tuple[str, str, str]] = {
    role: (looks["normal"].bg, looks["normal"].border, role)
    for role, looks in BUTTON_LOOKS.items()
}

# the ring ``svg_pixmap`` draws around every icon, whatever the theme: a dark band along
# the icon's edge, then a light one outside it, ICON_RING_PER_PX of the icon's size wide in
# all, so that one of the two stands out at least 3:1 from any background a button has
ICON_RING = ("#1A1A1A", "#FFFFFF")
ICON_RING_PER_PX = 1 / 16


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
        f"QFrame[role=\"picture\"] {{ background: {c['picture']}; border-radius: 20px;"
        f" qproperty-pictureOpacity: {PICTURE_OPACITY[theme]}; }}",
    ]
    for role, style in TEXT_STYLES.items():
        rules.append(f"QLabel[role=\"{role}\"] {{ color: {c[style.fg]}; "
                     f"{_font(style, scale, role)} }}")
    for role, looks in BUTTON_LOOKS.items():
        rules += _button_rules(role, looks, c, scale)
    # a scroll bar wide enough to see and to drag with a finger (10 mm), its handle the
    # cards' border colour on the window's (3:1 at least in both themes)
    rules += [
        f"QScrollBar:vertical {{ width: {SCROLLBAR_PX}px; background: {c['window']};"
        " margin: 0px; }",
        f"QScrollBar::handle:vertical {{ background: {c['card_border']}; min-height: 80px;"
        " border-radius: 10px; margin: 4px; }",
        "QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical { height: 0px; }",
        "QScrollBar::add-page:vertical, QScrollBar::sub-page:vertical { background: none; }",
    ]
    # the chosen one of a set (the language shown, on home): a thicker border, any state
    rules.append('QPushButton[selected="true"], QPushButton[selected="true"]:pressed,'
                 ' QPushButton[selected="true"]:focus { border-width: 8px; }')
    # the staff's reference on a help screen keeps the normal size whatever the customer's
    # (in the sheet rather than set on the block: a widget's own sheet is parsed again and
    # its children polished again at every help screen)
    rules += [
        f'QFrame#help-reference QLabel[role="barTitle"] {{ font-size: {px("barTitle", 1.0)}px; }}',
        f'QFrame#help-reference QLabel[role="barText"] {{ font-size: {px("barText", 1.0)}px; }}',
        'QFrame#help-reference QPushButton[role="choice"], QFrame#help-reference'
        f' QPushButton[role="choice"] QLabel {{ font-size: {px("choice", 1.0)}px; }}',
    ]
    # so does the staff's PIN pad (its keys fit a 1024 px screen whatever the text size)
    rules += [f'QFrame#staff-panel QLabel[role="{role}"], QFrame#staff-panel'
              f' QPushButton[role="{role}"], QFrame#staff-panel QPushButton[role="{role}"] QLabel'
              f' {{ font-size: {px(role, 1.0)}px; }}'
              for role in ("overlay", "choice", "primary")]
    return "\n".join(rules)


def _button_rules(role: str, looks: dict[str, ButtonLook], c: dict[str, str],
                  scale: float) -> list[str]:
    """A button role's rules: its size and font, and its text label's colours, which
    follow the button's normal and disabled states. The button's face (background and
    border in each state of ``BUTTON_LOOKS``) is painted by the button itself
    (kiosk.ui.faces): the sheet keeps a transparent border of the same width, so that the
    box is the same."""
    font = _font(TEXT_STYLES[role], scale, role)
    selector = f'QPushButton[role="{role}"]'
    normal = looks["normal"]
    return [
        f"{selector} {{ background: transparent; border: 4px solid transparent;"
        f" color: {c[normal.fg]}; padding: 0px; min-height: {MIN_TOUCH_PX}px;"
        f" min-width: {MIN_TOUCH_PX}px; {font} }}",
        f"{selector} QLabel {{ color: {c[normal.fg]}; background: transparent; {font} }}",
        f"{selector} QLabel:disabled {{ color: {c[looks['disabled'].fg]}; }}",
    ]
