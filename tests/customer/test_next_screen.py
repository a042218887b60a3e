"""The next screen comes fast: its pictures are rendered while the customer reads the
current one, and a screen change lays each screen out once, for its final size."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject

from kiosk.ui import widgets
from kiosk.ui.qt import settle
from tests.customer.conftest import tap


def _idle(qtbot: Any, window: Any) -> None:
    """The customer reads: the kiosk's work ahead gets done."""
    qtbot.waitUntil(lambda: not window.ahead.todo and not window.ahead.timer.isActive())


def _paint_misses(window: Any) -> int:
    """Pictures rendered to paint the screen just shown (not counting those rendered
    ahead for the next screens)."""
    window.ahead.stop()
    misses = widgets.fitted_pixmap.cache_info().misses
    settle()
    window.step.picture.repaint()
    return widgets.fitted_pixmap.cache_info().misses - misses


def test_the_pictures_of_the_steps_one_move_away_are_ready_before_the_tap(
        qtbot: Any, kiosk: Any, clock: Any) -> None:
    ctrl, window = kiosk
    ctrl.start_flow("send-parcel")
    settle()
    flow = ctrl.session.flow
    step = ctrl.session.current
    ahead = [flow.step(t).image for t in step.targets() if not t.startswith("@")]
    assert ctrl.upcoming_pictures() == [name for name in ahead if name]
    _idle(qtbot, window)
    tap(qtbot, window.step.choice_buttons[0], clock)
    assert ctrl.session.current.id != step.id
    assert _paint_misses(window) == 0  # painted from the cache
    assert ctrl.session.history[-1] == step.id
    assert step.image in ctrl.upcoming_pictures()  # back is one move away too


def test_home_shows_each_task_first_picture_ahead(qtbot: Any, kiosk: Any, clock: Any) -> None:
    ctrl, window = kiosk
    ctrl.start_flow("buy-stamps")  # the step screen exists: its picture's size is known
    settle()
    tap(qtbot, window.top.home, clock)
    assert ctrl.upcoming_pictures() == [f.step(f.start).image for f in ctrl.flows()
                                        if f.step(f.start).image]
    _idle(qtbot, window)
    tap(qtbot, window.home.flow_buttons[5], clock)
    assert ctrl.screen == "step"
    assert _paint_misses(window) == 0


class _Watch(QObject):
    def __init__(self, *watched: QObject) -> None:
        super().__init__()
        self.seen: list[tuple[QObject, QEvent.Type]] = []
        for w in watched:
            w.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() in (QEvent.Type.Show, QEvent.Type.Resize):
            self.seen.append((obj, event.type()))
        return False


def test_back_home_the_screen_is_laid_out_once_without_a_scroll_bar(
        qtbot: Any, kiosk: Any, clock: Any) -> None:
    """The bars differ in height from home to a step: the home screen comes back at its
    final size (once it showed a scroll bar for a frame and laid every tile out twice),
    and the step screen it replaces is not laid out for the home's bars either."""
    ctrl, window = kiosk
    ctrl.start_flow("send-parcel")
    settle()
    home_bar = window.home.verticalScrollBar()
    watch = _Watch(home_bar, window.home.widget(), window.step)
    tap(qtbot, window.top.home, clock)
    settle()
    assert ctrl.screen == "home"
    assert (home_bar, QEvent.Type.Show) not in watch.seen
    assert not [e for e in watch.seen if e[1] == QEvent.Type.Resize], watch.seen


def test_thanks_for_a_feedback_do_not_rebuild_the_home_screen(kiosk: Any) -> None:
    ctrl, window = kiosk
    tiles = list(window.home.flow_buttons)
    ctrl.give_feedback("good")
    assert window.home.hint.text() == ctrl.strings.t("end.thanks")
    assert window.home.flow_buttons == tiles
    ctrl.reset("inactivity")
    assert window.home.hint.text() == ctrl.strings.t("home.hint")
    assert window.home.flow_buttons == tiles


def test_a_help_screen_like_the_last_keeps_its_widgets_and_says_the_new_call(
        kiosk: Any) -> None:
    ctrl, window = kiosk
    ctrl.start_flow("send-parcel")
    ctrl.call_help()
    settle()
    outcome = window.outcome
    parts = (list(outcome.buttons), outcome.status, outcome.reference)
    ctrl.go_home()
    ctrl.start_flow("buy-stamps")
    ctrl.call_help()
    settle()
    assert (outcome.buttons, outcome.status, outcome.reference) == parts  # kept, not rebuilt
    lines = [text for text, _lang in ctrl.help.reference_lines()]
    assert [label.text() for label in outcome.reference_labels] == lines
    assert "timbres" in lines[0]
    assert outcome.status.text() == ctrl.help_text()
    ctrl.set_language("ar")  # right to left: other parts, built anew, in Arabic
    assert outcome.status.text() == ctrl.help_text()
    assert outcome.title.text() == ctrl.strings.t("outcome.help_title")


def test_the_choice_buttons_are_kept_from_step_to_step(qtbot: Any, kiosk: Any,
                                                       clock: Any) -> None:
    ctrl, window = kiosk
    ctrl.start_flow("send-parcel", "destination")
    first = list(window.step.choice_buttons)
    labels = [c.label["fr"] for c in ctrl.session.current.choices]
    assert [b.label_text() for b in first] == labels
    icons = [bool(c.icon) for c in ctrl.session.current.choices]
    assert [b.icon_label.isVisibleTo(b) for b in first] == icons
    tap(qtbot, first[0], clock)  # in France: the next question
    step = ctrl.session.current
    assert step.kind == "choices"
    again = window.step.choice_buttons
    assert again[:len(first)] == first[:len(again)]  # the same buttons, new texts
    assert [b.label_text() for b in again] == [c.label["fr"] for c in step.choices]
    assert [b.icon_label.isVisibleTo(b) for b in again] == [bool(c.icon) for c in step.choices]
    assert all(b.isVisible() for b in again)
    hidden = [b for b in window.step._choices if b not in again]
    assert not any(b.isVisible() for b in hidden)
