"""The dashboard's four views, each filled from the hub's answers:

- ``FlowView``: one flow's funnel (people per step, where they stop, help calls) and
  a table of the same numbers with the median time on each step;
- ``HelpView``: help calls per step (the steps to rewrite first) and their outcomes;
- ``TrafficView``: flows started per day (or week) and per hour, and per flow;
- ``ReportView``: the period's report (visits, people accompanied, workshops...).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.i18n import Catalog
from kiosk.manager.dashboard_charts import BarChart, Figure, figure_row
from kiosk.manager.dashboard_data import (
    FEEDBACK,
    OUTCOMES,
    Totals,
    count,
    duration,
    help_steps,
    per_period,
    percent,
    shown_hours,
)

STEP_COLUMNS = ("position", "step", "reached", "quit", "help", "time")


def _label(text: str, role: str) -> QLabel:
    lab = QLabel(text)
    lab.setProperty("role", role)
    lab.setWordWrap(True)
    return lab


class FlowView(QWidget):
    """The funnel of the flow picked in ``picker``."""

    def __init__(self, t: Catalog) -> None:
        super().__init__()
        self.t = t
        box = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(_label(t.t("filters.flow"), "sectionTitle"), 0)
        self.picker = QComboBox()
        self.picker.setObjectName("flow-picker")
        self.picker.setAccessibleName(t.t("filters.flow"))
        self.picker.setMinimumWidth(360)
        top.addWidget(self.picker, 0)
        top.addStretch(1)
        box.addLayout(top)
        self.figures = {key: Figure(t.t(f"flow.{key}"), f"flow-{key}") for key in
                        ("sessions", "completed", "quit", "help_calls", "satisfaction")}
        box.addWidget(figure_row(list(self.figures.values())))
        row = QHBoxLayout()
        self.chart = BarChart(t.t("flow.chart"), horizontal=True, name="funnel-chart")
        row.addWidget(self.chart, 4)
        self.table = QTableWidget(0, len(STEP_COLUMNS))
        self.table.setObjectName("funnel-table")
        self.table.setAccessibleName(t.t("flow.table"))
        self.table.setHorizontalHeaderLabels([t.t(f"flow.column.{c}") for c in STEP_COLUMNS])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        row.addWidget(self.table, 3)
        box.addLayout(row, 1)
        self.texts: dict[str, str] = {}  # step id -> what the screen says (tooltips)

    def show_funnel(self, funnel: dict[str, Any] | None) -> None:
        t = self.t
        f = funnel or {}
        sessions = int(f.get("sessions") or 0)
        feedback = f.get("feedback") or {}
        given = sum(int(feedback.get(k) or 0) for k in FEEDBACK)
        steps = f.get("steps") or []
        self.figures["sessions"].set_value(count(sessions, t))
        self.figures["completed"].set_value(
            percent(f.get("completion_rate"), t),
            t.t("flow.completed_detail", completed=count(int(f.get("completed") or 0), t),
                sessions=count(sessions, t)) if sessions else "")
        self.figures["quit"].set_value(count(int((f.get("endings") or {}).get("quit") or 0), t))
        self.figures["help_calls"].set_value(count(sum(int(s["help_calls"]) for s in steps), t))
        self.figures["satisfaction"].set_value(
            percent(int(feedback.get("good") or 0) / given if given else None, t),
            t.t("flow.feedback_detail", **{k: int(feedback.get(k) or 0) for k in FEEDBACK})
            if given else "")
        names = [self.step_name(s) for s in steps]
        self.chart.set_bars(names, [
            (t.t("flow.reached"), "blue", [s["reached"] for s in steps]),
            (t.t("flow.quit_here"), "red", [s["quit"] for s in steps]),
            (t.t("flow.help_here"), "yellow", [s["help_calls"] for s in steps])])
        self.table.setRowCount(len(steps))
        for r, s in enumerate(steps):
            cells = (str(s["position"]), names[r].split(". ", 1)[-1], count(s["reached"], t),
                     count(s["quit"], t), count(s["help_calls"], t),
                     duration(s.get("median_seconds"), t))
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c != 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                elif s["step_id"] in self.texts:
                    item.setToolTip(self.texts[s["step_id"]])
                self.table.setItem(r, c, item)

    def step_name(self, step: dict[str, Any]) -> str:
        removed = "" if step.get("in_flow", True) else f" {self.t.t('flow.removed')}"
        return f"{step['position']}. {step['step_id']}{removed}"

    def set_texts(self, texts: dict[str, str]) -> None:
        """What each step says on screen, shown as the step's tooltip in the table."""
        self.texts = texts
        for r in range(self.table.rowCount()):
            item = self.table.item(r, 1)
            if item is not None:
                step_id = item.text().split(" ", 1)[0]
                item.setToolTip(texts.get(step_id, ""))

    def cell(self, row: int, column: str) -> str:
        item = self.table.item(row, STEP_COLUMNS.index(column))
        return item.text() if item is not None else ""


class HelpView(QWidget):
    """Help calls: how many, how fast, where, and how they ended."""

    def __init__(self, t: Catalog) -> None:
        super().__init__()
        self.t = t
        box = QVBoxLayout(self)
        self.figures = {key: Figure(t.t(f"help.{key}"), f"help-{key}") for key in
                        ("calls", "answered", "wait", "waiting", "workshop", "cancelled")}
        box.addWidget(figure_row(list(self.figures.values())))
        row = QHBoxLayout()
        self.by_step = BarChart(t.t("help.by_step"), horizontal=True, name="help-steps-chart")
        row.addWidget(self.by_step, 3)
        self.outcomes = BarChart(t.t("help.outcomes"), horizontal=True, name="help-outcomes-chart")
        row.addWidget(self.outcomes, 2)
        box.addLayout(row, 1)

    def show_help(self, data: dict[str, Any] | None, titles: dict[str, str]) -> None:
        t = self.t
        d = data or {}
        calls = int(d.get("calls") or 0)
        answered = int(d.get("answered") or 0)
        kinds = d.get("by_kind") or {}
        statuses = d.get("by_status") or {}
        self.figures["calls"].set_value(count(calls, t), t.t(
            "help.calls_detail", help=count(int(kinds.get("help") or 0), t),
            workshop=count(int(kinds.get("workshop") or 0), t)))
        self.figures["answered"].set_value(count(answered, t),
                                           percent(answered / calls, t) if calls else "")
        self.figures["wait"].set_value(duration(d.get("median_wait_seconds"), t))
        self.figures["waiting"].set_value(count(int(statuses.get("queued") or 0), t))
        self.figures["workshop"].set_value(count(int(kinds.get("workshop") or 0), t))
        self.figures["cancelled"].set_value(count(int(statuses.get("cancelled") or 0), t))
        steps = help_steps(d.get("by_step") or [], titles)
        self.by_step.set_title(t.t("help.by_step") if steps else t.t("help.by_step_none"))
        self.by_step.set_bars([s for s, _ in steps],
                              [(t.t("help.calls_set"), "yellow", [n for _, n in steps])])
        outcomes = d.get("outcomes") or {}
        self.outcomes.set_bars([t.t(f"outcome.{o}") for o in OUTCOMES],
                               [(t.t("help.resolved_set"), "green",
                                 [int(outcomes.get(o) or 0) for o in OUTCOMES])])


class TrafficView(QWidget):
    """When people come: per day (or week), per hour, and which flows they start."""

    def __init__(self, t: Catalog) -> None:
        super().__init__()
        self.t = t
        box = QVBoxLayout(self)
        self.per_day = BarChart(t.t("traffic.per_day"), name="per-day-chart")
        box.addWidget(self.per_day, 1)
        row = QHBoxLayout()
        self.per_hour = BarChart(t.t("traffic.per_hour"), name="per-hour-chart")
        row.addWidget(self.per_hour, 1)
        self.per_flow = BarChart(t.t("traffic.per_flow"), horizontal=True, name="per-flow-chart")
        row.addWidget(self.per_flow, 1)
        box.addLayout(row, 1)

    def show_traffic(self, totals: Totals, start: Any, end: Any, titles: dict[str, str],
                     date_format: str) -> None:
        t = self.t
        firsts, counts, weekly = per_period(dict(totals.by_day), start, end)
        self.per_day.set_title(t.t("traffic.per_week" if weekly else "traffic.per_day"))
        self.per_day.set_bars([d.strftime(date_format) for d in firsts],
                              [(t.t("traffic.started"), "blue", counts)])
        hours = shown_hours(totals.by_hour)
        self.per_hour.set_bars([t.t("units.hour", hour=h) for h in hours],
                               [(t.t("traffic.started"), "blue", [totals.by_hour[h] for h in hours])])
        flows = sorted(totals.by_flow.items(), key=lambda kv: (-kv[1][0], kv[0]))
        self.per_flow.set_bars([titles.get(fid, fid) for fid, _ in flows], [
            (t.t("traffic.started"), "blue", [n for _, (n, _) in flows]),
            (t.t("traffic.completed"), "green", [c for _, (_, c) in flows])])


class ReportView(QWidget):
    """The period report, for every kiosk of the office."""

    KEYS = ("visits", "flow_sessions", "help_calls", "accompanied", "referred_to_workshop",
            "workshops", "registered", "attended", "satisfaction")

    def __init__(self, t: Catalog) -> None:
        super().__init__()
        self.t = t
        box = QVBoxLayout(self)
        self.note = _label(t.t("report.note"), "note")
        box.addWidget(self.note)
        grid = QGridLayout()
        grid.setSpacing(12)
        self.figures = {key: Figure(t.t(f"report.{key}"), f"report-{key}") for key in self.KEYS}
        for i, key in enumerate(self.KEYS):
            grid.addWidget(self.figures[key], i // 3, i % 3)
        box.addLayout(grid)
        box.addStretch(1)

    def show_report(self, report: dict[str, Any] | None) -> None:
        t = self.t
        r = report or {}
        for key in self.KEYS[:-1]:
            value = r.get(key)
            self.figures[key].set_value(count(int(value) if value is not None else None, t))
        s = r.get("satisfaction") or {}
        self.figures["satisfaction"].set_value(
            percent(s.get("share_good"), t),
            t.t("flow.feedback_detail", **{k: int(s.get(k) or 0) for k in FEEDBACK})
            if s.get("total") else "")
