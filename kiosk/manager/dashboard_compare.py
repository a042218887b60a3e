"""The dashboard's comparison bar: a "Compare" check box, then what to compare with
(another period, or another kiosk), and that period's dates or that kiosk.

It owns its widgets and their state, and what follows from them: the page reads
``mode()``, ``period()`` and ``kiosk()`` when it loads and loads again on ``changed``;
``other()`` gathers the other side's answers, ``legend()`` says which side is which. The
other period follows the main one (the period of the same length just before it) until
someone edits its dates.
Everything is reachable with the keyboard (Tab, then Space or the arrows) and every field
has a visible label and an accessible name.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QWidget,
)

from kiosk.i18n import Catalog
from kiosk.manager.dashboard_data import Other, previous_period, span

MODES = ("period", "kiosk")


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class CompareBar(QWidget):
    changed = Signal()  # what to compare with changed: load again

    def __init__(self, t: Catalog) -> None:
        super().__init__()
        self.t = t
        self.following = True  # the other period is the one before the main period
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.toggle = QCheckBox(t.t("compare.toggle"))
        self.toggle.setObjectName("compare")
        self.toggle.setAccessibleName(t.t("compare.toggle_name"))
        self.toggle.toggled.connect(self._toggled)
        row.addWidget(self.toggle)
        self.with_ = QComboBox()
        self.with_.setObjectName("compare-mode")
        self.with_.setAccessibleName(t.t("compare.mode_name"))
        for mode in MODES:
            self.with_.addItem(t.t(f"compare.with_{mode}"), mode)
        self.with_.currentIndexChanged.connect(self._mode_changed)
        row.addWidget(self.with_)
        self.period_box = QWidget()
        dates = QHBoxLayout(self.period_box)
        dates.setContentsMargins(0, 0, 0, 0)
        self.start = QDateEdit()
        self.end = QDateEdit()
        for edit, key in ((self.start, "from"), (self.end, "to")):
            edit.setObjectName(f"compare-{key}")
            edit.setCalendarPopup(True)
            edit.setDisplayFormat(t.t("date_format"))
            edit.setAccessibleName(t.t(f"compare.{key}_name"))
            edit.dateChanged.connect(self._dates_edited)
            label = QLabel(t.t(f"filters.{key}"))
            label.setBuddy(edit)
            dates.addWidget(label)
            dates.addWidget(edit)
        row.addWidget(self.period_box)
        self.kiosk_box = QWidget()
        kiosks = QHBoxLayout(self.kiosk_box)
        kiosks.setContentsMargins(0, 0, 0, 0)
        self.other_kiosk = QComboBox()
        self.other_kiosk.setObjectName("compare-kiosk")
        self.other_kiosk.setAccessibleName(t.t("compare.kiosk_name"))
        self.other_kiosk.setMinimumWidth(200)
        self.other_kiosk.addItem(t.t("filters.all_kiosks"), None)
        self.other_kiosk.currentIndexChanged.connect(self._kiosk_changed)
        label = QLabel(t.t("compare.kiosk"))
        label.setBuddy(self.other_kiosk)
        kiosks.addWidget(label)
        kiosks.addWidget(self.other_kiosk)
        row.addWidget(self.kiosk_box)
        self._show_fields()

    # -- what the page reads -------------------------------------------------------------
    def mode(self) -> str | None:
        """"period", "kiosk", or None when not comparing."""
        return str(self.with_.currentData()) if self.toggle.isChecked() else None

    def period(self) -> tuple[date, date]:
        return self.start.date().toPython(), self.end.date().toPython()  # type: ignore[return-value]

    def kiosk(self) -> str | None:
        data = self.other_kiosk.currentData()
        return str(data) if data else None

    def other(self, answers: dict[str, Any], start: date, end: date,
              kiosk: str | None) -> Other | None:
        """What the main side (``start``..``end`` at ``kiosk``) is compared with, from a
        load's answers (their keys start with "b:"); None when not comparing."""
        mode = self.mode()
        if mode is None:
            return None
        o_start, o_end = self.period() if mode == "period" else (start, end)
        o_kiosk = self.kiosk() if mode == "kiosk" else kiosk
        labels = (self._label(mode, start, end, kiosk), self._label(mode, o_start, o_end, o_kiosk))
        prefix = "b:funnel:"
        return Other(mode, o_start, o_end, o_kiosk, labels,
                     {k[len(prefix):]: v for k, v in answers.items() if k.startswith(prefix)},
                     answers.get("b:help"), answers.get("b:report"))

    def _label(self, mode: str, start: date, end: date, kiosk: str | None) -> str:
        """A side's short name: "01/03–30/03" (periods) or the kiosk's name."""
        if mode == "kiosk":
            return kiosk or self.t.t("filters.all_kiosks")
        return span(start, end, self.t)

    def legend(self, other: Other | None, start: date, end: date, kiosk: str | None) -> str:
        """Which side is which, in a sentence (shown above the figures)."""
        t = self.t.t
        if other is None:
            return ""
        if other.mode == "kiosk":
            def where(name: str | None) -> str:
                return t("compare.kiosk_named", kiosk=name) if name else t("compare.all_kiosks")
            return t("compare.legend_kiosk", a=where(kiosk), b=where(other.kiosk))
        day = t("date_format_python")
        return t("compare.legend_period", a_start=start.strftime(day), a_end=end.strftime(day),
                 b_start=other.start.strftime(day), b_end=other.end.strftime(day))

    # -- what the page (or a test) sets --------------------------------------------------
    def follow(self, start: date, end: date) -> None:
        """The main period is now ``start``..``end``: the other one is the period before,
        unless someone chose its dates."""
        if self.following:
            self._set_dates(*previous_period(start, end))

    def set_period(self, start: date, end: date) -> None:
        """Compare with ``start``..``end`` (no longer the period before)."""
        self.following = False
        self._set_dates(start, end)
        self._emit()

    def set_compare(self, mode: str | None, kiosk: str | None = None) -> None:
        """Compare with another period or kiosk (``kiosk``), or stop (``None``): one
        ``changed`` at the end."""
        for widget in (self.toggle, self.with_, self.other_kiosk):
            widget.blockSignals(True)
        self.toggle.setChecked(mode is not None)
        if mode is not None:
            self.with_.setCurrentIndex(MODES.index(mode))
        if kiosk is not None:
            self.pick_kiosk(kiosk)
        for widget in (self.toggle, self.with_, self.other_kiosk):
            widget.blockSignals(False)
        if mode is None:
            self.following = True
        self._show_fields()
        self.changed.emit()

    def settle(self, main: QComboBox) -> None:
        """Comparing kiosks: one kiosk against another, never a kiosk against itself by
        default; when the main filter (``main``) is every kiosk, the first two."""
        if self.mode() != "kiosk":
            return
        names = [main.itemData(i) for i in range(1, main.count())]
        if main.currentData() is None and len(names) >= 2:
            main.blockSignals(True)
            main.setCurrentIndex(1)
            main.blockSignals(False)
        if self.kiosk() == main.currentData():
            self.pick_kiosk(next((n for n in names if n != main.currentData()), None))

    def fill_kiosks(self, kiosks: list[dict[str, Any]], main: str | None) -> None:
        """The hub's kiosks; the one chosen stays, else the first one that is not
        ``main`` (comparing a kiosk with itself says nothing)."""
        chosen = self.kiosk()
        self.other_kiosk.blockSignals(True)
        while self.other_kiosk.count() > 1:
            self.other_kiosk.removeItem(1)
        for k in kiosks:
            self.other_kiosk.addItem(k["name"], k["name"])
        if chosen is None:
            chosen = next((k["name"] for k in kiosks if k["name"] != main), None)
        self.pick_kiosk(chosen)
        self.other_kiosk.blockSignals(False)

    def pick_kiosk(self, name: str | None) -> None:
        """Compare with kiosk ``name`` (None: all of them), without a ``changed``."""
        self.other_kiosk.blockSignals(True)
        index = self.other_kiosk.findData(name)
        if index < 0 and name:
            self.other_kiosk.addItem(name, name)
            index = self.other_kiosk.count() - 1
        self.other_kiosk.setCurrentIndex(max(0, index))
        self.other_kiosk.blockSignals(False)

    # -- inside --------------------------------------------------------------------------
    def _set_dates(self, start: date, end: date) -> None:
        for edit, day in ((self.start, start), (self.end, end)):
            edit.blockSignals(True)
            edit.setDate(_qdate(day))
            edit.blockSignals(False)

    def _show_fields(self) -> None:
        mode = self.mode()
        self.with_.setEnabled(mode is not None)
        self.period_box.setVisible(mode == "period")
        self.kiosk_box.setVisible(mode == "kiosk")

    def _toggled(self, on: bool) -> None:
        if not on:
            self.following = True
        self._show_fields()
        self.changed.emit()

    def _mode_changed(self) -> None:
        self._show_fields()
        self._emit()

    def _dates_edited(self) -> None:
        self.following = False
        self._emit()

    def _kiosk_changed(self) -> None:
        if self.mode() == "kiosk":
            self.changed.emit()

    def _emit(self) -> None:
        if self.mode() is not None:
            self.changed.emit()
