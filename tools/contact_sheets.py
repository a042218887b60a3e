"""One contact sheet per supported screen at text size ×2 (docs/screens/sheet-WxH-x2.png):
home, a step with choices, an end step, the help screen and an Arabic step, each as the
kiosk draws it on that screen; and the two screens the README shows whole (a 1366×768
screen and a portrait totem, both at ×2). Run by ``make screenshots``."""

from __future__ import annotations

import tempfile
from pathlib import Path

from kiosk import config
from kiosk.customer.audit import SCREENS
from kiosk.customer.shots import Shot, render_shots

SHEET_WIDTH = 1920  # px of a sheet; its pictures side by side, three a row
SAMPLES = (  # (name, flow, step, language, outcome)
    ("home", None, None, "fr", None),
    ("choices", "send-parcel", "weigh", "fr", None),
    ("end", "send-parcel", "drop", "fr", None),
    ("help", "send-parcel", None, "fr", "help"),
    ("arabic", "send-parcel", "weigh", "ar", None),
)
WHOLE = {(1366, 768): "1366x768-x2-fr.png", (1080, 1920): "portrait-x2-fr.png"}


def build(out: Path) -> list[Path]:
    """Write the sheets (and the whole screens of :data:`WHOLE`) into ``out``."""
    written = []
    for size in SCREENS:
        with tempfile.TemporaryDirectory(prefix="kiosk-sheet-") as tmp:
            shots = [Shot(Path(tmp) / f"{name}.png", flow, step, lang, 2.0, outcome=outcome)
                     for name, flow, step, lang, outcome in SAMPLES]
            settings = config.load({"screen_size": f"{size[0]}x{size[1]}"})
            files = render_shots(settings, shots)
            sheet = out / f"sheet-{size[0]}x{size[1]}-x2.png"
            _compose(files, sheet)
            written.append(sheet)
            if size in WHOLE:
                whole = out / WHOLE[size]
                whole.write_bytes(files[1].read_bytes())  # the step with choices
                written.append(whole)
    return written


def _compose(files: list[Path], sheet: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QImage, QPainter

    images = [QImage(str(f)) for f in files]
    columns = 3
    gap = 24
    cell_w = (SHEET_WIDTH - gap * (columns + 1)) // columns
    cell_h = round(cell_w * images[0].height() / images[0].width())
    rows = -(-len(images) // columns)
    out = QImage(SHEET_WIDTH, rows * (cell_h + gap) + gap, QImage.Format.Format_RGB32)
    out.fill(QColor("#DDE3EC"))
    painter = QPainter(out)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    for i, image in enumerate(images):
        x = gap + (i % columns) * (cell_w + gap)
        y = gap + (i // columns) * (cell_h + gap)
        painter.drawImage(x, y, image.scaled(cell_w, cell_h, Qt.AspectRatioMode.KeepAspectRatio,
                                             Qt.TransformationMode.SmoothTransformation))
    painter.end()
    if not out.save(str(sheet)):
        raise OSError(f"cannot write {sheet}")
