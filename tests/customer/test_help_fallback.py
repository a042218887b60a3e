"""The help screen never leaves a customer with a wrong or double message: with no hub it
sends them to the counter and stays for staff (through inactivity, until staff clear it
or ``help_nohub_keep`` has passed); a call stuck offline says so, then after
``help_offline_wait`` is cancelled and sends them to the counter; a call the hub refuses
sends them to the counter at once. Each message is said aloud in the customer's language."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from kiosk import config
from kiosk.customer.controller import OUTCOME, STEP, KioskController, Look
from kiosk.customer.window import KioskWindow
from kiosk.flows.model import shorten
from kiosk.i18n import catalog
from kiosk.ui.widgets import BigButton
from tests.customer.conftest import tap

LANGUAGES = ("fr", "en", "ar", "es", "pt")
CALL_AT = datetime(2026, 3, 12, 13, 7, tzinfo=UTC)  # 14:07 in Paris


@pytest.fixture
def settings() -> dict[str, Any]:
    return config.load({"inactivity_seconds": 0.2, "more_time_seconds": 0.3,
                        "help_nohub_keep": 1.0, "help_offline_wait": 0.3,
                        "hub_timezone": "Europe/Paris"})


class Said:
    """Everything the kiosk asks the voice to say, and every cancel sent to the hub."""

    def __init__(self, ctrl: KioskController) -> None:
        self.texts: list[str] = []
        self.cancels = 0
        ctrl.speakRequested.connect(self.texts.append)
        ctrl.helpCancelRequested.connect(self._cancel)

    def _cancel(self) -> None:
        self.cancels += 1


def button(window: KioskWindow, name: str) -> BigButton | None:
    found = [b for b in window.outcome.buttons if b.objectName() == name]
    return found[0] if found else None


def reference_texts(window: KioskWindow) -> list[str]:
    return [lab.text() for lab in window.outcome.reference_labels]


def call(ctrl: KioskController, window: KioskWindow, qtbot: Any, clock: Any,
         flow: str = "send-parcel", steps: int = 1) -> None:
    """Start a flow, go ``steps`` steps in, and tap "Call a mediator"."""
    ctrl.help.wall_clock = lambda: CALL_AT
    ctrl.start_flow(flow)
    for _ in range(steps):
        ctrl.choose(0) if ctrl.session.current.kind == "choices" else ctrl.advance()  # type: ignore[union-attr]
    tap(qtbot, window.top.help, clock)
    assert ctrl.screen == OUTCOME


def online_call(ctrl: KioskController, window: KioskWindow, qtbot: Any, clock: Any) -> None:
    """A kiosk with a hub link (the link itself is stood in for by the test)."""
    ctrl.connected = True
    call(ctrl, window, qtbot, clock)
    assert ctrl.help_status["status"] == "sending"


def assert_nothing_left(ctrl: KioskController) -> None:
    assert ctrl.pristine
    assert ctrl.help_status == {}
    assert ctrl.help.reference is None
    assert ctrl.help.fallback is None
    assert not ctrl.help.held
    assert not ctrl.help.keep_timer.isActive()
    assert not ctrl.help.offline_timer.isActive()


# -- no hub -----------------------------------------------------------------------------
def test_no_hub_screen_outlasts_inactivity_then_the_usual_reset(qtbot: Any, kiosk: Any,
                                                                 clock: Any) -> None:
    ctrl, window = kiosk
    ctrl.set_language("en")
    idle_rounds: list[int] = []
    window.idle.timeout.connect(lambda: idle_rounds.append(1))
    call(ctrl, window, qtbot, clock)
    assert ctrl.help.keep_timer.objectName() == "help-nohub-keep"
    assert ctrl.help.keep_timer.isActive()
    assert window.outcome.status.text() == catalog("en").t("outcome.help_text")
    qtbot.waitUntil(lambda: len(idle_rounds) >= 3, timeout=5000)  # 3 x inactivity_seconds
    assert ctrl.help.held
    assert ctrl.screen == OUTCOME
    assert not window.more_time.isVisible()
    assert window.outcome.reference is not None
    assert window.outcome.reference.isVisible()
    # help_nohub_keep has passed: "more time?", then the reset clears everything
    qtbot.waitUntil(lambda: not ctrl.help.held, timeout=5000)
    qtbot.waitUntil(window.more_time.isVisible, timeout=5000)
    qtbot.waitUntil(lambda: ctrl.pristine, timeout=5000)
    assert_nothing_left(ctrl)
    assert ctrl.look == Look()
    assert not window.idle.isActive()


def test_staff_clear_the_no_hub_screen(qtbot: Any, kiosk: Any, clock: Any) -> None:
    ctrl, window = kiosk
    ctrl.set_language("ar")
    call(ctrl, window, qtbot, clock)
    dismiss = button(window, "help-dismiss")
    assert dismiss is not None
    assert dismiss.isVisible()
    assert dismiss.label_text() == "C’est réglé : effacer l’écran"  # staff read French
    assert dismiss.width() >= 90
    assert dismiss.height() >= 90
    assert button(window, "help-cancel") is None  # nothing to cancel: no call left
    tap(qtbot, dismiss, clock)
    assert_nothing_left(ctrl)
    assert "help.dismissed" in ctrl.events.types()
    assert window.stack.currentWidget() is window.home


def test_the_reference_shows_task_step_and_time(qtbot: Any, kiosk: Any, clock: Any) -> None:
    ctrl, window = kiosk
    ctrl.set_language("ar")
    call(ctrl, window, qtbot, clock, steps=1)
    flow = ctrl.library.get("send-parcel")
    step = ctrl.help.reference["step"]  # type: ignore[index]
    n = ctrl.session.position()[0]  # type: ignore[union-attr]
    assert n >= 2
    lines = reference_texts(window)
    assert lines == [f"Tâche : {flow.title['fr']}", flow.title["ar"],
                     f"Étape {n} : « {shorten(step.text['fr'])} »", "Appel à 14:07"]
    # French lines read left to right on an Arabic screen; the Arabic title right to left
    directions = [lab.isRightToLeft() for lab in window.outcome.reference_labels]
    assert directions == [False, True, False, False]
    title = window.outcome.reference.findChildren(type(window.step.text))[0]  # type: ignore[union-attr]
    assert title.text() == catalog("ar").t("reference.title")
    # the step text is shortened at a word, whatever its length
    assert shorten("Posez le colis fermé sur la balance. Le poids s'affiche à l'écran.") == \
        "Posez le colis fermé sur la balance. Le poids…"
    assert shorten("Court.") == "Court."


def test_in_french_the_task_is_named_once(qtbot: Any, kiosk: Any, clock: Any) -> None:
    ctrl, window = kiosk
    call(ctrl, window, qtbot, clock, flow="buy-stamps", steps=0)
    lines = reference_texts(window)
    assert lines[0] == f"Tâche : {ctrl.library.get('buy-stamps').title['fr']}"
    assert lines[1].startswith("Étape 1 : « ")
    assert lines[-1] == "Appel à 14:07"


def test_leaving_the_screen_ends_the_hold_and_a_new_call_starts_afresh(qtbot: Any, kiosk: Any,
                                                                       clock: Any) -> None:
    ctrl, window = kiosk
    call(ctrl, window, qtbot, clock)
    first = ctrl.help.reference
    tap(qtbot, window.outcome.buttons[0], clock)  # back to the step
    assert ctrl.screen == STEP
    assert not ctrl.help.held
    assert not ctrl.help.keep_timer.isActive()
    ctrl.help.wall_clock = lambda: datetime(2026, 3, 12, 13, 30, tzinfo=UTC)
    tap(qtbot, window.top.help, clock)
    assert ctrl.help.reference is not first
    assert ctrl.help.held
    assert reference_texts(window)[-1] == "Appel à 14:30"
    ctrl.reset("test")


# -- a hub, but no connection ---------------------------------------------------------------
def test_offline_one_message_then_the_counter_and_the_call_cancelled(qtbot: Any, kiosk: Any,
                                                                     clock: Any) -> None:
    ctrl, window = kiosk
    said = Said(ctrl)
    online_call(ctrl, window, qtbot, clock)
    ctrl.set_hub_online(False)
    fr = catalog("fr")
    assert window.outcome.status.text() == \
        "Pas de connexion pour l'instant. Votre appel partira dès son retour."
    assert said.texts[-1] == window.outcome.status.text()
    assert button(window, "help-cancel") is not None
    assert window.outcome.reference is None  # no "go to the counter" yet
    assert ctrl.help.offline_timer.objectName() == "help-offline-wait"
    assert ctrl.help.offline_timer.isActive()
    qtbot.waitUntil(lambda: ctrl.help.fallback == "offline", timeout=5000)
    assert said.cancels == 1  # the link queues it behind the call: the hub records both
    assert window.outcome.status.text() == \
        "La connexion ne revient pas. Allez au guichet et montrez cet écran."
    assert said.texts[-1] == fr.t("help.offline_gave_up")
    assert said.texts.count(fr.t("help.offline_gave_up")) == 1
    assert button(window, "help-cancel") is None
    assert button(window, "help-dismiss") is not None
    assert reference_texts(window)[-1] == "Appel à 14:07"
    # the screen stays for staff; late news of the cancelled call changes nothing
    ctrl.set_help_status({"status": "queued", "position": 1})
    ctrl.set_hub_online(True)
    assert window.outcome.status.text() == fr.t("help.offline_gave_up")
    assert button(window, "help-cancel") is None
    assert said.cancels == 1
    assert ctrl.help_active
    window._idle_timeout()
    assert not window.more_time.isVisible()
    ctrl.reset("inactivity")
    assert_nothing_left(ctrl)


def test_connection_back_in_time_the_usual_statuses_go_on(qtbot: Any, kiosk: Any,
                                                           clock: Any) -> None:
    ctrl, window = kiosk
    said = Said(ctrl)
    online_call(ctrl, window, qtbot, clock)
    ctrl.set_hub_online(False)
    assert ctrl.help.offline_timer.isActive()
    ctrl.set_hub_online(True)
    assert not ctrl.help.offline_timer.isActive()
    assert window.outcome.status.text() == "Votre appel part vers les médiateurs."
    assert said.texts[-1] == "Votre appel part vers les médiateurs."
    ctrl.set_help_status({"status": "queued", "position": 2})
    assert window.outcome.status.text() == \
        "Un médiateur a été appelé. Vous êtes le numéro 2 dans la file."
    ctrl.set_help_status({"status": "claimed", "claimed_by": "aïcha"})
    assert said.texts[-1] == "Aïcha arrive pour vous aider."
    ctrl.set_help_status({"status": "claimed", "claimed_by": "aïcha"})  # polled again
    assert said.texts.count("Aïcha arrive pour vous aider.") == 1
    assert said.cancels == 0
    assert ctrl.help.fallback is None
    assert button(window, "help-cancel") is not None
    ctrl.reset("test")


def test_offline_while_back_on_a_step_brings_the_counter_screen(qtbot: Any, kiosk: Any,
                                                                clock: Any) -> None:
    ctrl, window = kiosk
    said = Said(ctrl)
    online_call(ctrl, window, qtbot, clock)
    ctrl.set_hub_online(False)
    tap(qtbot, button(window, "resume"), clock)  # back to the step, the call still waiting
    assert ctrl.screen == STEP
    assert ctrl.help.offline_timer.isActive()
    qtbot.waitUntil(lambda: ctrl.screen == OUTCOME, timeout=5000)
    assert said.cancels == 1
    assert window.outcome.status.text() == catalog("fr").t("help.offline_gave_up")
    assert said.texts[-1].endswith(catalog("fr").t("help.offline_gave_up"))
    ctrl.reset("test")


# -- refused by the hub -----------------------------------------------------------------
def test_a_refused_call_sends_to_the_counter(qtbot: Any, kiosk: Any, clock: Any) -> None:
    ctrl, window = kiosk
    said = Said(ctrl)
    ctrl.set_language("es")
    online_call(ctrl, window, qtbot, clock)
    ctrl.set_help_status({"id": "c1", "status": "sending"})
    ctrl.set_help_status({"id": "c1", "status": "refused", "reason": "422 unknown flow"})
    es = catalog("es")
    assert window.outcome.status.text() == es.t("help.refused")
    assert said.texts[-1] == es.t("help.refused")
    assert button(window, "help-cancel") is None
    assert button(window, "help-dismiss") is not None
    assert reference_texts(window)[-1] == "Appel à 14:07"
    assert said.cancels == 0  # the hub will never have it: nothing to cancel
    assert ctrl.help.held
    assert not ctrl.help.offline_timer.isActive()
    assert "help.refused" in ctrl.events.types()
    ctrl.set_help_status({"id": "other", "status": "claimed", "claimed_by": "x"})
    assert window.outcome.status.text() == es.t("help.refused")
    ctrl.reset("test")
    assert_nothing_left(ctrl)
    ctrl.set_help_status({"id": "c1", "status": "refused"})  # too late: a new customer
    assert ctrl.screen != OUTCOME
    assert ctrl.help.fallback is None


# -- said aloud, in every language --------------------------------------------------------
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_said_in_the_customers_language(qtbot: Any, kiosk: Any, clock: Any,
                                                         lang: str) -> None:
    ctrl, window = kiosk
    said = Said(ctrl)
    t = catalog(lang).t
    ctrl.set_language(lang)
    call(ctrl, window, qtbot, clock)  # no hub
    assert said.texts[-1] == f"{t('outcome.help_title')} {t('outcome.help_text')}"
    assert ctrl.current_speech() == said.texts[-1]
    ctrl.reset("test")
    ctrl.set_language(lang)
    online_call(ctrl, window, qtbot, clock)
    ctrl.set_hub_online(False)
    assert said.texts[-1] == t("help.offline")
    ctrl.help.give_up_offline()
    assert said.texts[-1] == t("help.offline_gave_up")
    assert ctrl.current_speech() == f"{t('outcome.help_title')} {t('help.offline_gave_up')}"
    ctrl.reset("test")
    ctrl.set_language(lang)
    online_call(ctrl, window, qtbot, clock)
    ctrl.set_help_status({"status": "refused", "reason": "gone"})
    assert said.texts[-1] == t("help.refused")
    assert window.outcome.status.text() == t("help.refused")
    ctrl.reset("test")
    texts = {t(k) for k in ("help.offline", "help.offline_gave_up", "help.refused",
                            "reference.title", "reference.dismiss")}
    assert all(texts)
    assert (lang == "fr" or texts.isdisjoint(
        {catalog("fr").t(k) for k in ("help.offline", "help.offline_gave_up", "help.refused")}))
