"""Pieces shared by the manager's office pages (kiosks, accounts, workshops): their string
catalog, the hub's errors in plain words, dates in the app's language, and a desk-app look
(readable buttons, headings, status lines that say things in words and not in colour only).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QDate, QLocale, QTime
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from kiosk.i18n import Catalog, catalog

#: the workshop levels, in the order they are offered (the hub's names)
LEVELS = ("initiation", "perfectionnement", "outils-budgetaires")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def office_strings(language: str) -> Catalog:
    return catalog(language, "manager/office")


def hub_detail(payload: Any) -> str:
    """The hub's own words from an error answer (``detail`` text, or the messages of a
    422 list), short enough for a status line."""
    if isinstance(payload, dict):
        detail = payload.get("detail")
        if isinstance(detail, list):
            msgs = [str(d.get("msg", d)) if isinstance(d, dict) else str(d) for d in detail]
            return "; ".join(m.removeprefix("Value error, ") for m in msgs)[:300]
        if detail is not None:
            return str(detail)[:300]
    if isinstance(payload, str):
        return payload.strip()[:300]
    return ""


def plain_error(t: Any, status: int | None, payload: Any) -> str:
    """What went wrong, for a person: ``t`` is the office catalog's ``t``."""
    detail = hub_detail(payload)
    if status is None:
        return t("errors.unreachable")
    key = {401: "errors.session", 403: "errors.forbidden", 404: "errors.missing",
           409: "errors.conflict", 413: "errors.too_big", 422: "errors.invalid"}.get(status)
    if key is None:
        return t("errors.other", status=status, detail=detail)
    return t(key, detail=detail) if key in ("errors.conflict", "errors.invalid") else t(key)


#: the hub's names for what it refuses (409 ``problem``) that the office pages put in words
PROBLEMS = ("cancelled", "started", "past", "capacity", "full", "registration_cancelled",
            "registration_moved", "attended", "erased", "target_cancelled", "target_started",
            "same")


def refusal_text(t: Any, status: int | None, payload: Any) -> str:
    """:func:`plain_error`, with a 409 the hub names (``problem``) said in the app's own
    words and figures."""
    problem = payload.get("problem") if isinstance(payload, dict) else None
    if status == 409 and problem in PROBLEMS:
        figures = {k: v for k, v in payload.items() if k not in ("detail", "problem", "next")}
        if problem == "capacity":  # a count string: its number is the seats taken
            figures["n"] = figures.pop("seats_taken", 0)
        return str(t(f"problems.{problem}", **figures))
    return plain_error(t, status, payload)


def qlocale(language: str) -> QLocale:
    if language == "fr":
        return QLocale(QLocale.Language.French, QLocale.Country.France)
    return QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


def day_text(day: date, language: str, fmt: str = "d MMMM yyyy") -> str:
    """A date in words (``4 mars 2030``) in the app's language."""
    return qlocale(language).toString(qdate(day), fmt)


def time_text(moment: datetime) -> str:
    return QTime(moment.hour, moment.minute).toString("HH:mm")


def when_text(moment: datetime, language: str) -> str:
    """``lundi 4 mars 2030, 14:00`` (the moment's own clock time)."""
    return f"{day_text(moment.date(), language, 'dddd d MMMM yyyy')}, {time_text(moment)}"


def button(text: str, kind: str = "normal") -> QPushButton:
    """A desk-app button: ``normal``, ``primary`` or ``danger``."""
    b = QPushButton(text)
    b.setProperty("office", kind)
    return b


def heading(text: str, level: int = 1) -> QLabel:
    lab = QLabel(text)
    lab.setProperty("office", f"h{level}")
    lab.setWordWrap(True)
    return lab


def text_label(text: str = "") -> QLabel:
    lab = QLabel(text)
    lab.setWordWrap(True)
    return lab


def status_label() -> QLabel:
    """A line that says what is going on (hidden while it has nothing to say)."""
    lab = QLabel("")
    lab.setProperty("office", "status")
    lab.setWordWrap(True)
    lab.hide()
    return lab


def set_status(lab: QLabel, text: str, tone: str = "info") -> None:
    """Show ``text`` in a status line; ``tone`` (info, ok, error) changes its look, the
    words carry the meaning."""
    lab.setText(text)
    lab.setVisible(bool(text))
    lab.setProperty("tone", tone)
    restyle(lab)


def restyle(widget: QWidget) -> None:
    widget.style().unpolish(widget)
    widget.style().polish(widget)


#: colours with at least 4.5:1 contrast on white and on the window's background
OK, BAD, WARN, INK, BLUE = "#1B5E20", "#A4262C", "#7A4100", "#1A1A1A", "#0B3D91"


def office_style() -> str:
    """The office pages' own look, set on each page (it wins over the window's)."""
    return f"""
QLabel {{ font-size: 18px; color: {INK}; }}
QLabel[office="h1"] {{ font-size: 28px; font-weight: bold; }}
QLabel[office="h2"] {{ font-size: 22px; font-weight: bold; }}
QLabel[office="status"][tone="ok"] {{ color: {OK}; font-weight: bold; }}
QLabel[office="status"][tone="error"] {{ color: {BAD}; font-weight: bold; }}
QCheckBox, QRadioButton {{ font-size: 18px; }}
QPushButton[office] {{ font-size: 18px; padding: 8px 18px; min-height: 32px;
    border: 2px solid {BLUE}; border-radius: 8px; background: #FFFFFF; color: {BLUE}; }}
QPushButton[office="primary"] {{ background: {BLUE}; color: #FFFFFF; font-weight: bold; }}
QPushButton[office="danger"] {{ border-color: {BAD}; color: {BAD}; }}
QPushButton[office="small"] {{ padding: 3px 12px; min-height: 26px; }}
QPushButton[office]:pressed {{ background: #CFE3FF; }}
QPushButton[office]:checked {{ background: {BLUE}; color: #FFFFFF; }}
QPushButton[office]:disabled {{ border-color: #8A8A8A; color: #5E5E5E; background: #EDEDED; }}
QFrame[office="panel"] {{ background: #FFFFFF; border: 2px solid #C5CCD8; border-radius: 12px; }}
QFrame[office="panel"] QLabel {{ background: transparent; }}
QProgressBar {{ min-height: 12px; max-height: 12px; }}
"""
