"""The A4 poster to stick beside the kiosk: what it does, "Touchez l'écran pour
commencer", the yellow help button, the languages and the voice, in French first with
short lines in English, Arabic (right to left), Spanish and Portuguese, and the home
screen's picture.

Drawn with QPainter on a QPdfWriter (DejaVu Sans, embedded); the PNG preview is the PDF
rendered by QtPdf when it is installed, else the same drawing painted on an image. The
buttons' names come from the kiosk's own catalogs, so the poster says what the screen says.

    python tools/poster.py [--pdf docs/poster-kiosk.pdf] [--png docs/screens/poster-fr.png]
"""

from __future__ import annotations

import argparse
import html
import sys
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPalette,
    QPdfWriter,
    QPen,
    QTextDocument,
)
from PySide6.QtSvg import QSvgRenderer

from kiosk import paths
from kiosk.i18n import catalog
from kiosk.ui.theme import FONT_FAMILY, palette

ROOT = Path(__file__).resolve().parents[1]
PDF = ROOT / "docs" / "poster-kiosk.pdf"
PNG = ROOT / "docs" / "screens" / "poster-fr.png"
PICTURE = ROOT / "docs" / "screens" / "home-fr.png"
DPI = 300
PAGE_MM = (210.0, 297.0)
MARGIN = 12.0
PNG_WIDTH = 1240  # 150 dpi
SHOT_WIDTH = 150.0  # mm, the home screen's picture

FRENCH = {
    "title": "Besoin d'aide avec les machines ?",
    "subtitle": "Cette borne vous explique pas à pas comment affranchir une lettre, envoyer ou "
                "retirer un colis, acheter des timbres, suivre un envoi ou utiliser une consigne.",
    "start": "Touchez l'écran pour commencer",
    "rows": (
        ("mediator.svg", "Besoin d'une personne ? Touchez le bouton jaune « {help} » : "
                         "un médiateur vient vous aider."),
        ("speaker.svg", "La borne vous parle : elle lit chaque écran à voix haute. "
                        "Touchez « {listen} » ou « {repeat} »."),
        ("world.svg", "5 langues : Français, English, العربية, Español, Português. "
                      "Touchez votre drapeau en bas de l'écran."),
    ),
    "footer": "Gratuit, sans compte. Quand vous partez, l'écran s'efface tout seul.",
}
OTHERS = {
    "en": ("Touch the screen to start.", "Need help? Press the yellow button “{help}”.",
           "The kiosk speaks English: press “{listen}”."),
    "ar": ("المس الشاشة للبدء.", "تحتاج إلى مساعدة؟ اضغط على الزر الأصفر «{help}».",
           "الجهاز يتكلم العربية: اضغط على «{listen}»."),
    "es": ("Toque la pantalla para empezar.", "¿Necesita ayuda? Pulse el botón amarillo «{help}».",
           "La pantalla le habla en español: pulse «{listen}»."),
    "pt": ("Toque no ecrã para começar.", "Precisa de ajuda? Carregue no botão amarelo «{help}».",
           "O ecrã fala português: carregue em «{listen}»."),
}


def french(text: str) -> str:
    """French typography: no line break inside « » or before ? ! : ;"""
    for a, b in (("« ", "«\u00a0"), (" »", "\u00a0»"), (" ?", "\u00a0?"), (" !", "\u00a0!"),
                 (" :", "\u00a0:"), (" ;", "\u00a0;")):
        text = text.replace(a, b)
    return text


def words(lang: str) -> dict[str, str]:
    """The kiosk's own names of its buttons in ``lang``."""
    t = catalog(lang).t
    return {"help": t("bar.help"), "listen": t("home.listen_hint"), "repeat": t("bar.repeat")}


class Sheet:
    """Draws in millimetres on a painter whose device has ``dpi`` dots per inch."""

    def __init__(self, painter: QPainter, dpi: float) -> None:
        self.p, self.dpi = painter, dpi
        self.c = palette("default")

    def mm(self, value: float) -> float:
        return value * self.dpi / 25.4

    def rect(self, x: float, y: float, w: float, h: float) -> QRectF:
        return QRectF(self.mm(x), self.mm(y), self.mm(w), self.mm(h))

    def font(self, pt: float, bold: bool = False) -> QFont:
        font = QFont(FONT_FAMILY)
        font.setPixelSize(max(1, round(pt * self.dpi / 72)))
        font.setBold(bold)
        return font

    def _layout(self, text: str, x: float, y: float, w: float, pt: float, bold: bool,
                align: Qt.AlignmentFlag) -> tuple[QFont, int, QRectF]:
        font = self.font(pt, bold)
        flags = int(align | Qt.AlignmentFlag.AlignAbsolute | Qt.TextFlag.TextWordWrap)
        box = QRectF(self.mm(x), self.mm(y), self.mm(w), self.mm(400))
        height = QFontMetricsF(font).boundingRect(box, flags, text).height()
        return font, flags, QRectF(box.x(), box.y(), box.width(), height)

    def height(self, text: str, w: float, pt: float, bold: bool = False) -> float:
        """The height in millimetres of a paragraph ``w`` mm wide."""
        rect = self._layout(text, 0, 0, w, pt, bold, Qt.AlignmentFlag.AlignLeft)[2]
        return rect.height() * 25.4 / self.dpi

    def text(self, text: str, x: float, y: float, w: float, pt: float, bold: bool = False,
             color: str = "text", align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
             rtl: bool = False) -> float:
        """A wrapped paragraph (``align`` on the page); returns its height in mm. A
        right-to-left one is laid out as ``<div dir="rtl">``, flush right: the plain text
        layout leaves each wrapped Arabic line's trailing space on its right."""
        if rtl:
            return self._rtl(text, x, y, w, pt, bold, color)
        font, flags, rect = self._layout(text, x, y, w, pt, bold, align)
        self.p.save()
        self.p.setFont(font)
        self.p.setPen(QColor(self.c.get(color, color)))
        self.p.drawText(rect, flags, text)
        self.p.restore()
        return rect.height() * 25.4 / self.dpi

    def _rtl(self, text: str, x: float, y: float, w: float, pt: float, bold: bool,
             color: str) -> float:
        doc = QTextDocument()
        doc.setDefaultFont(self.font(pt, bold))
        doc.setDocumentMargin(0)
        doc.setHtml(f'<div dir="rtl">{html.escape(text)}</div>')
        doc.setTextWidth(self.mm(w))
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text, QColor(self.c.get(color, color)))
        self.p.save()
        self.p.translate(self.mm(x), self.mm(y))
        doc.documentLayout().draw(self.p, context)
        self.p.restore()
        return doc.size().height() * 25.4 / self.dpi

    def svg(self, kind: str, name: str, x: float, y: float, w: float, h: float) -> None:
        renderer = QSvgRenderer(str(paths.asset(kind, name)))
        view = renderer.viewBoxF()
        k = min(w / view.width(), h / view.height())
        renderer.render(self.p, self.rect(x + (w - view.width() * k) / 2,
                                          y + (h - view.height() * k) / 2,
                                          view.width() * k, view.height() * k))

    def box(self, x: float, y: float, w: float, h: float, fill: str, line: str | None = None,
            radius: float = 3.0, width: float = 0.8) -> None:
        path = QPainterPath()
        path.addRoundedRect(self.rect(x, y, w, h), self.mm(radius), self.mm(radius))
        self.p.fillPath(path, QColor(self.c.get(fill, fill)))
        if line:
            self.p.setPen(QPen(QColor(self.c.get(line, line)), self.mm(width)))
            self.p.drawPath(path)


def paint(painter: QPainter, dpi: float, picture: Path = PICTURE) -> None:
    """The whole poster, on a page of A4 at ``dpi``."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    s = Sheet(painter, dpi)
    width = PAGE_MM[0] - 2 * MARGIN
    fr = words("fr")
    fr_text = {k: french(v) for k, v in FRENCH.items() if isinstance(v, str)}
    # the band: what the kiosk is for
    band = 10 + s.height(fr_text["title"], width, 26, True) + 2 \
        + s.height(fr_text["subtitle"], width, 13) + 8
    s.box(0, 0, PAGE_MM[0], band, "bar", radius=0)
    s.box(0, band, PAGE_MM[0], 2.5, "help", radius=0)
    y = 10 + s.text(fr_text["title"], MARGIN, 10, width, 26, bold=True, color="bar_text")
    s.text(fr_text["subtitle"], MARGIN, y + 2, width, 13, color="bar_text")
    # touch to start, and the screen they will see
    y = band + 8
    y += s.text(fr_text["start"], MARGIN, y, width, 27, bold=True, color="primary",
                align=Qt.AlignmentFlag.AlignHCenter) + 3
    image = QImage(str(picture))
    shot_w = SHOT_WIDTH
    shot_h = shot_w * (image.height() / image.width() if not image.isNull() else 9 / 16)
    shot_x = (PAGE_MM[0] - shot_w) / 2
    if not image.isNull():
        target = s.rect(shot_x, y, shot_w, shot_h)
        scaled = image.scaled(QSize(round(target.width() / 2), round(target.height() / 2)),
                              Qt.AspectRatioMode.KeepAspectRatio,
                              Qt.TransformationMode.SmoothTransformation)
        painter.drawImage(target, scaled)
    s.box(shot_x, y, shot_w, shot_h, "#00000000", "text", radius=1.0, width=0.5)
    y += shot_h + 7
    # help, voice, languages
    for icon, line in FRENCH["rows"]:
        s.box(MARGIN, y, 15, 15, "help" if icon == "mediator.svg" else "window")
        s.svg("icons", icon, MARGIN + 1.5, y + 1.5, 12, 12)
        used = s.text(french(line.format(**fr)), MARGIN + 20, y + 0.3, width - 20, 14)
        y += max(15.0, used) + 3
    # the other languages, two by two; Arabic right to left
    y += 2
    column = (width - 8) / 2
    row_h = 0.0
    for i, (lang, lines) in enumerate(OTHERS.items()):
        if i % 2 == 0:
            y += row_h
            row_h = 0.0
        x = MARGIN + (i % 2) * (column + 8)
        rtl = catalog(lang).rtl
        right = Qt.AlignmentFlag.AlignRight
        align = right if rtl else Qt.AlignmentFlag.AlignLeft
        s.svg("flags", f"{lang}.svg", x + column - 12 if rtl else x, y, 12, 8)
        s.text(catalog(lang).name, x if rtl else x + 15, y + 0.6, column - 15, 13, bold=True,
               align=align, rtl=rtl)
        body = " ".join(lines).format(**words(lang))
        used = s.text(body, x, y + 10, column, 11, align=align, rtl=rtl)
        row_h = max(row_h, 10 + used + 5)
    y += row_h
    footer = PAGE_MM[1] - MARGIN - 5
    if y > footer:
        raise ValueError(f"the poster runs {y - footer:.1f} mm too long")
    s.text(fr_text["footer"], MARGIN, footer, width, 11, color="muted",
           align=Qt.AlignmentFlag.AlignHCenter)


def write_pdf(path: Path, picture: Path = PICTURE) -> Path:
    """The poster as a one-page A4 PDF."""
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = QPdfWriter(str(path))
    writer.setResolution(DPI)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                     QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
    writer.setTitle("Guichet Kiosk — affiche")
    writer.setCreator("Guichet Kiosk")
    painter = QPainter(writer)
    try:
        paint(painter, DPI, picture)
    finally:
        painter.end()
    return path


def rendered(pdf: Path, width: int) -> QImage | None:
    """The PDF's only page rendered by QtPdf; None without QtPdf or a one-page PDF."""
    try:
        from PySide6.QtPdf import QPdfDocument
    except ImportError:
        return None
    document = QPdfDocument()
    image = None
    if document.load(str(pdf)) == QPdfDocument.Error.None_ and document.pageCount() == 1:
        image = document.render(0, QSize(width, round(width * PAGE_MM[1] / PAGE_MM[0])))
    document.close()
    return image if image is not None and not image.isNull() else None


def write_png(pdf: Path, path: Path, picture: Path = PICTURE, width: int = PNG_WIDTH,
              use_pdf: bool = True) -> Path:
    """A preview of the poster: the PDF rendered by QtPdf, else the same drawing."""
    height = round(width * PAGE_MM[1] / PAGE_MM[0])
    image = rendered(pdf, width) if use_pdf else None
    if image is None:  # painted at the PDF's resolution, so that lines wrap the same
        page = QImage(round(PAGE_MM[0] / 25.4 * DPI), round(PAGE_MM[1] / 25.4 * DPI),
                      QImage.Format.Format_RGB32)
        page.fill(QColor("#FFFFFF"))
        painter = QPainter(page)
        try:
            paint(painter, DPI, picture)
        finally:
            painter.end()
        image = page.scaled(QSize(width, height), Qt.AspectRatioMode.IgnoreAspectRatio,
                            Qt.TransformationMode.SmoothTransformation)
    else:  # a page rendered by QtPdf is transparent where nothing is drawn
        flat = QImage(image.size(), QImage.Format.Format_RGB32)
        flat.fill(QColor("#FFFFFF"))
        painter = QPainter(flat)
        painter.drawImage(QPointF(0, 0), image)
        painter.end()
        image = flat
    path.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(path)):
        raise RuntimeError(f"could not save {path}")
    return path


def build(pdf: Path = PDF, png: Path | None = PNG, picture: Path = PICTURE) -> list[Path]:
    """Write the PDF (and its PNG preview); returns the files written."""
    from kiosk.ui.qt import application

    application(offscreen=True)
    out = [write_pdf(pdf, picture)]
    if png is not None:
        out.append(write_png(pdf, png, picture))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdf", type=Path, default=PDF)
    parser.add_argument("--png", type=Path, default=PNG)
    parser.add_argument("--picture", type=Path, default=PICTURE)
    args = parser.parse_args(argv)
    for path in build(args.pdf, args.png, args.picture):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
