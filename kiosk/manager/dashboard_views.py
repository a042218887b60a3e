"""The dashboard's four views, each filled from the hub's answers:

- ``FlowView``: one flow's funnel (people per step, where they stop, help calls) and
  a table of the same numbers with the median time on each step;
- ``HelpView``: help calls per step (the steps to rewrite first) and their outcomes;
- ``TrafficView``: flows started per day (or week) and per hour, and per flow;
- ``ReportView``: the period's report (visits, people accompanied, workshops...).

Each ``show_*`` also takes what the page is compared with (another period or kiosk):
then every figure card shows the other side's number and the difference, and the charts
show both sides (the other one hatched).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

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

from kiosk.client.staff import StaffClient
from kiosk.flows.model import pick
from kiosk.i18n import Catalog
from kiosk.manager.dashboard_charts import BarChart, Figure, figure_row, paired
from kiosk.manager.dashboard_data import (
    FEEDBACK,
    OUTCOMES,
    REPORT_KEYS,
    Metric,
    Other,
    Totals,
    change,
    count,
    duration,
    flow_metrics,
    help_metrics,
    help_steps,
    per_period,
    percent,
    report_metrics,
    shown,
    shown_hours,
)

STEP_COLUMNS = ("position", "step", "reached", "quit", "help", "time")


def main_figures(t: Catalog) -> dict[str, Figure]:
    """The page's big figures, over every view."""
    icons = dict(zip(FEEDBACK, ("smiley-happy.svg", "smiley-neutral.svg", "smiley-sad.svg"),
                     strict=True))
    keys = ("sessions", "completion", "help_calls", "answered", "wait",
            *(f"feedback_{k}" for k in FEEDBACK))
    return {k: Figure(t.t(f"figures.{k}"), f"figure-{k}", icons.get(k.removeprefix("feedback_")))
            for k in keys}


def main_details(tot: Totals, help_: dict[str, Any] | None, t: Catalog) -> dict[str, str]:
    """What the big figures say under their caption: "2 sur 5", the share answered."""
    h = help_ or {}
    calls, answered = int(h.get("calls") or 0), int(h.get("answered") or 0)
    return {"completion": t.t("flow.completed_detail", completed=count(tot.completed, t),
                              sessions=count(tot.sessions, t)) if tot.sessions else "",
            "answered": percent(answered / calls, t) if calls else ""}


def fill_figures(figures: dict[str, Figure], a: dict[str, Metric], b: dict[str, Metric] | None,
                 t: Catalog, label: str = "", details: dict[str, str] | None = None) -> None:
    """Write ``a``'s figures on their cards; with ``b``, also the other side's (named
    ``label``) and the difference."""
    for key, figure in figures.items():
        figure.set_value(shown(a[key], t), (details or {}).get(key, ""))
        if b is None:
            figure.set_compare("", "")
        else:
            value = shown(b[key], t)
            figure.set_compare(t.t("compare.line", value=value), change(a[key], b[key], t, True),
                               (t.t("compare.line_name", value=value, label=label),
                                change(a[key], b[key], t)))


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
        self.step_texts: dict[str, dict[str, str]] = {}  # "flow@version" -> step id -> text

    def show_funnel(self, funnel: dict[str, Any] | None, other: dict[str, Any] | None = None,
                     labels: tuple[str, str] | None = None) -> None:
        """The funnel of one flow; with ``labels``, compared with ``other`` (the same
        flow's funnel for the other period or kiosk)."""
        t = self.t
        f = funnel or {}
        sessions = int(f.get("sessions") or 0)
        feedback = f.get("feedback") or {}
        given = sum(int(feedback.get(k) or 0) for k in FEEDBACK)
        steps = f.get("steps") or []
        details = {
            "completed": t.t("flow.completed_detail", completed=count(int(f.get("completed") or 0), t),
                             sessions=count(sessions, t)) if sessions else "",
            "satisfaction": t.t("flow.feedback_detail", **{k: int(feedback.get(k) or 0)
                                                           for k in FEEDBACK}) if given else ""}
        fill_figures(self.figures, flow_metrics(f), None if labels is None else flow_metrics(other),
                     t, labels[1] if labels else "", details)
        names = [self.step_name(s) for s in steps]
        reached = [s["reached"] for s in steps]
        if labels is not None:  # the main side and the other, step by step
            theirs = {s["step_id"]: s["reached"] for s in (other or {}).get("steps") or []}
            self.chart.set_bars(names, paired(t.t("flow.reached"), "blue", reached,
                                              [theirs.get(s["step_id"], 0) for s in steps],
                                              labels, t))
        else:
            self.chart.set_bars(names, [
                (t.t("flow.reached"), "blue", reached),
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

    def fill_picker(self, flows: list[dict[str, Any]], titles: dict[str, str]) -> None:
        """Every flow by its title; the one picked stays picked (no signal)."""
        keep = self.picker.currentData()
        self.picker.blockSignals(True)
        self.picker.clear()
        for f in sorted(flows, key=lambda f: titles[f["id"]].casefold()):
            self.picker.addItem(titles[f["id"]], f["id"])
        self.picker.setCurrentIndex(max(0, self.picker.findData(keep) if keep else -1))
        self.picker.blockSignals(False)

    def ask_texts(self, client: StaffClient, flow_id: str, version: Any, language: str,
                  alive: Callable[[], bool]) -> None:
        """What each step of ``flow_id`` says, for the table's tooltips: asked in the
        background once per flow version (``alive``: the page still wants answers)."""
        key = f"{flow_id}@{version}"
        if key in self.step_texts:
            self.set_texts(self.step_texts[key])
            return

        def done(status: int | None, payload: Any) -> None:
            if not alive() or status != 200 or not isinstance(payload, dict):
                return
            steps = (payload.get("flow") or {}).get("steps") or []
            self.step_texts[key] = {s["id"]: pick(s.get("text") or {}, language) for s in steps}
            if self.picker.currentData() == flow_id:
                self.set_texts(self.step_texts[key])

        client.call("GET", f"/flows/{quote(flow_id, safe='')}", done=done)

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

    def show_help(self, data: dict[str, Any] | None, titles: dict[str, str],
                  other: Other | None = None) -> None:
        t = self.t
        d = data or {}
        calls = int(d.get("calls") or 0)
        answered = int(d.get("answered") or 0)
        kinds = d.get("by_kind") or {}
        labels = other.labels if other else None
        fill_figures(self.figures, help_metrics(d), help_metrics(other.help) if other else None,
                     t, labels[1] if labels else "", {
                         "calls": t.t("help.calls_detail",
                                      help=count(int(kinds.get("help") or 0), t),
                                      workshop=count(int(kinds.get("workshop") or 0), t)),
                         "answered": percent(answered / calls, t) if calls else ""})
        steps = dict(help_steps(d.get("by_step") or [], titles))
        theirs = dict(help_steps((other.help or {}).get("by_step") or [], titles)) if other else {}
        names = (list(steps) + [s for s in theirs if s not in steps])[:10]
        self.by_step.set_title(t.t("help.by_step") if names else t.t("help.by_step_none"))
        self.by_step.set_bars(names, paired(
            t.t("help.calls_set"), "yellow", [steps.get(s, 0) for s in names],
            [theirs.get(s, 0) for s in names] if other else None, labels, t))
        outcomes = d.get("outcomes") or {}
        their_outcomes = (other.help or {}).get("outcomes") or {} if other else {}
        self.outcomes.set_bars([t.t(f"outcome.{o}") for o in OUTCOMES], paired(
            t.t("help.resolved_set"), "green", [int(outcomes.get(o) or 0) for o in OUTCOMES],
            [int(their_outcomes.get(o) or 0) for o in OUTCOMES] if other else None, labels, t))


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
                     date_format: str, other: Other | None = None) -> None:
        """Days of the period (or weeks), hours and flows; comparing, the other side's
        bars beside, day by day from each period's first day."""
        t = self.t
        started = t.t("traffic.started")
        labels = other.labels if other else None
        theirs = other.totals if other else None
        firsts, counts, weekly = per_period(dict(totals.by_day), start, end)
        their_counts = None
        if other is not None and theirs is not None:
            _, their_counts, _ = per_period(dict(theirs.by_day), other.start, other.end)
            their_counts = (their_counts + [0] * len(counts))[:len(counts)]
        self.per_day.set_title(t.t("traffic.per_week" if weekly else "traffic.per_day"))
        self.per_day.set_bars([d.strftime(date_format) for d in firsts],
                              paired(started, "blue", counts, their_counts, labels, t))
        hours = shown_hours([a + b for a, b in zip(totals.by_hour, theirs.by_hour if theirs
                                                   else [0] * 24, strict=True)])
        self.per_hour.set_bars([t.t("units.hour", hour=h) for h in hours], paired(
            started, "blue", [totals.by_hour[h] for h in hours],
            [theirs.by_hour[h] for h in hours] if theirs else None, labels, t))
        flows = [fid for fid, _ in sorted(totals.by_flow.items(), key=lambda kv: (-kv[1][0], kv[0]))]
        if theirs is None:
            self.per_flow.set_bars([titles.get(fid, fid) for fid in flows], [
                (started, "blue", [totals.by_flow[f][0] for f in flows]),
                (t.t("traffic.completed"), "green", [totals.by_flow[f][1] for f in flows])])
            return
        flows += sorted(f for f in theirs.by_flow if f not in totals.by_flow)
        self.per_flow.set_bars([titles.get(fid, fid) for fid in flows], paired(
            started, "blue", [totals.by_flow.get(f, (0, 0))[0] for f in flows],
            [theirs.by_flow.get(f, (0, 0))[0] for f in flows], labels, t))


class ReportView(QWidget):
    """The period report, for every kiosk of the office."""

    KEYS = REPORT_KEYS

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

    def show_report(self, report: dict[str, Any] | None, other: Other | None = None) -> None:
        """The report; with ``other`` (another period: the report is for every kiosk),
        its figures beside."""
        t = self.t
        s = (report or {}).get("satisfaction") or {}
        fill_figures(self.figures, report_metrics(report),
                     report_metrics(other.report) if other else None, t,
                     other.labels[1] if other else "", {
                         "satisfaction": t.t("flow.feedback_detail",
                                             **{k: int(s.get(k) or 0) for k in FEEDBACK})
                         if s.get("total") else ""})
