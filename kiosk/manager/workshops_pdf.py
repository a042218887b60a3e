"""The period report as a printable A4 PDF drawn with Qt's QPdfWriter: a title, the
period, the figures as a two-column table, and the date the document was made.

Painting one page takes a few milliseconds, so it is done on the UI thread into memory;
the caller writes the bytes to disk off the UI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRect, Qt
from PySide6.QtGui import QColor, QFont, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen

from kiosk.ui.theme import FONT_FAMILY

DPI = 300
INK, BLUE, LINE, SHADE, MUTED = "#1A1A1A", "#0B3D91", "#9AA5B8", "#E8EEF8", "#4A4A4A"


def _font(points: float, bold: bool = False) -> QFont:
    font = QFont(FONT_FAMILY)
    font.setPointSizeF(points)
    font.setBold(bold)
    return font


def a4_writer(data: QByteArray, title: str, margins_mm: tuple[float, float, float, float],
              ) -> tuple[QPdfWriter, QBuffer]:
    """A PDF writer into ``data``, and the buffer it writes through (close it once the
    painter has ended): A4, ``margins_mm`` (left, top, right, bottom), the report's
    resolution, its title and the program as its creator."""
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(*margins_mm), QPageLayout.Unit.Millimeter)
    writer.setResolution(DPI)
    writer.setTitle(title)
    writer.setCreator("Guichet Kiosk")
    return writer, buffer


def report_pdf(title: str, period: str, header: tuple[str, str], rows: list[tuple[str, str]],
               footer: str) -> bytes:
    """One A4 page: ``title``, ``period``, a table (``header`` then ``rows`` of
    (label, value)) and ``footer`` at the bottom. Answers the PDF's bytes."""
    data = QByteArray()
    writer, buffer = a4_writer(data, title, (20, 20, 20, 20))
    mm = DPI / 25.4
    width, height = writer.width(), writer.height()
    painter = QPainter(writer)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        y = 0
        painter.setPen(QColor(BLUE))
        painter.setFont(_font(20, bold=True))
        box = painter.boundingRect(QRect(0, y, width, height), Qt.TextFlag.TextWordWrap, title)
        painter.drawText(QRect(0, y, width, box.height()), Qt.TextFlag.TextWordWrap, title)
        y += box.height() + int(3 * mm)
        painter.setPen(QColor(INK))
        painter.setFont(_font(12))
        line_h = painter.fontMetrics().height()
        painter.drawText(QRect(0, y, width, line_h), Qt.AlignmentFlag.AlignLeft, period)
        y += line_h + int(4 * mm)
        painter.setPen(QPen(QColor(BLUE), 0.6 * mm))
        painter.drawLine(0, y, width, y)
        y += int(8 * mm)
        y = _table(painter, y, width, header, rows, mm)
        painter.setPen(QColor(MUTED))
        painter.setFont(_font(9))
        foot_h = painter.fontMetrics().height()
        painter.drawText(QRect(0, height - foot_h, width, foot_h), Qt.AlignmentFlag.AlignLeft,
                         footer)
    finally:
        painter.end()
    buffer.close()
    return bytes(data.data())


def _table(painter: QPainter, y: int, width: int, header: tuple[str, str],
           rows: list[tuple[str, str]], mm: float) -> int:
    """Draw the table from ``y`` down; answers where it ends."""
    pad = int(3 * mm)
    value_w = int(width * 0.32)
    label_w = width - value_w
    for i, (label, value) in enumerate([header, *rows]):
        painter.setFont(_font(12, bold=i == 0))
        row_h = max(painter.boundingRect(QRect(0, 0, label_w - 2 * pad, 10_000),
                                         Qt.TextFlag.TextWordWrap, label).height(),
                    painter.fontMetrics().height()) + 2 * pad
        if i == 0 or i % 2 == 0:
            painter.fillRect(QRect(0, y, width, row_h), QColor(SHADE if i else "#D5DFEF"))
        painter.setPen(QColor(INK))
        painter.drawText(QRect(pad, y + pad, label_w - 2 * pad, row_h - 2 * pad),
                         Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignVCenter, label)
        painter.drawText(QRect(label_w + pad, y + pad, value_w - 2 * pad, row_h - 2 * pad),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, value)
        painter.setPen(QPen(QColor(LINE), 0.25 * mm))
        painter.drawLine(0, y + row_h, width, y + row_h)
        y += row_h
    return y
