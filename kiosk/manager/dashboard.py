"""The manager app's dashboard: what the kiosks learned over a period.

Filters (from / to dates, a kiosk or all) at the top, the main figures as big numbers,
then four views (one flow's funnel, help calls, traffic, the period report; see
``dashboard_views``). Every number is also written as text, not only drawn as a bar.

Loading never blocks the window: ``load()`` asks the hub for the flows, the kiosks,
the help statistics, the report and every flow's funnel at once (asynchronously), shows
a busy bar while answers come, and draws everything once the last one is in. Answers to
an older load (the filters changed meanwhile) are dropped. ``loaded`` is emitted when
the page shows the new numbers. The CSV export writes the hub's own CSV to a file.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from PySide6.QtCore import QDate, QTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.client.staff import StaffClient, detail
from kiosk.flows.model import pick
from kiosk.i18n import catalog
from kiosk.manager.dashboard_charts import Figure, dashboard_style, figure_row
from kiosk.manager.dashboard_data import FEEDBACK, Totals, count, duration, percent, totals
from kiosk.manager.dashboard_views import FlowView, HelpView, ReportView, TrafficView

EXPORTS = ("funnel", "help", "report")
PERIOD_DAYS = 30


class DashboardPage(QWidget):
    loaded = Signal()  # the page shows the numbers of the last load
    exported = Signal(str)  # path written
    exportFailed = Signal(str)  # why

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
        self.step_texts: dict[str, dict[str, str]] = {}  # "flow@version" -> step id -> text
        self._answers: dict[str, Any] = {}
        self._errors: list[str] = []
        box = QVBoxLayout(self)
        box.addLayout(self._filters())
        self.banner = QLabel("")
        self.banner.setObjectName("dashboard-banner")
        self.banner.setProperty("role", "banner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        box.addWidget(self.banner)
        t = self.t.t
        self.figures: dict[str, Figure] = {
            "sessions": Figure(t("figures.sessions"), "figure-sessions"),
            "completion": Figure(t("figures.completion"), "figure-completion"),
            "help_calls": Figure(t("figures.help_calls"), "figure-help_calls"),
            "answered": Figure(t("figures.answered"), "figure-answered"),
            "wait": Figure(t("figures.wait"), "figure-wait"),
            **{f"feedback_{k}": Figure(t(f"figures.feedback_{k}"), f"figure-feedback_{k}", icon)
               for k, icon in zip(FEEDBACK, ("smiley-happy.svg", "smiley-neutral.svg",
                                             "smiley-sad.svg"), strict=True)},
        }
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
        box.addWidget(self.views, 1)
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
            edit.dateChanged.connect(self.load)
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
        self.reload.clicked.connect(self.load)
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

    # -- filters -------------------------------------------------------------------------
    def period(self) -> tuple[date, date]:
        return self.start.date().toPython(), self.end.date().toPython()  # type: ignore[return-value]

    def set_period(self, start: date, end: date) -> None:
        """Both dates at once, then one load."""
        for edit in (self.start, self.end):
            edit.blockSignals(True)
        self.start.setDate(QDate(start.year, start.month, start.day))
        self.end.setDate(QDate(end.year, end.month, end.day))
        for edit in (self.start, self.end):
            edit.blockSignals(False)
        self.load()

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

    def _query(self, with_kiosk: bool = True, **extra: str) -> str:
        start, end = self.period()
        params = {**extra, "from": start.isoformat(), "to": end.isoformat()}
        if with_kiosk and self.kiosk.currentData():
            params["kiosk"] = str(self.kiosk.currentData())
        return "?" + urlencode(params)

    # -- loading -------------------------------------------------------------------------
    @property
    def is_busy(self) -> bool:
        return self.pending > 0

    def refresh(self) -> None:
        """Read what the page shows from the hub again."""
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
        self._get("/flows", "flows")
        self._get("/kiosks", "kiosks")
        self._get("/stats/help" + self._query(), "help")
        self._get("/stats/report" + self._query(with_kiosk=False), "report")

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
        flows = self._answers.get("flows")
        if flows is not None and "funnels_asked" not in self._answers:
            self._answers["funnels_asked"] = True
            items = flows.get("items") or []
            for f in items:
                self._get("/stats/funnel" + self._query(flow=f["id"]), f"funnel:{f['id']}")
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
        self._fill_figures()
        self.flow_view.show_funnel(self.funnels.get(self.current_flow() or ""))
        self._ask_step_texts()
        self.help_view.show_help(self.help, self.titles)
        start, end = self.period()
        self.traffic_view.show_traffic(self.totals, start, end, self.titles,
                                       self.t.t("date_format_short"))
        self.report_view.show_report(self.report)
        self.report_view.note.setText(self.t.t("report.note_kiosk" if self.kiosk.currentData()
                                               else "report.note"))
        calls = int((self.help or {}).get("calls") or 0)
        if self.totals.sessions == 0 and calls == 0:
            self._show_banner(self.t.t("status.empty", start=self._day(start), end=self._day(end),
                                       where=self._where()))
        else:
            self.banner.hide()
        self.status.setText(self.t.t("status.updated",
                                     time=QTime.currentTime().toString("HH:mm")))
        self.loaded.emit()

    def _fill_pickers(self, kiosks: list[dict[str, Any]]) -> None:
        picker = self.flow_view.picker
        keep = self.current_flow()
        picker.blockSignals(True)
        picker.clear()
        for f in sorted(self.flows, key=lambda f: self.titles[f["id"]].casefold()):
            picker.addItem(self.titles[f["id"]], f["id"])
        index = picker.findData(keep) if keep else -1
        picker.setCurrentIndex(max(0, index))
        picker.blockSignals(False)
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

    def _fill_figures(self) -> None:
        t, f, h = self.t, self.figures, self.help or {}
        tot = self.totals
        f["sessions"].set_value(count(tot.sessions, t))
        f["completion"].set_value(percent(tot.completion_rate, t), t.t(
            "flow.completed_detail", completed=count(tot.completed, t),
            sessions=count(tot.sessions, t)) if tot.sessions else "")
        calls, answered = int(h.get("calls") or 0), int(h.get("answered") or 0)
        f["help_calls"].set_value(count(calls, t))
        f["answered"].set_value(count(answered, t), percent(answered / calls, t) if calls else "")
        f["wait"].set_value(duration(h.get("median_wait_seconds"), t))
        for k in FEEDBACK:
            f[f"feedback_{k}"].set_value(count(tot.feedback[k], t))

    def _flow_picked(self) -> None:
        self.flow_view.show_funnel(self.funnels.get(self.current_flow() or ""))
        self._ask_step_texts()

    def _ask_step_texts(self) -> None:
        """What each step of the shown flow says, for the table's tooltips (asked once
        per flow version, in the background)."""
        flow_id = self.current_flow()
        if not flow_id:
            return
        version = (self.funnels.get(flow_id) or {}).get("version")
        key = f"{flow_id}@{version}"
        if key in self.step_texts:
            self.flow_view.set_texts(self.step_texts[key])
            return

        def done(status: int | None, payload: Any) -> None:
            if self.closed or status != 200 or not isinstance(payload, dict):
                return
            steps = (payload.get("flow") or {}).get("steps") or []
            self.step_texts[key] = {s["id"]: pick(s.get("text") or {}, self.language)
                                    for s in steps}
            if self.current_flow() == flow_id:
                self.flow_view.set_texts(self.step_texts[key])

        self.client.call("GET", f"/flows/{quote(flow_id, safe='')}", done=done)

    def _show_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.show()

    def _day(self, day: date) -> str:
        return day.strftime(self.t.t("date_format_python"))

    def _where(self) -> str:
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
        the current filters to ``path``; ``exported`` or ``exportFailed`` tells how it went."""
        if kind == "funnel":
            flow = self.current_flow()
            if not flow:
                self.exportFailed.emit(self.t.t("export.no_flow"))
                return
            query = self._query(flow=flow)
        else:
            query = self._query(with_kiosk=kind != "report")
        target = Path(path)
        self.export.setEnabled(False)  # one export at a time, with the busy bar moving
        self._set_busy(True)

        def done(status: int | None, payload: Any) -> None:
            if self.closed:
                return
            self.export.setEnabled(True)
            self.busy.setVisible(self.is_busy)
            if status != 200 or not isinstance(payload, str):
                why = self.t.t("export.failed", detail=detail(status, payload))
            else:
                try:
                    target.write_text(payload, encoding="utf-8", newline="")
                except OSError as exc:
                    why = self.t.t("export.failed", detail=str(exc))
                else:
                    self.status.setText(self.t.t("export.done", path=str(target)))
                    self.exported.emit(str(target))
                    return
            self.status.setText(why)
            self.exportFailed.emit(why)

        self.client.call("GET", f"/stats/{kind}{query}", done=done, accept="text/csv")

    def shutdown(self) -> None:
        self.closed = True
