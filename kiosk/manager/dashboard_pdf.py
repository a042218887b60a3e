"""The dashboard's period report as an A4 PDF, drawn with Qt's QPdfWriter the way
``workshops_pdf`` draws the workshops' report: a title, the office's name, the period and
the period it is compared with, the key figures as a table (this period, the other one,
the difference in words), then charts (QtCharts scenes drawn as vectors), each on the
page where it fits whole, and on every page the date it was made and its page number.

This module only draws what it is given (texts already in the app's language, charts
already filled); painting takes a few milliseconds, so it is done on the UI thread into
memory and the caller writes the bytes to disk off the UI thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCharts import QChartView
from PySide6.QtCore import QByteArray, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPdfWriter, QPen

from kiosk.manager.workshops_pdf import BLUE, DPI, INK, LINE, MUTED, SHADE, a4_writer
from kiosk.ui.theme import FONT_FAMILY

HEADER_SHADE = "#D5DFEF"
COLUMNS = (0.34, 0.18, 0.18, 0.30)  # figure, this period, the other one, difference
CHART_WIDTH = 820  # logical pixels a chart is laid out at (its fonts scale with it)


@dataclass
class ReportDocument:
    """Everything the report says, in the app's language."""

    title: str
    office: str
    lines: list[str]  # the period, the period compared with, which kiosks
    heading: str  # above the table ("Chiffres clés")
    columns: tuple[str, str, str, str]
    rows: list[tuple[str, str, str, str]]
    note: str = ""  # under the table
    #: (heading, chart, its height as a share of its width)
    charts: list[tuple[str, QChartView, float]] = field(default_factory=list)
    footer: str = ""
    page_label: str = "{page}/{pages}"  # with {page} and {pages}


class _Pages:
    """The writer, where the next thing goes, and a new page (after this one's footer)
    when something would not fit."""

    def __init__(self, writer: QPdfWriter, painter: QPainter, doc: ReportDocument,
                 total: int | None) -> None:
        self.writer, self.painter, self.doc, self.total = writer, painter, doc, total
        self.width, self.height = writer.width(), writer.height()
        self.mm = DPI / 25.4
        self.foot = int(10 * self.mm)  # kept free at the bottom for the footer
        self.y = 0
        self.count = 1

    def room(self, needed: int) -> None:
        if self.y + needed > self.height - self.foot and self.y > 0:
            self.footer()
            self.writer.newPage()
            self.count += 1
            self.y = 0

    def footer(self) -> None:
        """When it was made (left) and "page n of N" (right, once N is known)."""
        p = self.painter
        p.setPen(QColor(MUTED))
        p.setFont(font(9))
        h = p.fontMetrics().height()
        box = QRect(0, self.height - h, self.width, h)
        p.drawText(box, Qt.AlignmentFlag.AlignLeft, self.doc.footer)
        if self.total is not None:
            p.drawText(box, Qt.AlignmentFlag.AlignRight,
                       self.doc.page_label.format(page=self.count, pages=self.total))

    def text(self, text: str, points: float, bold: bool = False, colour: str = INK,
             after_mm: float = 2) -> None:
        p = self.painter
        p.setFont(font(points, bold))
        p.setPen(QColor(colour))
        flags = Qt.TextFlag.TextWordWrap
        box = p.boundingRect(QRect(0, 0, self.width, self.height), flags, text)
        self.room(box.height())
        p.drawText(QRect(0, self.y, self.width, box.height()), flags, text)
        self.y += box.height() + int(after_mm * self.mm)

    def rule(self) -> None:
        self.painter.setPen(QPen(QColor(BLUE), 0.6 * self.mm))
        self.painter.drawLine(0, self.y, self.width, self.y)
        self.y += int(6 * self.mm)


def font(points: float, bold: bool = False) -> QFont:
    f = QFont(FONT_FAMILY)
    f.setPointSizeF(points)
    f.setBold(bold)
    return f


def dashboard_pdf(doc: ReportDocument) -> bytes:
    """The report as PDF bytes (as many A4 pages as it takes). Drawn twice: the first
    time counts the pages, the second writes "page n of N" at their feet."""
    _, total = _draw(doc, None)
    data, _ = _draw(doc, total)
    return data


def _draw(doc: ReportDocument, total: int | None) -> tuple[bytes, int]:
    data = QByteArray()
    writer, buffer = a4_writer(data, f"{doc.title} — {doc.office}" if doc.office else doc.title,
                       (18, 18, 18, 14))
    painter = QPainter(writer)
    pages = _Pages(writer, painter, doc, total)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pages.text(doc.title, 20, bold=True, colour=BLUE, after_mm=2)
        if doc.office:
            pages.text(doc.office, 15, bold=True, after_mm=3)
        for line in doc.lines:
            pages.text(line, 12, after_mm=1)
        pages.y += int(3 * pages.mm)
        pages.rule()
        pages.text(doc.heading, 14, bold=True, after_mm=3)
        _table(pages, doc.columns, doc.rows)
        if doc.note:
            pages.y += int(2 * pages.mm)
            pages.text(doc.note, 10, colour=MUTED)
        for heading, chart, ratio in doc.charts:
            height = int(pages.width * ratio)
            painter.setFont(font(13, True))
            pages.room(painter.fontMetrics().height() + height + int(10 * pages.mm))
            pages.y += int(6 * pages.mm)
            pages.text(heading, 13, bold=True, after_mm=2)
            _chart(painter, chart, QRectF(0, pages.y, pages.width, height))
            pages.y += height
        pages.footer()
    finally:
        painter.end()
    buffer.close()
    return bytes(data.data()), pages.count


def _table(pages: _Pages, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """Four columns: the figure's name, this period, the other one, the difference; a
    header row (repeated on a new page), shaded every other row."""
    p, mm = pages.painter, pages.mm
    pad = int(2.2 * mm)
    widths = [int(pages.width * w) for w in COLUMNS]
    lefts = [sum(widths[:i]) for i in range(len(widths))]
    flags = Qt.TextFlag.TextWordWrap

    def height(cells: tuple[str, ...]) -> int:
        return max(p.boundingRect(QRect(0, 0, w - 2 * pad, 10_000), flags, c).height()
                   for c, w in zip(cells, widths, strict=True)) + 2 * pad

    def draw(cells: tuple[str, ...], shade: str | None, bold: bool) -> None:
        p.setFont(font(11, bold))
        h = height(cells)
        if shade:
            p.fillRect(QRect(0, pages.y, pages.width, h), QColor(shade))
        p.setPen(QColor(INK))
        for i, (cell, left, w) in enumerate(zip(cells, lefts, widths, strict=True)):
            align = (Qt.AlignmentFlag.AlignLeft if i in (0, 3) else Qt.AlignmentFlag.AlignRight)
            p.drawText(QRect(left + pad, pages.y + pad, w - 2 * pad, h - 2 * pad),
                       int(flags) | int(align) | int(Qt.AlignmentFlag.AlignVCenter), cell)
        p.setPen(QPen(QColor(LINE), 0.25 * mm))
        p.drawLine(0, pages.y + h, pages.width, pages.y + h)
        pages.y += h

    for i, row in enumerate(rows):
        p.setFont(font(11))
        needed = height(row)
        if i == 0 or pages.y + needed > pages.height - pages.foot:
            p.setFont(font(11, True))
            pages.room(height(header) + needed)
            draw(header, HEADER_SHADE, True)
        draw(row, SHADE if i % 2 else None, False)


def _chart(painter: QPainter, view: QChartView, target: QRectF) -> None:
    """A chart's scene drawn into ``target`` (as vectors: it stays sharp when printed)."""
    width = CHART_WIDTH
    height = width * target.height() / target.width()
    view.resize(int(width), int(height))
    view.chart().resize(width, height)
    view.scene().setSceneRect(QRectF(0, 0, width, height))
    view.scene().render(painter, target, QRectF(0, 0, width, height))
