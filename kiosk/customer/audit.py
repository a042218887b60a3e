"""What every kiosk screen must satisfy on every supported screen and text size: the
window no larger than the screen, nothing outside it, no label cut or clipped, the step
itself at least half the height, every target at least 20 mm. Used by the tests (a
sample of the grid) and by ``tools/fit_grid.py`` (all of it).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QAbstractButton, QLabel, QScrollArea, QWidget

from kiosk.customer.controller import Look
from kiosk.flows.session import Outcome
from kiosk.ui.widgets import words

# the screens offices have (width, height), and the text sizes a customer can choose
SCREENS = ((1920, 1080), (1366, 768), (1280, 1024), (1024, 768), (1080, 1920))
# 20 mm at the reference density: a 21.5" 1920x1080 screen (0.248 mm a pixel)
TARGET_MM, REFERENCE_MM_PER_PX = 20.0, 476.06 / 1920
MIN_TARGET_PX = round(TARGET_MM / REFERENCE_MM_PER_PX)  # 81
MIN_CONTENT_SHARE = 0.5


@dataclass
class Report:
    """What one screen showed: the problems found (empty: it fits) and some figures."""

    problems: list[str] = field(default_factory=list)
    content_share: float = 0.0
    scrolls_px: int = 0  # how far the step scrolls (0: it all shows at once)


def _name(widget: QWidget) -> str:
    text = widget.text() if isinstance(widget, QLabel | QAbstractButton) else ""
    if not text and isinstance(widget, QLabel) and widget.parent() is not None:
        parent = widget.parentWidget()
        text = getattr(parent, "label_text", lambda: "")()
    name = widget.objectName() or type(widget).__name__
    return f"{name} {text[:40]!r}" if text else name


def _shown(widget: QWidget, top: QWidget) -> bool:
    w: QWidget | None = widget
    while w is not None and w is not top:
        if w.isHidden():
            return False
        w = w.parentWidget()
    return True


def _scroller(widget: QWidget, top: QWidget) -> QScrollArea | None:
    """The scroll area whose content ``widget`` is part of (None: not scrolled)."""
    w: QWidget | None = widget
    while w is not None and w is not top:
        parent = w.parentWidget()
        if isinstance(parent, QWidget) and isinstance(parent.parentWidget(), QScrollArea) \
                and parent.parentWidget().widget() is w:  # type: ignore[union-attr]
            return parent.parentWidget()  # type: ignore[return-value]
        w = parent
    return None


def _clipped(lab: QLabel) -> str | None:
    """Why a label's text does not show whole (None: it does)."""
    text = lab.text()
    if getattr(lab, "elides", False):  # one line by design, its whole text said aloud
        return None
    if not text.strip() or lab.pixmap() is not None and not lab.pixmap().isNull():
        return None
    room = lab.contentsRect()
    metrics = lab.fontMetrics()
    plain = getattr(lab, "_plain", None) or text
    if lab.wordWrap():
        widest = max((metrics.horizontalAdvance(w) for w in words(plain)), default=0)
        if widest > room.width() + 1:
            return f"a word is {widest} px wide in {room.width()} px"
        need = lab.heightForWidth(lab.width())
        if need > lab.height() + 1:
            return f"needs {need} px of height, has {lab.height()}"
        return None
    wide = metrics.horizontalAdvance(plain)
    if wide > room.width() + 1:
        return f"{wide} px of text in {room.width()} px"
    return None


def audit(window: QWidget, screen: tuple[int, int], content: QWidget | None,
          scroller: QScrollArea | None = None) -> Report:
    """Check ``window`` as shown on a ``screen`` (width, height); ``content`` is the part
    the step owns (between the bars; None for a panel, as tall as it needs), ``scroller``
    the screen's scroll area."""
    report = Report()
    width, height = screen
    if window.width() > width or window.height() > height:
        report.problems.append(f"the window is {window.width()}x{window.height()} on a "
                               f"{width}x{height} screen")
    bounds = QRect(0, 0, min(width, window.width()), min(height, window.height()))
    for widget in window.findChildren(QWidget):
        if not _shown(widget, window) or widget.width() <= 0:
            continue
        where = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
        area = _scroller(widget, window)
        if area is not None:  # may be scrolled out of sight vertically, never sideways
            view = QRect(area.viewport().mapTo(window, QPoint(0, 0)), area.viewport().size())
            if where.left() < view.left() - 1 or where.right() > view.right() + 1:
                report.problems.append(f"{_name(widget)} is outside the screen sideways")
        elif not bounds.adjusted(-1, -1, 1, 1).contains(where):
            report.problems.append(f"{_name(widget)} is outside the window at {where.getRect()}")
        if isinstance(widget, QLabel):
            why = _clipped(widget)
            if why:
                report.problems.append(f"{_name(widget)} is cut: {why}")
        if isinstance(widget, QAbstractButton) and widget.isEnabled() and \
                min(widget.width(), widget.height()) < MIN_TARGET_PX:
            report.problems.append(f"{_name(widget)} is a {widget.width()}x{widget.height()}"
                                   f" px target (at least {MIN_TARGET_PX})")
    report.content_share = 1.0 if content is None else content.height() / max(1, window.height())
    if report.content_share < MIN_CONTENT_SHARE:
        report.problems.append(f"the step has {report.content_share:.0%} of the height")
    if scroller is not None:
        bar = scroller.verticalScrollBar()
        report.scrolls_px = bar.maximum()
    return report


PANELS = ("languages", "sound", "more_time", "offer", "pin")


def screens(ctrl: Any, window: Any, look: Look, sample: bool = False) -> Iterator[str]:
    """Show each screen in turn (yielding its name), then each panel over a step; each
    after a reset (as the next customer meets it), in ``look``. ``sample``: of each flow,
    its first and its last step only."""
    def reset() -> None:
        ctrl.reset("audit")
        ctrl.look = look

    reset()
    window.render()
    yield "home"
    for flow in ctrl.flows():
        steps = [flow.steps[0], flow.steps[-1]] if sample else flow.steps
        for step in steps:
            reset()
            ctrl.start_flow(flow.id, step.id)
            yield f"{flow.id}/{step.id}"
    for kind in ("help", "workshop"):
        reset()
        ctrl.start_flow("send-parcel")
        assert ctrl.session is not None
        ctrl.show_outcome(Outcome(kind, ctrl.session.current_id,  # type: ignore[arg-type]
                                  "initiation" if kind == "workshop" else None))
        yield f"outcome/{kind}"
    for panel in PANELS:
        reset()
        ctrl.start_flow("send-parcel")
        open_panel(window, panel)
        yield f"panel/{panel}"
        getattr(window, {"languages": "languages", "sound": "sound_panel",
                         "more_time": "more_time", "offer": "offer", "pin": "pin"}[panel]).hide()


def open_panel(window: Any, panel: str) -> None:
    strings = window.ctrl.strings
    if panel == "sound":
        window.sound_panel.show_levels(strings, (3, 5), (2, 5), "")
        window.sound_panel.open()
    elif panel == "more_time":
        window.more_time.ask(strings)
        window.more_time.tick.stop()  # shown as it opens, not counting down
        window.more_time.deadline.stop()
    elif panel == "languages":
        window.pick_language()
    else:
        getattr(window, panel).ask(strings)


def check(size: tuple[int, int], scale: float, lang: str, theme: str,
          sample: bool = False) -> Iterator[tuple[str, Report]]:
    """Every screen (see :func:`screens`) in one offscreen window of ``size``, audited."""
    from kiosk.customer.app import build
    from kiosk.ui.qt import application, settle

    app = application(offscreen=True)
    from kiosk import config

    settings = config.load({})
    ctrl, window = build(settings, lockdown=False, size=size)
    window.show()
    try:
        for name in screens(ctrl, window, Look(lang, scale, theme == "high"), sample):
            window.restyle()
            settle()
            current = window.stack.currentWidget()
            if name.startswith("panel/"):
                assert any(o.isVisible() for o in window._overlays()), name
                yield name, audit(window, size, None)  # a panel: as tall as it needs
            else:
                yield name, audit(window, size, window.stack, current)
    finally:
        window.shutdown()
        window.close()
        window.deleteLater()
        app.processEvents()
