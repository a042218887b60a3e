"""A picture of a USB numeric keypad with what each key does on the kiosk, for
docs/accessibility.md: keycaps drawn like a photo of the real thing (a dark body, lit
keycaps with a shadow), each key the kiosk uses coloured by what it does and captioned.
The captions come from the kiosk's one key map (kiosk.customer.keys), so the picture says
what the code does.

    python tools/keypad_picture.py [--png docs/screens/keypad-map.png]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QLinearGradient, QPainter, QPainterPath, QPen

from kiosk.customer import keys
from kiosk.ui.theme import FONT_FAMILY

OUT = Path(__file__).resolve().parents[1] / "docs" / "screens" / "keypad-map.png"
UNIT = 150  # a keycap's pitch, px
#: short captions for the picture (the docs' table says more); one per action of KEYMAP
CAPTIONS = {keys.NEXT: "next", keys.PREVIOUS: "previous", keys.ACTIVATE: "press",
            keys.BACK: "back", keys.REPEAT: "repeat", keys.LOUDER: "louder",
            keys.SOFTER: "softer", keys.MEDIATOR: "mediator", keys.KEY_HELP: "key help"}
COLOURS = {keys.NEXT: "#2E7D32", keys.PREVIOUS: "#1565C0", keys.ACTIVATE: "#F9A825",
           keys.BACK: "#6A1B9A", keys.REPEAT: "#00838F", keys.LOUDER: "#5D4037",
           keys.SOFTER: "#5D4037", keys.MEDIATOR: "#C62828", keys.KEY_HELP: "#37474F"}
#: a standard keypad: (printed label, column, row, width, height) in keycaps
LAYOUT = (
    ("Num", 0, 0, 1, 1), ("/", 1, 0, 1, 1), ("*", 2, 0, 1, 1), ("-", 3, 0, 1, 1),
    ("7", 0, 1, 1, 1), ("8", 1, 1, 1, 1), ("9", 2, 1, 1, 1), ("+", 3, 1, 1, 2),
    ("4", 0, 2, 1, 1), ("5", 1, 2, 1, 1), ("6", 2, 2, 1, 1),
    ("1", 0, 3, 1, 1), ("2", 1, 3, 1, 1), ("3", 2, 3, 1, 1), ("Enter", 3, 3, 1, 2),
    ("0", 0, 4, 2, 1), (".", 2, 4, 1, 1),
)


def keypad_actions() -> dict[str, str]:
    """The keypad's printed labels and their actions, read from the key map."""
    out: dict[str, str] = {}
    for binding in keys.KEYMAP:
        for spec in binding.keys:
            if spec.keypad and spec.name.startswith("Keypad "):
                out[spec.name.removeprefix("Keypad ")] = binding.action
    return out


def _font(px: int, bold: bool = False) -> QFont:
    font = QFont(FONT_FAMILY)
    font.setPixelSize(px)
    font.setBold(bold)
    return font


def draw(image: QImage) -> dict[str, str]:
    """Paint the keypad on ``image``; returns the captions drawn, by printed label."""
    actions = keypad_actions()
    drawn: dict[str, str] = {}
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.fillRect(image.rect(), QColor("#ECEFF1"))
    margin = 60
    body = QRectF(margin, margin, 4 * UNIT + 40, 5 * UNIT + 40)
    shadow = QPainterPath()
    shadow.addRoundedRect(body.translated(10, 14), 36, 36)
    p.fillPath(shadow, QColor(0, 0, 0, 70))
    case = QLinearGradient(body.topLeft(), body.bottomLeft())
    case.setColorAt(0, QColor("#3A3F44"))
    case.setColorAt(1, QColor("#1E2124"))
    outline = QPainterPath()
    outline.addRoundedRect(body, 36, 36)
    p.fillPath(outline, case)
    for label, col, row, w, h in LAYOUT:
        rect = QRectF(body.x() + 20 + col * UNIT + 8, body.y() + 20 + row * UNIT + 8,
                      w * UNIT - 16, h * UNIT - 16)
        action = actions.get(label)
        base = QColor(COLOURS[action]) if action else QColor("#B0BEC5")
        cap_shadow = QPainterPath()
        cap_shadow.addRoundedRect(rect.translated(0, 7), 18, 18)
        p.fillPath(cap_shadow, base.darker(190))
        top = QLinearGradient(rect.topLeft(), rect.bottomLeft())
        top.setColorAt(0, base.lighter(135))
        top.setColorAt(1, base)
        cap = QPainterPath()
        cap.addRoundedRect(rect, 18, 18)
        p.fillPath(cap, top)
        p.setPen(QPen(QColor(255, 255, 255, 90), 2))
        p.drawPath(cap)
        ink = QColor("#1A1A1A") if action in (keys.ACTIVATE, None) else QColor("#FFFFFF")
        p.setPen(ink)
        p.setFont(_font(44 if len(label) == 1 else 28, bold=True))
        p.drawText(rect.adjusted(0, 10, 0, -rect.height() / 2 + 10),
                   Qt.AlignmentFlag.AlignCenter, label)
        if action:
            caption = CAPTIONS[action]
            p.setFont(_font(24, bold=True))
            p.drawText(rect.adjusted(6, rect.height() / 2 - 4, -6, -8),
                       Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, caption)
            drawn[label] = caption
    # the legend: the keyboard's keys that do the same, beside the keypad
    x = body.right() + 70
    p.setPen(QColor("#1A1A1A"))
    p.setFont(_font(34, bold=True))
    p.drawText(QPointF(x, margin + 40), "Keypad and keyboard keys")
    y = margin + 100
    for binding in keys.KEYMAP:
        p.setBrush(QColor(COLOURS[binding.action]))
        p.setPen(Qt.PenStyle.NoPen)
        p.drawRoundedRect(QRectF(x, y - 26, 34, 34), 8, 8)
        p.setPen(QColor("#1A1A1A"))
        p.setFont(_font(26, bold=True))
        p.drawText(QPointF(x + 50, y), CAPTIONS[binding.action])
        p.setFont(_font(22))
        p.drawText(QPointF(x + 50, y + 32), ", ".join(spec.name for spec in binding.keys))
        y += 84
    p.end()
    return drawn


def build(png: Path = OUT) -> list[Path]:
    """Draw the picture into ``png``."""
    from kiosk.ui.qt import application

    application(offscreen=True)
    image = QImage(1500, 900, QImage.Format.Format_RGB32)
    draw(image)
    png.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(png)):
        raise OSError(f"cannot write {png}")
    return [png]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--png", type=Path, default=OUT)
    args = parser.parse_args(argv)
    print("\n".join(str(p) for p in build(args.png)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
