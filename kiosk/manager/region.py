"""The manager app's **Région** tab: a regional manager opens the folder every office's
nightly Parquet export arrives in and reads one report comparing the offices.

Owns the page: **Ouvrir un dossier…** (the folder is remembered on this computer by
``kiosk.manager.region_files`` and read again when the tab is next shown), an optional period
(``Tout le dossier`` or from / to), the report built by ``kiosk.region.report.build`` IN
THE BACKGROUND (``run_in_background``) with a progress bar fed by build's progress
callback through a Qt signal, then what ``kiosk.manager.region_views`` shows: the
region's totals as big figures, the offices (sortable), a chart, the steps ranked and the
flows. **Enregistrer le rapport…** writes the report as a printable HTML page, a CSV table
or JSON (``kiosk.region.render``), according to the file type chosen, in the background.

The page needs no hub: ``client`` is taken for the Page protocol only. Errors (no export
in the folder, a newer schema, unreadable files) are said in words in the page, never as a
traceback. The DuckDB engine is imported only when a report is built.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.i18n import catalog
from kiosk.manager.dashboard_charts import dashboard_style, figure_row
from kiosk.manager.region_files import (
    SAVE_KINDS,
    TYPES,
    remember_folder,
    remembered_folder,
    report_text,
    write_text,
)
from kiosk.manager.region_views import (
    FLOW_COLUMNS,
    OFFICE_COLUMNS,
    STEP_COLUMNS,
    OfficeChart,
    Words,
    fill_figures,
    fill_table,
    flow_rows,
    make_table,
    office_rows,
    region_figures,
    step_rows,
)
from kiosk.manager.workshops_common import (
    button,
    office_style,
    pydate,
    qdate,
    restyle,
    set_status,
    status_label,
)
from kiosk.ui.background import run_in_background

log = logging.getLogger(__name__)

PERIOD_DAYS = 30
DEBOUNCE_MS = 400  # dates typed digit by digit: one build once the typing stops


class _Progress(QObject):
    """Carries build's progress from its thread to the page (a queued signal)."""

    moved = Signal(int, int, int)  # build generation, done, total


class RegionPage(QWidget):
    loaded = Signal()  # a report is shown
    failed = Signal(str)  # why no report is shown
    saved = Signal(str)  # the file written
    saveFailed = Signal(str)  # why not

    def __init__(self, client: Any, language: str) -> None:
        super().__init__()
        self.client = client  # the Page protocol's; the region needs no hub
        self.language = language
        self.strings = catalog(language, "manager")
        self.t = self.strings.t
        self.words = Words(self.strings, language)
        self.setStyleSheet(office_style() + dashboard_style() + region_style())
        self.folder: Path | None = remembered_folder()
        self.report: dict[str, Any] | None = None
        self.generation = 0
        self.building = False
        self.saving = False
        self.closed = False
        self.asked_once = False
        self._relay = _Progress()
        self._relay.moved.connect(self._progressed)
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.setInterval(DEBOUNCE_MS)
        self._later.timeout.connect(self.load)
        outer = QVBoxLayout(self)
        outer.addLayout(self._first_row())
        outer.addLayout(self._second_row())
        self.banner = QLabel("")
        self.banner.setObjectName("region-banner")
        self.banner.setProperty("role", "banner")
        self.banner.setWordWrap(True)
        self.banner.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        outer.addWidget(self.banner)
        self.note = QLabel("")  # offices with missing exports, in words
        self.note.setObjectName("region-note")
        self.note.setProperty("role", "note")
        self.note.setWordWrap(True)
        self.note.hide()
        outer.addWidget(self.note)
        self.body = self._body()
        outer.addWidget(self.body, 1)
        outer.addStretch(0)  # no report: what the page says stays at the top
        self._show_state()

    # -- building the page ---------------------------------------------------------------
    def _first_row(self) -> QHBoxLayout:
        t = self.t
        row = QHBoxLayout()
        self.open_button = button(t("region.open"), "primary")
        self.open_button.setObjectName("region-open")
        self.open_button.setAccessibleName(t("region.open_name"))
        self.open_button.clicked.connect(self.choose_folder)
        row.addWidget(self.open_button)
        self.folder_label = QLabel("")
        self.folder_label.setObjectName("region-folder")
        self.folder_label.setMinimumWidth(80)
        row.addWidget(self.folder_label, 1)
        self.reload_button = button(t("region.reload"))
        self.reload_button.setObjectName("region-reload")
        self.reload_button.setAccessibleName(t("region.reload_name"))
        self.reload_button.clicked.connect(self.load)
        row.addWidget(self.reload_button)
        self.save_button = button(t("region.save"))
        self.save_button.setObjectName("region-save")
        self.save_button.setAccessibleName(t("region.save_name"))
        self.save_button.clicked.connect(self.choose_save)
        row.addWidget(self.save_button)
        return row

    def _second_row(self) -> QHBoxLayout:
        t = self.t
        row = QHBoxLayout()
        self.whole = QCheckBox(t("region.whole"))
        self.whole.setObjectName("region-whole")
        self.whole.setAccessibleName(t("region.whole_name"))
        self.whole.setChecked(True)
        self.whole.toggled.connect(self._whole_toggled)
        row.addWidget(self.whole)
        row.addSpacing(12)
        today = QDate.currentDate()
        self.start = QDateEdit(today.addDays(1 - PERIOD_DAYS))
        self.end = QDateEdit(today)
        for edit, key in ((self.start, "from"), (self.end, "to")):
            edit.setObjectName(f"region-{key}")
            edit.setCalendarPopup(True)
            edit.setDisplayFormat(t("region.date_format"))
            edit.setAccessibleName(t(f"region.{key}_name"))
            edit.setEnabled(False)
            edit.dateChanged.connect(self._dates_edited)
            label = QLabel(t(f"region.{key}"))
            label.setBuddy(edit)
            row.addWidget(label)
            row.addWidget(edit)
        row.addSpacing(12)
        self.progress = QProgressBar()
        self.progress.setObjectName("region-progress")
        self.progress.setAccessibleName(t("region.progress_name"))
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(False)
        self.progress.hide()
        row.addWidget(self.progress)
        self.status = status_label()
        self.status.setObjectName("region-status")
        row.addWidget(self.status, 1)
        row.addStretch(0)
        return row

    def _body(self) -> QWidget:
        t = self.t
        inner = QWidget()
        inner.setObjectName("region-body")
        box = QVBoxLayout(inner)
        box.setContentsMargins(0, 0, 0, 0)
        self.figures = region_figures(self.strings)
        box.addWidget(figure_row(list(self.figures.values())))
        self.views = QTabWidget()
        self.views.setObjectName("region-views")
        self.offices_table = make_table("region-offices", t("region.tables.offices"),
                                        [t(f"region.columns.{c}") for c in OFFICE_COLUMNS])
        self.chart_view = OfficeChart(self.strings, self.language)
        self.steps_table = make_table("region-steps", t("region.tables.steps"),
                                      [t(f"region.columns.{c}") for c in STEP_COLUMNS])
        self.flows_table = make_table("region-flows", t("region.tables.flows"),
                                      [t(f"region.columns.{c}") for c in FLOW_COLUMNS])
        for key, view in (("offices", self.offices_table), ("chart", self.chart_view),
                          ("steps", self.steps_table), ("flows", self.flows_table)):
            self.views.addTab(view, t(f"region.views.{key}"))
        self.views.setMinimumHeight(220)
        box.addWidget(self.views, 1)
        scroll = QScrollArea()  # a small screen: the figures and views scroll, not the window
        scroll.setObjectName("region-scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        return scroll

    # -- the folder and the period -------------------------------------------------------
    def choose_folder(self) -> None:
        """Ask for the folder (without blocking the app), then read its report."""
        start = str(self.folder) if self.folder else str(Path.home())
        dialog = QFileDialog(self, self.t("region.open_dialog"), start)
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.fileSelected.connect(self.open_folder)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def open_folder(self, folder: str | Path) -> None:
        """Read the report of ``folder`` (remembered for next time)."""
        self.folder = Path(folder)
        remember_folder(self.folder)
        self.report = None
        self.load()

    def period(self) -> tuple[date | None, date | None]:
        """The period asked for; (None, None) for the whole folder."""
        if self.whole.isChecked():
            return None, None
        return pydate(self.start.date()), pydate(self.end.date())

    def set_period(self, start: date | None, end: date | None) -> None:
        """Both dates at once (None, None: the whole folder), then one build."""
        for widget in (self.whole, self.start, self.end):
            widget.blockSignals(True)
        self.whole.setChecked(start is None and end is None)
        if start is not None and end is not None:
            self.start.setDate(qdate(start))
            self.end.setDate(qdate(end))
        for widget in (self.whole, self.start, self.end):
            widget.blockSignals(False)
        self._enable_dates()
        self.load()

    def _whole_toggled(self, whole: bool) -> None:
        if not whole:  # start from the days the folder holds
            self._show_folder_days()
        self._enable_dates()
        self.load()

    def _show_folder_days(self) -> None:
        """Put the first and last days the report's folder holds in the date fields."""
        offices = (self.report or {}).get("offices") or []
        firsts = [o["first_day"] for o in offices if o.get("first_day")]
        lasts = [o["last_day"] for o in offices if o.get("last_day")]
        if firsts and lasts:
            for edit, day in ((self.start, min(firsts)), (self.end, max(lasts))):
                edit.blockSignals(True)
                edit.setDate(qdate(date.fromisoformat(day)))
                edit.blockSignals(False)

    def _enable_dates(self) -> None:
        for edit in (self.start, self.end):
            edit.setEnabled(not self.whole.isChecked())

    def _dates_edited(self) -> None:
        self._later.start()

    # -- reading the report --------------------------------------------------------------
    def refresh(self) -> None:
        """The tab is shown: the first time, read the folder remembered from last time."""
        if not self.asked_once and self.folder is not None and self.report is None:
            self.load()

    def load(self) -> None:
        """Build the report of the folder for the period, in the background."""
        self._later.stop()
        if self.closed or self.folder is None:
            return
        self.asked_once = True
        self.generation += 1  # a build still running for older choices is dropped
        generation, relay = self.generation, self._relay
        folder, (start, end), language = self.folder, self.period(), self.language
        if start is not None and end is not None and end < start:
            self._failed(self.t("region.status.bad_period"))
            return
        if not folder.is_dir():
            self._failed(self.t("region.status.gone", path=str(folder)))
            return
        self.building = True
        self.progress.setRange(0, 0)  # working; a percentage once build says how far
        self.progress.show()
        self._busy_buttons()
        set_status(self.status, self.t("region.status.reading"))
        self._show_state()

        def progress(done: int, total: int) -> None:  # build's thread
            relay.moved.emit(generation, int(done), int(total))

        def task() -> dict[str, Any]:
            from kiosk.region import report as engine
            from kiosk.region.titles import titled

            result: dict[str, Any] = engine.build(folder, start, end, progress=progress).as_dict()
            return titled(result, language)

        run_in_background(task, lambda result, error: self._built(generation, result, error))

    def _progressed(self, generation: int, done: int, total: int) -> None:
        if generation != self.generation or not self.building or total <= 0:
            return
        self.progress.setRange(0, total)
        self.progress.setValue(min(done, total))

    def _built(self, generation: int, result: Any, error: BaseException | None) -> None:
        if self.closed or generation != self.generation:
            return  # an older build: the folder or the period changed since
        self.building = False
        self.progress.hide()
        self._busy_buttons()
        if error is not None:
            self._failed(self._error_text(error))
            return
        self.report = dict(result)
        self._render()

    def _error_text(self, error: BaseException) -> str:
        """The engine's own sentence for what it refuses (``ReportError``); anything
        else, its first line."""
        kind = type(error)
        if kind.__name__ == "ReportError" and kind.__module__ == "kiosk.region.report":
            try:  # the sentence in the app's language; in English when it has none
                detail = str(error.message(self.language))  # type: ignore[attr-defined]
            except (AttributeError, KeyError, TypeError, ValueError):
                detail = str(error)
            return self.t("region.status.error", detail=detail)
        log.warning("region report failed", exc_info=error)
        first = (str(error).strip().splitlines() or [type(error).__name__])[0][:300]
        return self.t("region.status.unexpected", detail=first.rstrip("."))

    def _failed(self, text: str) -> None:
        self.report = None
        self.building = False
        self.progress.hide()
        self._busy_buttons()
        set_status(self.status, "")
        self.banner.setText(text)
        self._show_state(error=True)
        self.failed.emit(text)

    def _render(self) -> None:
        report, w = self.report or {}, self.words
        offices = report.get("offices") or []
        if self.whole.isChecked():  # the greyed dates say which days the folder holds
            self._show_folder_days()
        fill_figures(self.figures, report.get("totals") or {}, w)
        fill_table(self.offices_table, office_rows(offices, w))
        fill_table(self.steps_table, step_rows(report.get("steps") or [], w))
        fill_table(self.flows_table, flow_rows(report.get("flows") or [], w))
        self.chart_view.show_offices(offices)
        gaps = [f"{o['office']} ({w.t('region.missing.some', n=len(o['missing_days']))})"
                for o in offices if o.get("missing_days")]
        self.note.setText(self.t("region.missing.note", offices=", ".join(gaps)) if gaps else "")
        self.note.setVisible(bool(gaps))
        seconds = w.decimal(report.get("seconds") or 0.0)
        set_status(self.status, self.t("region.status.read", rows=w.count(report.get("rows_read") or 0),
                                       seconds=seconds), "ok")
        if not offices:
            self.banner.setText(self.t("region.status.nothing"))
        self._show_state()
        self.loaded.emit()

    def _show_state(self, error: bool = False) -> None:
        """Empty (what to do), an error in words, or the report."""
        if self.folder is None:
            self.folder_label.setText(self.t("region.no_folder"))
            self.banner.setText(self.t("region.status.empty"))
        else:
            self.folder_label.setText(self.t("region.folder", path=str(self.folder)))
            self.folder_label.setToolTip(str(self.folder))
        has_offices = bool(self.report and self.report.get("offices"))
        self.banner.setProperty("tone", "error" if error else "info")
        restyle(self.banner)
        self.banner.setVisible(self.folder is None or error or (self.report is not None and not has_offices))
        self.body.setVisible(self.report is not None and has_offices)
        if error or self.report is None:
            self.note.hide()
        self._busy_buttons()

    def _busy_buttons(self) -> None:
        self.save_button.setEnabled(self.report is not None and not self.saving)
        self.reload_button.setEnabled(self.folder is not None)

    # -- saving --------------------------------------------------------------------------
    def default_name(self, ext: str) -> str:
        report = self.report or {}
        start, end = self.period()
        span = f"-{start.isoformat()}-{end.isoformat()}" if start and end else ""
        if not span and report.get("offices"):
            days = [d for o in report["offices"] for d in (o.get("first_day"), o.get("last_day")) if d]
            span = f"-{min(days)}-{max(days)}" if days else ""
        return f"region{span}.{ext}"

    def choose_save(self) -> None:
        """Ask where to save and as what (without blocking the app), then save."""
        if self.report is None:
            return
        filters = {self.t(f"region.file_types.{key}"): key for key in SAVE_KINDS}
        folder = self.folder.parent if self.folder else Path.home()
        dialog = QFileDialog(self, self.t("region.save_dialog"), str(folder / self.default_name("html")))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilters(list(filters))
        dialog.setDefaultSuffix("html")

        def filter_chosen(name: str) -> None:
            dialog.setDefaultSuffix(SAVE_KINDS[filters.get(name, "html")][0])

        def chosen(path: str) -> None:
            self.save_report(path, filters.get(dialog.selectedNameFilter()))

        dialog.filterSelected.connect(filter_chosen)
        dialog.fileSelected.connect(chosen)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def save_report(self, path: str | Path, kind: str | None = None) -> None:
        """Write the report shown to ``path`` as ``kind`` (a :data:`SAVE_KINDS` key; by
        default from the file's extension), in the background; ``saved`` or
        ``saveFailed`` tells how it went."""
        if self.report is None:
            return
        target = Path(path)
        typed = {"htm": "html"}.get(ext := target.suffix.lower().lstrip("."), ext)
        if kind not in SAVE_KINDS or (typed in TYPES and SAVE_KINDS[kind][0] != typed):
            kind = TYPES.get(typed, "html")  # the name typed wins over the file type chosen
        what, table = SAVE_KINDS[kind]
        report, language = self.report, self.language
        self.saving = True
        self._busy_buttons()
        set_status(self.status, self.t("region.status.saving"))

        def done(result: Any, error: BaseException | None) -> None:
            if self.closed:
                return
            self.saving = False
            self._busy_buttons()
            if error is not None:
                detail = (str(error).strip().splitlines() or [type(error).__name__])[0][:300]
                message = self.t("region.status.save_failed", detail=detail)
                set_status(self.status, message, "error")
                self.saveFailed.emit(message)
                return
            set_status(self.status, self.t("region.status.saved", path=str(result)), "ok")
            self.saved.emit(str(result))

        run_in_background(lambda: write_text(target, report_text(report, what, table, language)), done)

    def shutdown(self) -> None:
        self.closed = True
        self._later.stop()


def region_style() -> str:
    """Figures a little smaller than the dashboard's: nine of them share one row."""
    return """
QLabel[role="figureValue"] { font-size: 26px; }
QLabel[role="figureCaption"] { font-size: 15px; }
QLabel[role="banner"][tone="error"] { background: #FDECEA; border-color: #A4262C; }
QTableWidget { font-size: 16px; }
QHeaderView::section { font-size: 15px; padding: 4px; }
"""
