"""My day: the calls I took today (``GET /me/day``), newest first — the time, the kiosk,
where the customer was, how it ended and the note — with a bar per hour and the total."""

from __future__ import annotations

from typing import Any

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QDialog, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from kiosk.client.office import OfficeClock
from kiosk.client.staff import StaffClient
from kiosk.flows.library import FlowLibrary
from kiosk.i18n import Catalog
from kiosk.mediator.calltext import line, where
from kiosk.ui.theme import FONT_FAMILY
from kiosk.ui.widgets import BigButton, label

BAR = "#0B3D91"


def font(px: int, bold: bool = False) -> QFont:
    f = QFont(FONT_FAMILY)
    f.setPixelSize(px)
    f.setBold(bold)
    return f


def clock(moment: str | None, office: OfficeClock) -> str:
    """``14:05``, on the office's clock (the hub gives each call's ``time`` already: this
    is for an older hub)."""
    if not moment:
        return "--:--"
    return office.local(moment).strftime("%H:%M")


class MyDayDialog(QDialog):
    def __init__(self, client: StaffClient, strings: Catalog, library: FlowLibrary,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        t = strings.t
        self.client, self.strings, self.library = client, strings, library
        self.day: dict[str, Any] | None = None  # the hub's answer, once read
        self.setObjectName("KioskRoot")
        self.setWindowTitle(t("desk.day_title"))
        self.setStyleSheet("QListWidget { font-size: 20px; } QListWidget::item { padding: 8px; }")
        self.setMinimumSize(900, 640)
        box = QVBoxLayout(self)
        box.setSpacing(12)
        box.addWidget(label(t("desk.day_title"), "consoleTitle"))
        self.total = label(t("desk.day_loading"), "consoleText")
        box.addWidget(self.total)
        self.chart = self._chart()
        box.addWidget(self.chart, 1)
        self.calls = QListWidget()
        self.calls.setWordWrap(True)
        box.addWidget(self.calls, 1)
        self.close_button = BigButton(t("desk.close"), "choice")
        self.close_button.clicked.connect(self.reject)
        box.addWidget(self.close_button)
        client.dayRead.connect(self._read)
        client.readFailed.connect(self._failed)
        client.my_day()

    def _chart(self) -> QChartView:
        chart = QChart()
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setTitle(self.strings.t("desk.day_chart"))
        chart.setTitleFont(font(18, bold=True))
        chart.setMargins(QMargins(6, 6, 6, 6))
        chart.legend().setVisible(False)
        self.series = QBarSeries()
        self.series.setLabelsVisible(True)
        self.series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
        chart.addSeries(self.series)
        self.hours_axis = QBarCategoryAxis()
        self.hours_axis.setLabelsFont(font(16))
        self.count_axis = QValueAxis()
        self.count_axis.setLabelFormat("%d")
        self.count_axis.setLabelsFont(font(14))
        chart.addAxis(self.hours_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(self.count_axis, Qt.AlignmentFlag.AlignLeft)
        self.series.attachAxis(self.hours_axis)
        self.series.attachAxis(self.count_axis)
        view = QChartView(chart)
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setMinimumHeight(220)
        view.setAccessibleName(self.strings.t("desk.day_chart"))
        return view

    def bars(self) -> dict[str, int]:
        """The chart's bars, read back: ``{"9 h": 2, ...}``."""
        sets = self.series.barSets()
        if not sets:
            return {}
        values = sets[0]
        return {hour: int(values.at(i)) for i, hour in enumerate(self.hours_axis.categories())}

    def _read(self, day: dict[str, Any]) -> None:
        t = self.strings.t
        self.day = day
        count = int(day.get("count") or 0)
        self.total.setText(t("desk.day_total", n=count) if count else t("desk.day_none"))
        per_hour = [(int(h["hour"]), int(h["count"])) for h in day.get("per_hour") or []]
        hours = [t("desk.day_hour", hour=h) for h, _ in per_hour]
        self.series.clear()
        self.hours_axis.clear()
        self.hours_axis.append(hours)
        bar = QBarSet(t("desk.day_chart"))
        bar.append([float(c) for _, c in per_hour])
        bar.setColor(QColor(BAR))
        bar.setLabelColor(QColor("#1A1A1A"))
        bar.setLabelFont(font(16, bold=True))
        self.series.append(bar)
        top = max([c for _, c in per_hour] or [0])
        self.count_axis.setRange(0, max(1, top + 1))
        self.count_axis.setTickCount(min(max(2, top + 2), 11))
        self.chart.setVisible(bool(per_hour))
        self.calls.clear()
        for request in day.get("items") or []:
            self.calls.addItem(QListWidgetItem(self._line(request)))

    def _line(self, request: dict[str, Any]) -> str:
        t = self.strings.t
        outcome = request.get("outcome")
        known = self.strings.keys()
        if request.get("status") == "resolved" and outcome:
            ended = t(f"outcomes.{outcome}") if f"outcomes.{outcome}" in known else str(outcome)
        elif request.get("status") == "cancelled":
            ended = t("desk.day_cancelled")
        else:
            ended = t("desk.day_open")
        at = request.get("time") or clock(request.get("claimed_at"), self.client.office)
        text = t("desk.day_item", time=at,
                 kiosk=request.get("kiosk_id", ""),
                 where=line(where(request, self.strings, self.library), self.strings),
                 outcome=ended)
        note = str(request.get("note") or "").strip()
        return f"{text}\n{t('desk.day_note', note=note)}" if note else text

    def _failed(self, what: str, status: int | None, detail: str) -> None:
        if what != "day":
            return
        t = self.strings.t
        self.total.setText(t("queue.unreachable") if status is None
                           else t("desk.day_failed", detail=detail))
