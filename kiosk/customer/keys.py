"""The customer kiosk's key map, defined once: which key of a keyboard or of a USB numeric
keypad does what. The key handling (kiosk.customer.keypad) reads ``action_for``; the key
help said aloud follows ``KEYMAP``'s order; docs/accessibility.md and README.md show
``markdown_table()`` (a test checks that they match).

A keypad key comes with Qt's KeypadModifier. With NumLock off, the keypad's digits arrive
as the keys printed under them (2 as Down, 4 as Left, 5 as Clear, 6 as Right, 8 as Up,
0 as Insert), still with KeypadModifier: both are mapped. Number keys are never mirrored;
Left and Right of the arrow keys follow reading order (swapped in a right-to-left language).
Keys with Alt, Ctrl or Meta do nothing here (the lockdown's guard swallows those that
would leave the kiosk).
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import Qt

NEXT, PREVIOUS, ACTIVATE, BACK = "next", "previous", "activate", "back"
REPEAT, LOUDER, SOFTER, MEDIATOR, KEY_HELP = "repeat", "louder", "softer", "mediator", "key_help"

K = Qt.Key


class KeySpec(NamedTuple):
    """One key as the docs name it, and the Qt keys it may arrive as (``keypad``: it comes
    with KeypadModifier; ``mirrored``: it means the opposite move in right-to-left)."""

    name: str
    keys: tuple[Qt.Key, ...]
    keypad: bool = False
    mirrored: bool = False


class Binding(NamedTuple):
    action: str
    what: str  # for the docs (English); the customer hears catalog key keys.help.<action>
    keys: tuple[KeySpec, ...]


KEYMAP: tuple[Binding, ...] = (
    Binding(NEXT, "next element (Right is previous in Arabic)", (
        KeySpec("Down", (K.Key_Down,)), KeySpec("Right", (K.Key_Right,), mirrored=True),
        KeySpec("Tab", (K.Key_Tab,)),
        KeySpec("Keypad 2", (K.Key_2, K.Key_Down), keypad=True),
        KeySpec("Keypad 6", (K.Key_6, K.Key_Right), keypad=True))),
    Binding(PREVIOUS, "previous element (Left is next in Arabic)", (
        KeySpec("Up", (K.Key_Up,)), KeySpec("Left", (K.Key_Left,), mirrored=True),
        KeySpec("Shift+Tab", (K.Key_Backtab,)),
        KeySpec("Keypad 8", (K.Key_8, K.Key_Up), keypad=True))),
    Binding(ACTIVATE, "activate the element (press the button)", (
        KeySpec("Enter", (K.Key_Return, K.Key_Enter)),
        KeySpec("Keypad Enter", (K.Key_Enter, K.Key_Return), keypad=True),
        KeySpec("Space", (K.Key_Space,)),
        KeySpec("Keypad 5", (K.Key_5, K.Key_Clear), keypad=True))),
    Binding(BACK, "back (closes a panel)", (
        KeySpec("Backspace", (K.Key_Backspace,)),
        KeySpec("Keypad 4", (K.Key_4, K.Key_Left), keypad=True))),
    Binding(REPEAT, "say the screen again, then the element", (
        KeySpec("Keypad 0", (K.Key_0, K.Key_Insert), keypad=True),)),
    Binding(LOUDER, "louder", (KeySpec("Keypad +", (K.Key_Plus,), keypad=True),)),
    Binding(SOFTER, "softer", (KeySpec("Keypad -", (K.Key_Minus,), keypad=True),)),
    Binding(MEDIATOR, "call a mediator (Enter or keypad 5 confirms, any other key cancels)", (
        KeySpec("Keypad *", (K.Key_Asterisk,), keypad=True),)),
    Binding(KEY_HELP, "say what each key does", (
        KeySpec("Keypad /", (K.Key_Slash,), keypad=True),)),
)

OPPOSITE = {NEXT: PREVIOUS, PREVIOUS: NEXT}
MODIFIER_KEYS = frozenset({K.Key_Shift, K.Key_Control, K.Key_Alt, K.Key_AltGr, K.Key_Meta,
                           K.Key_Super_L, K.Key_Super_R, K.Key_CapsLock,
                           K.Key_NumLock, K.Key_ScrollLock})
_BLOCKING = (Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ControlModifier
             | Qt.KeyboardModifier.MetaModifier)


def action_for(key: int, modifiers: Qt.KeyboardModifier, rtl: bool = False) -> str | None:
    """The action of a key press (``QKeyEvent.key()``, ``.modifiers()``), or None."""
    if modifiers & _BLOCKING:
        return None
    if key == K.Key_Backtab or (key == K.Key_Tab and modifiers & Qt.KeyboardModifier.ShiftModifier):
        return PREVIOUS  # Shift+Tab comes as Backtab, with or without Shift
    keypad = bool(modifiers & Qt.KeyboardModifier.KeypadModifier)
    for binding in KEYMAP:
        for spec in binding.keys:
            if spec.keypad != keypad or key not in spec.keys:
                continue
            if spec.mirrored and rtl:
                return OPPOSITE[binding.action]
            return binding.action
    return None


def markdown_table() -> str:
    """The key map as a Markdown table (for the docs)."""
    rows = ["| Keys | What they do |", "|---|---|"]
    for binding in KEYMAP:
        names = ", ".join(spec.name for spec in binding.keys)
        rows.append(f"| {names} | {binding.what} |")
    return "\n".join(rows)


if __name__ == "__main__":  # the table for the docs: python -m kiosk.customer.keys
    print(markdown_table())
