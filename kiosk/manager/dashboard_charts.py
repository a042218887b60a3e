"""The dashboard's building blocks: a bar chart (QtCharts) that can be refilled and read
back, and big figures (a number over its caption) so that every number can be read as
text, not only seen as a bar. When the page compares, a figure also shows the other side's
number and the difference in words, and a chart's second series is hatched (told apart by
its pattern and its legend, not by colour alone).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from kiosk.i18n import Catalog
from kiosk.ui.theme import FONT_FAMILY
from kiosk.ui.widgets import svg_pixmap

#: series colours, readable on white and told apart without colour by the legend order;
#: a key ending in ":hatched" is the same colour in diagonal stripes (a compared series)
COLOURS = {"blue": "#0B3D91", "red": "#B42318", "yellow": "#F2B600", "green": "#1B7F3B",
           "grey": "#5B6573"}
HATCHED = ":hatched"

Bars = tuple[str, str, Sequence[float]]  # a set's name, colour key, one value per category


def paired(name: str, colour: str, values: Sequence[float], other: Sequence[float] | None,
           labels: tuple[str, str] | None, t: Catalog) -> list[Bars]:
    """One set, or (comparing) the main side's and the other side's, named after each."""
    if other is None or labels is None:
        return [(name, colour, values)]
    return [(t.t("compare.series", name=name, which=labels[0]), colour, values),
            (t.t("compare.series", name=name, which=labels[1]), colour + HATCHED, other)]


def font(px: int, bold: bool = False) -> QFont:
    f = QFont(FONT_FAMILY)
    f.setPixelSize(px)
    f.setBold(bold)
    return f


class BarChart(QChartView):
    """Bars by category, one or more sets. ``horizontal`` charts list categories from
    top to bottom in the order given (a funnel reads downwards)."""

    def __init__(self, title: str, horizontal: bool = False, name: str = "") -> None:
        super().__init__()
        self.setObjectName(name)
        self.horizontal = horizontal
        self._categories: list[str] = []
        self._sets: dict[str, list[float]] = {}
        chart = QChart()
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setTitle(title)
        chart.setTitleFont(font(18, bold=True))
        chart.setMargins(QMargins(6, 6, 6, 6))
        chart.setBackgroundRoundness(8)
        chart.legend().setFont(font(15))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.legend().setReverseMarkers(horizontal)  # in the order the bars read down
        self.setChart(chart)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(title)
        self._build()

    def set_title(self, title: str) -> None:
        self.chart().setTitle(title)
        self.setAccessibleName(title)

    def _build(self) -> None:
        """One series and two axes for the chart's life; refills change their content."""
        chart = self.chart()
        self.series = QHorizontalBarSeries() if self.horizontal else QBarSeries()
        self.series.setLabelsVisible(True)
        self.series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
        self.series.setLabelsPrecision(6)
        self.series.setBarWidth(0.8)
        chart.addSeries(self.series)
        self.category_axis = QBarCategoryAxis()
        self.category_axis.setLabelsFont(font(14))
        self.category_axis.setTruncateLabels(False)  # a name cut to "…" says nothing
        self.value_axis = QValueAxis()
        self.value_axis.setLabelFormat("%d")
        self.value_axis.setLabelsFont(font(13))
        self.value_axis.setGridLineColor(QColor("#D8DEE9"))
        first, second = ((Qt.AlignmentFlag.AlignLeft, Qt.AlignmentFlag.AlignBottom)
                         if self.horizontal else
                         (Qt.AlignmentFlag.AlignBottom, Qt.AlignmentFlag.AlignLeft))
        chart.addAxis(self.category_axis, first)
        chart.addAxis(self.value_axis, second)
        self.series.attachAxis(self.category_axis)
        self.series.attachAxis(self.value_axis)

    def set_bars(self, categories: Sequence[str], sets: Sequence[Bars],
                 legend: bool | None = None) -> None:
        """Replace the bars: ``sets`` are (name, colour key, one value per category)."""
        self._categories = list(categories)
        self._sets = {name: [float(v) for v in values] for name, _, values in sets}
        self.series.clear()
        self.category_axis.clear()
        self.category_axis.append(self._categories[::-1] if self.horizontal else self._categories)
        if not self.horizontal:  # many days: smaller labels, so that each fits its bar
            self.category_axis.setLabelsFont(font(14 if len(self._categories) <= 16 else 12))
        top = 0.0
        # a horizontal chart draws its first set at the bottom of each group: reversed,
        # the main bar comes first when reading down
        for name, colour, values in (list(sets)[::-1] if self.horizontal else sets):
            bar = QBarSet(name)
            numbers = [float(v) for v in values]
            bar.append(numbers[::-1] if self.horizontal else numbers)
            base = QColor(COLOURS[colour.removesuffix(HATCHED)])
            if colour.endswith(HATCHED):  # stripes a shade darker, and a darker edge:
                bar.setBrush(QBrush(base.darker(120), Qt.BrushStyle.BDiagPattern))
                bar.setBorderColor(base.darker(170))  # seen on white even when yellow
            else:
                bar.setColor(base)
                bar.setBorderColor(base.darker(130))
            bar.setLabelColor(QColor("#1A1A1A"))
            bar.setLabelFont(font(13, bold=True))
            self.series.append(bar)
            top = max([top, *numbers])
        end, ticks = _axis(top)
        self.value_axis.setRange(0, end)
        self.value_axis.setTickCount(ticks)
        self.chart().legend().setVisible(len(sets) > 1 if legend is None else legend)
        if self.horizontal:  # every category's label and bars need room: taller with more
            self.setMinimumHeight(max(220, 110 + len(self._categories) * max(20, 8 * len(sets) + 6)))

    # -- reading back (tests, screen readers) ----------------------------------------------
    def categories(self) -> list[str]:
        return list(self._categories)

    def values(self, name: str) -> list[float]:
        """The values of set ``name``, in the order of :meth:`categories`."""
        return list(self._sets[name])

    def set_names(self) -> list[str]:
        return list(self._sets)

    def value_of(self, category: str, name: str) -> float:
        return self._sets[name][self._categories.index(category)]


def _axis(top: float) -> tuple[int, int]:
    """A round axis end with room for the bars' labels, and a tick count that gives
    round steps (0, 20, 40...)."""
    room = max(0.0, top) * 1.15 + 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000):
        intervals = -int(-room // step)
        if intervals <= 6:
            return intervals * step, intervals + 1
    return int(room) + 1, 2


class Figure(QFrame):
    """A big number over its caption, on a card; its accessible name says both."""

    def __init__(self, caption: str, name: str = "", icon: str | None = None) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setProperty("role", "figure")
        self.caption_text = caption
        box = QVBoxLayout(self)
        box.setContentsMargins(14, 8, 14, 10)
        box.setSpacing(2)
        row = QHBoxLayout()
        row.setSpacing(8)
        if icon:
            picture = QLabel()
            picture.setPixmap(svg_pixmap("icons", icon, 40))
            row.addWidget(picture, 0)
        self.value = QLabel("—")
        self.value.setProperty("role", "figureValue")
        row.addWidget(self.value, 1)
        box.addLayout(row)
        self.caption = QLabel(caption)
        self.caption.setProperty("role", "figureCaption")
        self.caption.setWordWrap(True)
        box.addWidget(self.caption)
        self.detail = QLabel("")
        self.detail.setProperty("role", "figureCaption")
        self.detail.setWordWrap(True)
        self.detail.hide()
        box.addWidget(self.detail)
        self.other = QLabel("")  # comparing: the other side's number...
        self.other.setProperty("role", "figureOther")
        self.other.setWordWrap(True)
        self.change = QLabel("")  # ... and how this one differs, in words
        self.change.setProperty("role", "figureChange")
        self.change.setWordWrap(True)
        for label in (self.other, self.change):
            label.hide()
            box.addWidget(label)
        self.spoken = ("", "")
        self._update_name()

    def set_value(self, text: str, detail: str = "") -> None:
        self.value.setText(text)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        self._update_name()

    def set_compare(self, other: str, change: str, spoken: tuple[str, str] = ("", "")) -> None:
        """Show the other side's number (``other``, e.g. "contre 4") and how this one
        differs (``change``, e.g. "↑ 1 (+25 %)"); empty texts hide them. ``spoken`` says
        both in full words for screen readers ("contre 4 (01/02–28/02)", "↑ 1 de plus
        (+25 %)")."""
        for label, text in ((self.other, other), (self.change, change)):
            label.setText(text)
            label.setVisible(bool(text))
        self.spoken = (spoken[0] or other, spoken[1] or change)
        self._update_name()

    def set_caption(self, caption: str) -> None:
        self.caption_text = caption
        self.caption.setText(caption)
        self._update_name()

    def text(self) -> str:
        return self.value.text()

    def _update_name(self) -> None:
        detail = f" ({self.detail.text()})" if self.detail.text() else ""
        compared = "".join(f"; {text}" for text in self.spoken if text)
        self.setAccessibleName(f"{self.caption_text}: {self.value.text()}{detail}{compared}")


def figure_row(figures: Sequence[QWidget]) -> QWidget:
    row = QWidget()
    box = QHBoxLayout(row)
    box.setContentsMargins(0, 0, 0, 0)
    box.setSpacing(10)
    for f in figures:
        box.addWidget(f, 1)
    return row


def dashboard_style() -> str:
    """The figures' look, on top of the manager's style."""
    return """
QFrame[role="figure"] { background: #FFFFFF; border: 2px solid #C5CEDD; border-radius: 12px; }
QLabel[role="figureValue"] { font-size: 34px; font-weight: bold; color: #0B3D91; }
QLabel[role="figureCaption"] { font-size: 16px; color: #3B4252; }
QLabel[role="figureOther"] { font-size: 17px; color: #3B4252; }
QLabel[role="figureChange"] { font-size: 17px; font-weight: bold; color: #1A1A1A; }
QLabel[role="banner"] { font-size: 20px; color: #1A1A1A; background: #FFF4CC;
    border: 2px solid #F2B600; border-radius: 8px; padding: 8px 12px; }
QLabel[role="sectionTitle"] { font-size: 20px; font-weight: bold; color: #1A1A1A; }
QLabel[role="note"] { font-size: 16px; color: #3B4252; }
"""
