"""Printing the dashboard and saving its period report as a PDF.

- ``print_widget``: the page as it is on screen, scaled to the printed page (landscape
  by default), under a line that says which office, period and kiosks it shows;
- ``ReportMaker``: the A4 report of a period (``dashboard_pdf`` draws it). It asks the
  hub for that period and the one it is compared with (flows, help calls, report, every
  flow's funnel) in the background, fills the same charts the page shows (off screen),
  draws the PDF into memory on the UI thread, and writes the file in a worker thread;
  ``saved`` or ``failed`` tells how it went;
- ``PrintActions``: the page's "Print…" and "PDF report…" buttons and what they do (the
  dialogs open without blocking the app).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from PySide6.QtCore import QObject, QPoint, QRect, QRectF, QSize, Qt, Signal, SignalInstance
from PySide6.QtGui import QImage, QPageLayout, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QWidget,
)

from kiosk.client.staff import StaffClient, detail
from kiosk.flows.model import pick
from kiosk.i18n import Catalog
from kiosk.manager.dashboard_charts import BarChart
from kiosk.manager.dashboard_data import (
    FEEDBACK,
    Metric,
    Other,
    change,
    main_metrics,
    previous_period,
    report_metrics,
    shown,
    span,
    totals,
)
from kiosk.manager.dashboard_pdf import ReportDocument, dashboard_pdf, font
from kiosk.manager.dashboard_views import FlowView, TrafficView
from kiosk.manager.workshops_common import day_text
from kiosk.manager.workshops_report import write_file
from kiosk.ui.background import run_in_background

#: the report's rows: (catalog key of the label, key of the metric), main figures first
MAIN_ROWS = ("sessions", "completion", "help_calls", "answered", "wait",
             *(f"feedback_{k}" for k in FEEDBACK))
REPORT_ROWS = ("visits", "accompanied", "referred_to_workshop", "workshops", "registered",
               "attended", "satisfaction")


def print_widget(widget: QWidget, printer: QPrinter, heading: str) -> bool:
    """Draw ``heading`` then ``widget`` (scaled to fit, proportions kept) on one page of
    ``printer``; False when the printer cannot be painted on.

    The widget is drawn as a picture at up to three times its size on screen (sharp on
    paper): Qt draws a widget on a scaled printer as a picture anyway, at the printer's
    full resolution (tens of megabytes), and its vector path warns about the style's
    gradients."""
    painter = QPainter()
    if not painter.begin(printer):
        return False
    try:
        area = printer.pageLayout().paintRectPixels(printer.resolution())
        width, height = area.width(), area.height()
        painter.setFont(font(12, bold=True))
        flags = int(Qt.TextFlag.TextWordWrap)
        box = painter.boundingRect(QRect(0, 0, width, height), flags, heading)
        painter.drawText(QRect(0, 0, width, box.height()), flags, heading)
        top = box.height() + printer.resolution() // 8
        scale = min(width / max(1, widget.width()), (height - top) / max(1, widget.height()))
        ratio = max(1.0, min(3.0, scale))
        image = QImage(QSize(round(widget.width() * ratio), round(widget.height() * ratio)),
                       QImage.Format.Format_RGB32)
        image.setDevicePixelRatio(ratio)
        image.fill(Qt.GlobalColor.white)
        on_image = QPainter(image)
        widget.render(on_image, QPoint(0, 0))
        on_image.end()
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(QRectF(0, top, widget.width() * scale, widget.height() * scale), image)
    finally:
        painter.end()
    return True


def batch(client: StaffClient, calls: dict[str, str],
          done: Callable[[dict[str, Any], list[str]], None]) -> None:
    """GET every path of ``calls`` (key -> path) at once; ``done(answers, errors)`` once
    the last one is in."""
    answers: dict[str, Any] = {}
    errors: list[str] = []
    left = [len(calls)]

    def one(key: str) -> Callable[[int | None, Any], None]:
        def got(status: int | None, payload: Any) -> None:
            if status == 200:
                answers[key] = payload
            else:
                errors.append(detail(status, payload))
            left[0] -= 1
            if left[0] == 0:
                done(answers, errors)
        return got

    if not calls:
        done(answers, errors)
    for key, path in calls.items():
        client.call("GET", path, done=one(key))


@dataclass
class ReportRequest:
    """What the report is about (the page's filters when it was asked)."""

    start: date
    end: date
    other_start: date  # the period it is compared with
    other_end: date
    kiosk: str | None
    flow: str | None  # the flow whose funnel is drawn (the one the page shows)
    office: str  # the office's name
    now: datetime  # on the office's clock


class ReportMaker(QObject):
    saved = Signal(str)  # the file written
    failed = Signal(str)  # what went wrong, in words

    def __init__(self, client: StaffClient, t: Catalog, language: str,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.client, self.t, self.language = client, t, language
        self._views: list[QWidget] = []  # off-screen views whose charts the PDF draws

    def make(self, path: Path, request: ReportRequest) -> None:
        """Ask the hub, draw, save to ``path``."""
        sides = {"": (request.start, request.end), "b:": (request.other_start, request.other_end)}

        def query(side: str, with_kiosk: bool = True, **extra: str) -> str:
            start, end = sides[side]
            params = {**extra, "from": start.isoformat(), "to": end.isoformat()}
            if with_kiosk and request.kiosk:
                params["kiosk"] = request.kiosk
            return "?" + urlencode(params)

        def first(answers: dict[str, Any], errors: list[str]) -> None:
            if errors:
                self._fail(errors[0])
                return
            flows = (answers.get("flows") or {}).get("items") or []
            funnels = {f"{side}funnel:{f['id']}": "/stats/funnel" + query(side, flow=f["id"])
                       for side in sides for f in flows}
            batch(self.client, funnels, lambda more, errs: self._got(
                path, request, {**answers, **more}, errs))

        batch(self.client, {
            "flows": "/flows",
            **{f"{side}help": "/stats/help" + query(side) for side in sides},
            **{f"{side}report": "/stats/report" + query(side, with_kiosk=False)
               for side in sides}}, first)

    def _got(self, path: Path, request: ReportRequest, answers: dict[str, Any],
             errors: list[str]) -> None:
        if errors:
            self._fail(errors[0])
            return
        try:
            data = dashboard_pdf(self.document(request, answers))
        except Exception as exc:  # drawing failed: said, never lost
            self._fail(str(exc))
            return
        finally:
            for view in self._views:
                view.deleteLater()
            self._views = []

        def written(result: Any, error: BaseException | None) -> None:
            if error is not None:
                self.failed.emit(self.t.t("pdf.failed", detail=str(error)))
            else:
                self.saved.emit(str(result))

        run_in_background(lambda: write_file(path, data), written)

    def _fail(self, why: str) -> None:
        self.failed.emit(self.t.t("pdf.failed", detail=why))

    # -- what the report says ------------------------------------------------------------
    def document(self, request: ReportRequest, answers: dict[str, Any]) -> ReportDocument:
        t, lang = self.t.t, self.language
        flows = (answers.get("flows") or {}).get("items") or []
        titles = {f["id"]: pick(f.get("title") or {}, lang) or f["id"] for f in flows}
        funnels = {side: {k.removeprefix(f"{side}funnel:"): v for k, v in answers.items()
                          if k.startswith(f"{side}funnel:")} for side in ("", "b:")}
        short = t("date_format_python")
        spans = [(request.start, request.end), (request.other_start, request.other_end)]
        columns = [t("pdf.col_span", start=a.strftime(short), end=b.strftime(short))
                   for a, b in spans]
        labels = (span(*spans[0], self.t), span(*spans[1], self.t))
        other = Other("period", request.other_start, request.other_end, request.kiosk, labels,
                      funnels["b:"], answers.get("b:help"), answers.get("b:report"))
        rows = self._rows(main_metrics(totals(funnels[""]), answers.get("help")),
                          main_metrics(other.totals, other.help), MAIN_ROWS, "figures")
        rows += self._rows(report_metrics(answers.get("report")), report_metrics(other.report),
                           REPORT_ROWS, "report")
        charts: list[tuple[str, BarChart, float]] = []  # the page's own charts, off screen
        if request.flow and request.flow in funnels[""]:
            flow_view = FlowView(self.t)
            flow_view.show_funnel(funnels[""][request.flow], funnels["b:"].get(request.flow),
                                  labels)
            steps = len(funnels[""][request.flow].get("steps") or [])
            charts.append((t("pdf.funnel", flow=titles.get(request.flow, request.flow)),
                           flow_view.chart, min(1.0, 0.25 + 0.04 * steps)))
            self._views.append(flow_view)
        traffic = TrafficView(self.t)
        traffic.show_traffic(totals(funnels[""]), request.start, request.end, titles,
                             t("date_format_short"), other)
        charts.append((traffic.per_day.chart().title(), traffic.per_day, 0.5))
        self._views.append(traffic)
        for _, chart, _ in charts:
            chart.set_title("")  # the report writes its own heading above
        made = request.now
        return ReportDocument(
            title=t("pdf.title"), office=request.office,
            lines=[t("pdf.period", start=day_text(request.start, lang),
                     end=day_text(request.end, lang)),
                   t("pdf.compared", start=day_text(request.other_start, lang),
                     end=day_text(request.other_end, lang)),
                   t("pdf.where_kiosk", kiosk=request.kiosk) if request.kiosk
                   else t("pdf.where_all")],
            heading=t("pdf.figures"),
            columns=(t("pdf.col_figure"), columns[0], columns[1], t("pdf.col_change")),
            rows=rows, note=t("pdf.note"), charts=charts,
            footer=t("pdf.made", date=day_text(made.date(), lang), time=made.strftime("%H:%M")),
            page_label=t("pdf.page", page="{page}", pages="{pages}"))

    def _rows(self, a: dict[str, Metric], b: dict[str, Metric], keys: tuple[str, ...],
              section: str) -> list[tuple[str, str, str, str]]:
        t = self.t
        return [(t.t(f"{section}.{k}"), shown(a[k], t), shown(b[k], t), change(a[k], b[k], t))
                for k in keys]


class PrintActions:
    """The dashboard page's printing and PDF report: a mixin of ``DashboardPage`` (a
    QWidget), using what the page has (below)."""

    t: Catalog
    client: StaffClient
    language: str
    office: dict[str, str] | None
    compare: Any  # the CompareBar
    kiosk: QComboBox
    body: QWidget  # all below the filters (the heading says what they are)
    status: QLabel
    busy: QProgressBar
    is_busy: bool
    reportSaved: SignalInstance
    reportFailed: SignalInstance
    period: Callable[[], tuple[date, date]]
    current_flow: Callable[[], str | None]
    office_now: Callable[[], datetime]
    where: Callable[[], str]

    def add_print_buttons(self, row: QHBoxLayout) -> None:
        t = self.t.t
        self.printer = QPushButton(t("print.button"))
        self.printer.setObjectName("print")
        self.printer.setAccessibleName(t("print.name"))
        self.printer.clicked.connect(self.choose_print)
        self.pdf = QPushButton(t("pdf.button"))
        self.pdf.setObjectName("report-pdf")
        self.pdf.setAccessibleName(t("pdf.name"))
        self.pdf.clicked.connect(self.choose_report)
        row.addWidget(self.printer)
        row.addWidget(self.pdf)
        self.reporter = ReportMaker(self.client, self.t, self.language, self)  # type: ignore[arg-type]
        self.reporter.saved.connect(self._report_saved)
        self.reporter.failed.connect(self._report_failed)

    def heading(self) -> str:
        """What a printout shows: the office, the period, the kiosks (what they are
        compared with is in the legend, printed with the figures)."""
        start, end = self.period()
        day = self.t.t("date_format_python")
        return self.t.t("print.heading", office=(self.office or {}).get("name") or "",
                        start=start.strftime(day), end=end.strftime(day), where=self.where())

    def print_to(self, printer: QPrinter) -> bool:
        """Print the page as it is on screen (figures and the view shown, under a heading
        that says the filters) on ``printer``: a real one, or a PDF file."""
        done = print_widget(self.body, printer, self.heading())
        self.status.setText(self.t.t("print.done" if done else "print.failed"))
        return done

    @staticmethod
    def new_printer() -> QPrinter:
        """A printer set for the page: landscape, as the page is wide."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageOrientation(QPageLayout.Orientation.Landscape)
        return printer

    def choose_print(self) -> None:
        """The system's print dialog, then print."""
        printer = self.new_printer()
        dialog = QPrintDialog(printer, self)  # type: ignore[call-overload]
        dialog.finished.connect(lambda result: self.print_to(printer)
                                if result == QDialog.DialogCode.Accepted.value else None)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def report_path(self) -> str:
        start, end = self.period()
        return self.t.t("pdf.file", start=start.isoformat(), end=end.isoformat())

    def choose_report(self) -> None:
        """Ask where to save (without blocking the app), then make the report there."""
        t = self.t.t
        dialog = QFileDialog(self, t("pdf.dialog"), self.report_path(),  # type: ignore[call-overload]
                             t("pdf.filter"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("pdf")
        dialog.fileSelected.connect(self.save_report)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def save_report(self, path: str | Path) -> None:
        """The period's A4 report to ``path``, compared with the period chosen to compare
        with, or else the one before; ``reportSaved`` or ``reportFailed`` tells how it went."""
        start, end = self.period()
        other = (self.compare.period() if self.compare.mode() == "period"
                 else previous_period(start, end))
        self.pdf.setEnabled(False)
        self.busy.show()
        self.status.setText(self.t.t("pdf.making"))
        self.reporter.make(Path(path), ReportRequest(
            start, end, *other, self.kiosk.currentData(), self.current_flow(),
            (self.office or {}).get("name") or "", self.office_now()))

    def _report_saved(self, path: str) -> None:
        self._report_over(self.t.t("pdf.done", path=path))
        self.reportSaved.emit(path)

    def _report_failed(self, why: str) -> None:
        self._report_over(why)
        self.reportFailed.emit(why)

    def _report_over(self, status: str) -> None:
        self.pdf.setEnabled(True)
        self.busy.setVisible(self.is_busy)
        self.status.setText(status)
