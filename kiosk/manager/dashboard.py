"""The manager app's dashboard: what the kiosks learned over a period.

Filters (dates, a kiosk or all), what to compare with (``dashboard_compare``), print and
PDF report (``dashboard_print``), the main figures as big numbers, then four views (see
``dashboard_views``). Every number is also written as text, not only drawn as a bar;
comparing, each figure also says the other side's number and the difference in words.
Dates are the office's: ``GET /me`` tells its today, on which the default period ends.

Loading never blocks the window: ``load()`` asks the hub for the flows, the kiosks,
the help statistics, the report and every flow's funnel at once (asynchronously; for
both sides when comparing), shows a busy bar while answers come, and draws everything
once the last one is in. Answers to an older load (the filters changed meanwhile) are
dropped. ``loaded`` is emitted when the page shows the new numbers. The CSV export writes
the hub's own CSV to a file.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.client.office import OfficeClock
from kiosk.client.staff import StaffClient, detail
from kiosk.flows.model import pick
from kiosk.i18n import catalog
from kiosk.manager.dashboard_charts import Figure, dashboard_style, figure_row
from kiosk.manager.dashboard_compare import CompareBar
from kiosk.manager.dashboard_data import (
    Other,
    Totals,
    main_metrics,
    totals,
)
from kiosk.manager.dashboard_glossary import GlossaryView
from kiosk.manager.dashboard_print import PrintActions
from kiosk.manager.dashboard_views import (
    FlowView,
    HelpView,
    ReportView,
    TrafficView,
    fill_figures,
    main_details,
    main_figures,
)

EXPORTS = ("funnel", "help", "report")
PERIOD_DAYS = 30


class DashboardPage(PrintActions, QWidget):
    loaded = Signal()  # the page shows the numbers of the last load
    exported = Signal(str)  # path written
    exportFailed = Signal(str)  # why
    reportSaved = Signal(str)  # the PDF report written
    reportFailed = Signal(str)  # why not

    def __init__(self, client: StaffClient, language: str) -> None:
        super().__init__()
        self.client = client
        self.language = language
        self.t = catalog(language, "manager/dashboard")
        self.setStyleSheet(dashboard_style())
        self.generation = 0
        self.pending = 0
        self.closed = False
        self.flows: list[dict[str, Any]] = []
        self.titles: dict[str, str] = {}
        self.funnels: dict[str, dict[str, Any]] = {}
        self.help: dict[str, Any] | None = None
        self.report: dict[str, Any] | None = None
        self.totals = Totals()
        self.office: dict[str, str] | None = None  # GET /me's office: name, timezone, today
        self.default_period = True  # the period ends on the office's today until edited
        self.other: Other | None = None  # what the page is compared with, when it is
        self._answers: dict[str, Any] = {}
        self._errors: list[str] = []
        outer = QVBoxLayout(self)
        outer.addLayout(self._filters())
        outer.addLayout(self._second_row())
        self.body = QWidget()  # all below the filters; scrolls on a small screen
        self.body.setObjectName("dashboard-body")
        box = QVBoxLayout(self.body)
        box.setContentsMargins(0, 0, 0, 0)
        self.banner = QLabel("")
        self.banner.setObjectName("dashboard-banner")
        self.banner.setProperty("role", "banner")
        self.legend = QLabel("")  # comparing: which side is which
        self.legend.setObjectName("compare-legend")
        self.legend.setProperty("role", "note")
        for label in (self.banner, self.legend):
            label.setWordWrap(True)
            label.hide()
            box.addWidget(label)
        t = self.t.t
        self.figures: dict[str, Figure] = main_figures(self.t)
        box.addWidget(figure_row(list(self.figures.values())))
        self.views = QTabWidget()
        self.views.setObjectName("dashboard-views")
        self.flow_view = FlowView(self.t)
        self.help_view = HelpView(self.t)
        self.traffic_view = TrafficView(self.t)
        self.report_view = ReportView(self.t)
        for key, view in (("flow", self.flow_view), ("help", self.help_view),
                          ("traffic", self.traffic_view), ("report", self.report_view)):
            view.setObjectName(f"view-{key}")
            self.views.addTab(view, t(f"views.{key}"))
        self.glossary_view = GlossaryView(self)  # "Mots expliqués": a tab that loads itself
        box.addWidget(self.views, 1)
        scroll = QScrollArea()
        scroll.setObjectName("dashboard-scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.body)
        outer.addWidget(scroll, 1)
        self.flow_view.picker.currentIndexChanged.connect(self._flow_picked)

    def _filters(self) -> QHBoxLayout:
        t = self.t.t
        row = QHBoxLayout()
        today = QDate.currentDate()
        self.start = QDateEdit(today.addDays(1 - PERIOD_DAYS))
        self.end = QDateEdit(today)
        for edit, key in ((self.start, "from"), (self.end, "to")):
            edit.setObjectName(f"filter-{key}")
            edit.setCalendarPopup(True)
            edit.setDisplayFormat(t("date_format"))
            edit.setAccessibleName(t(f"filters.{key}_name"))
            edit.dateChanged.connect(self._dates_edited)
            row.addWidget(QLabel(t(f"filters.{key}")))
            row.addWidget(edit)
        row.addSpacing(16)
        row.addWidget(QLabel(t("filters.kiosk")))
        self.kiosk = QComboBox()
        self.kiosk.setObjectName("filter-kiosk")
        self.kiosk.setAccessibleName(t("filters.kiosk"))
        self.kiosk.setMinimumWidth(220)
        self.kiosk.addItem(t("filters.all_kiosks"), None)
        self.kiosk.currentIndexChanged.connect(self.load)
        row.addWidget(self.kiosk)
        self.reload = QPushButton(t("filters.refresh"))
        self.reload.setObjectName("refresh")
        self.reload.clicked.connect(self.refresh)
        row.addWidget(self.reload)
        self.export = QToolButton()
        self.export.setObjectName("export")
        self.export.setText(t("export.button"))
        self.export.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.export)
        for kind in EXPORTS:
            action = menu.addAction(t(f"export.{kind}"))
            action.setObjectName(f"export-{kind}")
            action.triggered.connect(self._exporter(kind))
        self.export.setMenu(menu)
        row.addWidget(self.export)
        row.addStretch(1)
        self.busy = QProgressBar()
        self.busy.setObjectName("busy")
        self.busy.setRange(0, 0)  # "working", no percentage
        self.busy.setMaximumWidth(160)
        self.busy.setTextVisible(False)
        self.busy.setAccessibleName(t("status.loading"))
        self.busy.hide()
        row.addWidget(self.busy)
        self.status = QLabel("")
        self.status.setObjectName("status")
        row.addWidget(self.status)
        return row

    def _second_row(self) -> QHBoxLayout:
        """What to compare with, then printing and the PDF report."""
        row = QHBoxLayout()
        self.compare = CompareBar(self.t)
        self.compare.changed.connect(self._compare_changed)
        row.addWidget(self.compare)
        row.addStretch(1)
        self.add_print_buttons(row)
        return row

    # -- filters -------------------------------------------------------------------------
    def period(self) -> tuple[date, date]:
        return self.start.date().toPython(), self.end.date().toPython()  # type: ignore[return-value]

    def set_period(self, start: date, end: date) -> None:
        """Both dates at once, then one load."""
        self.default_period = False
        self._set_dates(start, end)
        self.load()

    def _set_dates(self, start: date, end: date) -> None:
        for edit in (self.start, self.end):
            edit.blockSignals(True)
        self.start.setDate(QDate(start.year, start.month, start.day))
        self.end.setDate(QDate(end.year, end.month, end.day))
        for edit in (self.start, self.end):
            edit.blockSignals(False)

    def _dates_edited(self) -> None:
        self.default_period = False
        self.load()

    def office_today(self) -> date:
        """Today on the office's clock (the client's, told at login and by ``/me``)."""
        return self.client.office.today()

    def office_now(self) -> datetime:
        """Now on the office's clock (for "up to date at", the report's date)."""
        return self.client.office.now()

    def _office_read(self, me: dict[str, Any]) -> None:
        """``GET /me`` answered: the office's day is known; the default period ends on it."""
        self.office = dict(me.get("office") or {})
        self.client.office = OfficeClock.from_answer(self.office, self.client.office)
        if self.default_period:
            today = self.office_today()
            self._set_dates(today - timedelta(days=PERIOD_DAYS - 1), today)

    def set_kiosk(self, name: str | None) -> None:
        index = self.kiosk.findData(name)
        if index < 0:
            self.kiosk.addItem(name or "", name)
            index = self.kiosk.count() - 1
        self.kiosk.setCurrentIndex(index)  # loads when it changes

    def set_flow(self, flow_id: str) -> None:
        self.flow_view.picker.setCurrentIndex(self.flow_view.picker.findData(flow_id))

    def current_flow(self) -> str | None:
        data = self.flow_view.picker.currentData()
        return str(data) if data else None

    def _query(self, with_kiosk: bool = True, *, other: bool = False, **extra: str) -> str:
        """The query of the main side, or (``other``) of the side it is compared with."""
        mode = self.compare.mode() if other else None
        start, end = self.compare.period() if mode == "period" else self.period()
        kiosk = self.compare.kiosk() if mode == "kiosk" else self.kiosk.currentData()
        params = {**extra, "from": start.isoformat(), "to": end.isoformat()}
        if with_kiosk and kiosk:
            params["kiosk"] = str(kiosk)
        return "?" + urlencode(params)

    # -- loading -------------------------------------------------------------------------
    @property
    def is_busy(self) -> bool:
        return self.pending > 0

    def refresh(self) -> None:
        """Read what the page shows from the hub again (and the office's day: a default
        period moves on to a new day)."""
        if self.default_period:
            self.office = None
        self.load()

    def load(self) -> None:
        if self.closed:
            return
        start, end = self.period()
        self.generation += 1
        self.pending = 0
        self._answers, self._errors = {}, []
        if end < start:
            self._show_banner(self.t.t("status.bad_period"))
            self._set_busy(False)
            return
        self._set_busy(True)
        if self.office is None:  # the office's day first: the period may move to it
            self._get("/me", "me")
            return
        self.compare.follow(start, end)
        self._get("/flows", "flows")
        self._get("/kiosks", "kiosks")
        self._get("/stats/help" + self._query(), "help")
        self._get("/stats/report" + self._query(with_kiosk=False), "report")
        mode = self.compare.mode()
        if mode is not None:
            self._get("/stats/help" + self._query(other=True), "b:help")
            if mode == "period":  # the report is for every kiosk: only periods differ
                self._get("/stats/report" + self._query(False, other=True), "b:report")

    def _get(self, path: str, key: str) -> None:
        generation = self.generation
        self.pending += 1

        def done(status: int | None, payload: Any) -> None:
            if self.closed or generation != self.generation:
                return  # an older load: the filters changed since
            self.pending -= 1
            if status == 200:
                self._answers[key] = payload
            else:
                self._errors.append(detail(status, payload))
            if self.pending == 0:
                self._all_in()

        self.client.call("GET", path, done=done)

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        if busy:
            self.status.setText(self.t.t("status.loading"))

    def _all_in(self) -> None:
        """Every answer of the load is in: list flows, then (first time) their funnels."""
        me = self._answers.pop("me", None)
        if me is not None and not self._errors:
            self._office_read(me)
            self.load()
            return
        flows = self._answers.get("flows")
        if flows is not None and "funnels_asked" not in self._answers:
            self._answers["funnels_asked"] = True
            items = flows.get("items") or []
            for f in items:
                self._get("/stats/funnel" + self._query(flow=f["id"]), f"funnel:{f['id']}")
                if self.compare.mode():
                    self._get("/stats/funnel" + self._query(other=True, flow=f["id"]),
                              f"b:funnel:{f['id']}")
            if items:
                return
        self._set_busy(False)
        if self._errors:
            self.status.setText("")
            self._show_banner(self.t.t("status.error", detail=self._errors[0]))
            return
        self._render()

    def _render(self) -> None:
        a = self._answers
        self.flows = (a.get("flows") or {}).get("items") or []
        self.titles = {f["id"]: pick(f.get("title") or {}, self.language) or f["id"]
                       for f in self.flows}
        self._fill_pickers(a.get("kiosks") or [])
        self.funnels = {k.split(":", 1)[1]: v for k, v in a.items() if k.startswith("funnel:")}
        self.help = a.get("help")
        self.report = a.get("report")
        self.totals = totals(self.funnels)
        start, end = self.period()
        kiosk = self.kiosk.currentData()
        self.other = other = self.compare.other(a, start, end, kiosk)
        self.legend.setText(self.compare.legend(other, start, end, kiosk))
        self.legend.setVisible(other is not None)
        self._fill_figures()
        self._flow_picked()
        self.help_view.show_help(self.help, self.titles, other)
        self.traffic_view.show_traffic(self.totals, start, end, self.titles,
                                       self.t.t("date_format_short"), other)
        by_period = other if other is not None and other.mode == "period" else None
        self.report_view.show_report(self.report, by_period)
        self.report_view.note.setText(self.t.t(
            "compare.report_kiosk" if other is not None and other.mode == "kiosk"
            else "report.note_kiosk" if kiosk else "report.note"))
        calls = int((self.help or {}).get("calls") or 0)
        if self.totals.sessions == 0 and calls == 0:
            self._show_banner(self.t.t("status.empty", start=self._day(start), end=self._day(end),
                                       where=self.where()))
        else:
            self.banner.hide()
        self.status.setText(self.t.t("status.updated", time=self.office_now().strftime("%H:%M")))
        self.loaded.emit()

    def _fill_pickers(self, kiosks: list[dict[str, Any]]) -> None:
        self.flow_view.fill_picker(self.flows, self.titles)
        chosen = self.kiosk.currentData()
        self.kiosk.blockSignals(True)
        while self.kiosk.count() > 1:
            self.kiosk.removeItem(1)
        for k in kiosks:
            self.kiosk.addItem(k["name"], k["name"])
        if chosen and self.kiosk.findData(chosen) < 0:
            self.kiosk.addItem(chosen, chosen)
        self.kiosk.setCurrentIndex(max(0, self.kiosk.findData(chosen)) if chosen else 0)
        self.kiosk.blockSignals(False)
        self.compare.fill_kiosks(kiosks, chosen)

    def _compare_changed(self) -> None:
        self.compare.settle(self.kiosk)
        self.load()

    def _fill_figures(self) -> None:
        other = self.other
        fill_figures(self.figures, main_metrics(self.totals, self.help),
                     main_metrics(other.totals, other.help) if other else None, self.t,
                     other.labels[1] if other else "", main_details(self.totals, self.help, self.t))

    def _flow_picked(self) -> None:
        flow, other = self.current_flow() or "", self.other
        self.flow_view.show_funnel(self.funnels.get(flow), other.funnels.get(flow) if other else None,
                                   other.labels if other else None)
        if flow:  # what each step says, for the table's tooltips
            self.flow_view.ask_texts(self.client, flow, (self.funnels.get(flow) or {}).get("version"),
                                     self.language, lambda: not self.closed)

    def _show_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.show()

    def _day(self, day: date) -> str:
        return day.strftime(self.t.t("date_format_python"))

    def where(self) -> str:
        kiosk = self.kiosk.currentData()
        return self.t.t("status.at_kiosk", kiosk=kiosk) if kiosk else self.t.t("status.everywhere")

    # -- CSV export ------------------------------------------------------------------------
    def export_path(self, kind: str) -> str:
        start, end = self.period()
        what = f"funnel-{self.current_flow()}" if kind == "funnel" else kind
        return f"{what}-{start.isoformat()}-{end.isoformat()}.csv"

    def _exporter(self, kind: str) -> Callable[[], None]:
        return lambda: self.choose_export(kind)

    def choose_export(self, kind: str) -> None:
        """Ask where to save, then export (the export menu)."""
        path, _ = QFileDialog.getSaveFileName(self, self.t.t("export.dialog"),
                                              self.export_path(kind), self.t.t("export.filter"))
        if path:
            self.export_csv(kind, path)

    def export_csv(self, kind: str, path: str | Path) -> None:
        """Write the hub's CSV of ``kind`` (funnel of the shown flow, help, report) for
        the current filters to ``path``, in the app's language (the hub's header words,
        separator and decimal mark for it), byte for byte as the hub sent it (its byte
        order mark included, for the spreadsheet); ``exported`` or ``exportFailed`` tells
        how it went."""
        if kind == "funnel":
            flow = self.current_flow()
            if not flow:
                self.exportFailed.emit(self.t.t("export.no_flow"))
                return
            query = self._query(flow=flow, lang=self.language)
        else:
            query = self._query(with_kiosk=kind != "report", lang=self.language)
        target = Path(path)
        self.export.setEnabled(False)  # one export at a time, with the busy bar moving
        self._set_busy(True)

        def done(answer: Any) -> None:  # a kiosk.client.http.Answer: the bytes as received
            if self.closed:
                return
            self.export.setEnabled(True)
            self.busy.setVisible(self.is_busy)
            if answer.status != 200:
                why = self.t.t("export.failed", detail=detail(answer.status, answer.payload))
            else:
                try:
                    target.write_bytes(answer.body)
                except OSError as exc:
                    why = self.t.t("export.failed", detail=str(exc))
                else:
                    self.status.setText(self.t.t("export.done", path=str(target)))
                    self.exported.emit(str(target))
                    return
            self.status.setText(why)
            self.exportFailed.emit(why)

        self.client.http.request("GET", f"/stats/{kind}{query}", done=done, accept="text/csv")

    def shutdown(self) -> None:
        self.closed = True
