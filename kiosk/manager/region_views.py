"""What the **Région** tab shows once a report is read (``kiosk.manager.region``): the
region's totals as big figures, a sortable table of the offices, a chart of one figure by
office, the steps ranked and the flows, each filled from ``RegionReport.as_dict()``.

Numbers are written in the app's language (``72,5 %`` in French, ``72.5%`` in English),
right-aligned; each table sorts on its numbers, not on their text. An office that did not
send every nightly export says so in words in the table (and in a note), not only by
colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.i18n import Catalog
from kiosk.manager.dashboard_charts import BarChart, Figure
from kiosk.manager.workshops_common import qdate, qlocale

FIGURES = ("offices", "sessions", "completion", "help_per_100", "wait", "satisfaction",
           "referrals", "registered", "attended")
OFFICE_COLUMNS = ("office", "days", "missing", "visits", "sessions", "completed", "completion",
                  "help_calls", "help_per_100", "answered", "wait", "satisfaction", "feedback",
                  "referrals", "workshops", "registered", "attended")
STEP_COLUMNS = ("rank", "flow", "step", "offices", "reached", "quit", "quit_rate", "help_calls",
                "help_per_100_reached")
FLOW_COLUMNS = ("flow", "sessions", "completed", "completion", "help_calls")
CHARTS = ("help_per_100", "completion")
MISSING_BACKGROUND = "#FFF4CC"  # with the words "2 jours manquants": never colour alone


class Words:
    """Numbers in the app's language: counts, decimals, percentages, waits."""

    def __init__(self, t: Catalog, language: str) -> None:
        self.t = t.t
        self.locale: QLocale = qlocale(language)

    def missing(self) -> str:
        return self.t("region.units.missing")

    def count(self, value: Any) -> str:
        return self.missing() if value is None else self.locale.toString(int(value))

    def decimal(self, value: Any, places: int = 1) -> str:
        return self.missing() if value is None else self.locale.toString(float(value), "f", places)

    def percent(self, rate: Any) -> str:
        """``0.725`` -> "72,5 %" (French) or "72.5%" (English); none -> a dash."""
        if rate is None:
            return self.missing()
        return self.t("region.units.percent", value=self.decimal(float(rate) * 100))

    def wait(self, seconds: Any) -> str:
        """``75`` -> "1 min 15 s"; under a minute "12 s"; none -> a dash."""
        if seconds is None:
            return self.missing()
        whole = round(float(seconds))
        if whole < 60:
            return self.t("region.units.seconds", seconds=whole)
        return self.t("region.units.minutes", minutes=whole // 60, seconds=f"{whole % 60:02d}")

    def day(self, iso: str) -> str:
        return self.locale.toString(qdate(date.fromisoformat(iso)), self.t("region.date_format"))


# -- the big figures --------------------------------------------------------------------
def region_figures(t: Catalog) -> dict[str, Figure]:
    return {key: Figure(t.t(f"region.figures.{key}"), f"region-figure-{key}") for key in FIGURES}


def fill_figures(figures: dict[str, Figure], totals: dict[str, Any], w: Words) -> None:
    """The region's totals on the figure cards (each also says it in its accessible name)."""
    sat = totals.get("satisfaction") or {}
    sessions = totals.get("sessions")
    values = {
        "offices": (w.count(totals.get("offices")), ""),
        "sessions": (w.count(sessions), ""),
        "completion": (w.percent(totals.get("completion_rate")),
                       w.t("region.details.completion", completed=w.count(totals.get("completed")),
                           sessions=w.count(sessions)) if sessions else ""),
        "help_per_100": (w.decimal(totals.get("help_per_100_sessions")),
                         w.t("region.details.help_per_100", calls=w.count(totals.get("help_calls")))),
        "wait": (w.wait(totals.get("median_wait_seconds")), ""),
        "satisfaction": (w.percent(sat.get("share_good")),
                         w.t("region.details.satisfaction", good=w.count(sat.get("good")),
                             total=w.count(sat.get("total"))) if sat.get("total") else ""),
        "referrals": (w.count(totals.get("workshop_referrals")), ""),
        "registered": (w.count(totals.get("registered")),
                       w.t("region.details.registered", workshops=w.count(totals.get("workshops")))),
        "attended": (w.count(totals.get("attended")), ""),
    }
    for key, figure in figures.items():
        figure.set_value(*values[key])


# -- tables -----------------------------------------------------------------------------
class Item(QTableWidgetItem):
    """A cell that sorts on its value (a number, or text without case), not its words;
    an unknown value (``None``) sorts before every number."""

    def __init__(self, text: str, key: Any = None, number: bool = False, tip: str = "") -> None:
        super().__init__(text)
        self.key = (0, 0.0) if key is None and number else (1, key if key is not None else text)
        if isinstance(self.key[1], str):
            self.key = (1, self.key[1].casefold())
        if number:
            self.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if tip:
            self.setToolTip(tip)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        if isinstance(other, Item):
            try:
                return bool(self.key < other.key)
            except TypeError:
                return str(self.key[1]) < str(other.key[1])
        return super().__lt__(other)


def make_table(name: str, accessible: str, headers: Sequence[str]) -> QTableWidget:
    """A read-only table that sorts by a click on a header and scrolls both ways."""
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
    table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(False)  # numbers stay beside their neighbours
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
    table.setSortingEnabled(True)
    table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # by office, by rank: as the report
    return table


def fill_table(table: QTableWidget, rows: Sequence[Sequence[Item]]) -> None:
    """Replace the rows, keeping the sort the person chose (sorting paused meanwhile)."""
    table.setSortingEnabled(False)
    table.clearContents()
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, item in enumerate(row):
            table.setItem(r, c, item)
    table.setSortingEnabled(True)
    header = table.horizontalHeader()
    table.sortItems(header.sortIndicatorSection(), header.sortIndicatorOrder())


def office_rows(offices: Sequence[dict[str, Any]], w: Words) -> list[list[Item]]:
    rows = []
    for o in offices:
        sat = o.get("satisfaction") or {}
        missing = list(o.get("missing_days") or [])
        gap = Item(w.t("region.missing.some", n=len(missing)) if missing
                   else w.t("region.missing.none"), len(missing),
                   tip=w.t("region.missing.tip", days=", ".join(w.day(d) for d in missing))
                   if missing else "")
        if missing:
            gap.setBackground(QColor(MISSING_BACKGROUND))
        name = Item(str(o.get("office") or ""), tip=gap.toolTip())

        def n(key: str, source: dict[str, Any] = o) -> Item:
            return Item(w.count(source.get(key)), source.get(key), True)

        rows.append([
            name, n("days"), gap, n("visits"), n("sessions"), n("completed"),
            Item(w.percent(o.get("completion_rate")), o.get("completion_rate"), True),
            n("help_calls"),
            Item(w.decimal(o.get("help_per_100_sessions")), o.get("help_per_100_sessions"), True),
            n("answered"),
            Item(w.wait(o.get("median_wait_seconds")), o.get("median_wait_seconds"), True),
            Item(w.percent(sat.get("share_good")), sat.get("share_good"), True),
            n("total", sat), n("workshop_referrals"), n("workshops"), n("registered"), n("attended"),
        ])
    return rows


def step_rows(steps: Sequence[dict[str, Any]], w: Words) -> list[list[Item]]:
    rows = []
    for rank, s in enumerate(steps, 1):
        rows.append([
            Item(w.count(rank), rank, True), _named(s, "flow"), _named(s, "step"),
            *(Item(w.count(s.get(k)), s.get(k), True) for k in ("offices", "reached", "quit")),
            Item(w.percent(s.get("quit_rate")), s.get("quit_rate"), True),
            Item(w.count(s.get("help_calls")), s.get("help_calls"), True),
            Item(w.decimal(s.get("help_per_100")), s.get("help_per_100"), True),
        ])
    return rows


def flow_rows(flows: Sequence[dict[str, Any]], w: Words) -> list[list[Item]]:
    return [[_named(f, "flow"),
             Item(w.count(f.get("sessions")), f.get("sessions"), True),
             Item(w.count(f.get("completed")), f.get("completed"), True),
             Item(w.percent(f.get("completion_rate")), f.get("completion_rate"), True),
             Item(w.count(f.get("help_calls")), f.get("help_calls"), True)] for f in flows]


def _named(row: dict[str, Any], what: str) -> Item:
    """A flow's or step's words (``kiosk.region.titles``), its id when it has none, the id
    as the tooltip."""
    ident = str(row.get(f"{what}_id") or "")
    return Item(str(row.get(f"{what}_title") or ident), tip=ident)


def cell(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    return item.text() if item is not None else ""


# -- the chart --------------------------------------------------------------------------
class OfficeChart(QWidget):
    """Horizontal bars, one per office, of the figure chosen above them: help calls per
    100 flows, or the share of flows finished (in %)."""

    def __init__(self, t: Catalog, language: str) -> None:
        super().__init__()
        self.t = t
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 4, 0, 0)
        row = QHBoxLayout()
        label = QLabel(t.t("region.chart.show"))
        row.addWidget(label)
        self.choice = QComboBox()
        self.choice.setObjectName("region-chart-choice")
        self.choice.setAccessibleName(t.t("region.chart.show_name"))
        for key in CHARTS:
            self.choice.addItem(t.t(f"region.chart.{key}"), key)
        label.setBuddy(self.choice)
        row.addWidget(self.choice)
        row.addStretch(1)
        box.addLayout(row)
        self.chart = BarChart(t.t(f"region.chart.{CHARTS[0]}"), horizontal=True, name="region-chart")
        self.chart.chart().setLocalizeNumbers(True)  # "12,5" in French on the bars
        self.chart.chart().setLocale(qlocale(language))
        self.chart.value_axis.setLabelFormat("%.0f")  # localized, "%d" draws no label at all
        scroll = QScrollArea()  # many offices: the bars keep their room, the chart scrolls
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.chart)
        box.addWidget(scroll, 1)
        self.offices: list[dict[str, Any]] = []
        self.choice.currentIndexChanged.connect(self._draw)

    def show_offices(self, offices: Sequence[dict[str, Any]]) -> None:
        self.offices = list(offices)
        self._draw()

    def _draw(self) -> None:
        key = str(self.choice.currentData())
        title = self.t.t(f"region.chart.{key}")
        self.chart.set_title(title)
        names = [str(o.get("office") or "") for o in self.offices]
        if key == "completion":
            values = [round(float(o.get("completion_rate") or 0) * 100, 1) for o in self.offices]
        else:
            values = [round(float(o.get("help_per_100_sessions") or 0), 1) for o in self.offices]
        self.chart.set_bars(names, [(title, "blue" if key == "completion" else "yellow", values)],
                            legend=False)
        self.chart.setMaximumHeight(max(300, 140 + 64 * len(names)))  # a few offices: no slabs
