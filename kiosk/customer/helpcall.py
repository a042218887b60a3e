"""HelpCall: the fate of a customer's call for a mediator on the kiosk: what the hub last
said about it, whether the hub is reachable, why the help screen sends the customer to the
counter instead (no hub, offline too long, refused by the hub), the reference kept there
for staff and how long it outlasts inactivity, and what is said aloud when the help
screen's message changes. The KioskController owns one and keeps the flow of screens."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, QTimer

from kiosk import config
from kiosk.flows.model import Flow, Step, pick, shorten
from kiosk.flows.session import Outcome
from kiosk.i18n import catalog

if TYPE_CHECKING:
    from kiosk.customer.controller import KioskController

#: a call on its way or being answered (the customer can still cancel it)
PENDING = ("sending", "queued", "claimed")
#: why a help screen sends the customer to the counter instead of waiting for a mediator
NOHUB, OFFLINE, REFUSED = "nohub", "offline", "refused"


class HelpCall(QObject):
    """The current customer's call (one at a time). It speaks through its controller's
    signals and, when a waiting call ends at the counter, puts the help screen back up."""

    def __init__(self, ctrl: KioskController) -> None:
        super().__init__(ctrl)
        self.ctrl = ctrl
        self.status: dict[str, Any] = {}  # what the hub link last said ({}: no call)
        self.hub_online: bool | None = None
        # a help screen that sends the customer to the counter: why (NOHUB, OFFLINE,
        # REFUSED), what staff read there, and whether it still outlasts inactivity
        self.fallback: str | None = None
        self.reference: dict[str, Any] | None = None
        self.held = False
        self.wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        self.keep_timer = self._timer("help-nohub-keep", self._release_screen)
        self.offline_timer = self._timer("help-offline-wait", self.give_up_offline)

    def _timer(self, name: str, slot: Callable[[], None]) -> QTimer:
        timer = QTimer(self)
        timer.setObjectName(name)
        timer.setSingleShot(True)
        timer.timeout.connect(slot)
        return timer

    # -- reading -------------------------------------------------------------------
    @property
    def pending(self) -> bool:
        """A call is on its way or a mediator is coming (the customer may cancel it)."""
        return self.fallback is None and self.status.get("status") in PENDING

    @property
    def active(self) -> bool:
        """A call is pending, or a help screen that sends the customer to the counter is
        kept for staff: either way, inactivity must not clear the screen."""
        return self.pending or self.held

    @property
    def sends_to_counter(self) -> bool:
        """The help screen tells the customer to go to the counter (no mediator will come)."""
        return not self.ctrl.connected or self.fallback is not None

    @property
    def nohub_keep(self) -> float:
        """Seconds a help screen that sends the customer to the counter outlasts inactivity."""
        return self._seconds("help_nohub_keep")

    @property
    def offline_wait(self) -> float:
        """Seconds a call stuck in the outbox waits for the hub before the counter."""
        return self._seconds("help_offline_wait")

    def text(self) -> str:
        """What the help screen says about the call, in the customer's language."""
        t = self.ctrl.strings.t
        status = self.status.get("status")
        if not self.ctrl.connected:
            return t("outcome.help_text")
        if self.fallback == OFFLINE:
            return t("help.offline_gave_up")
        if self.fallback == REFUSED:
            return t("help.refused")
        if status == "claimed":
            return t("help.claimed", name=str(self.status.get("claimed_by", "")).title())
        if status == "queued" and self.status.get("available") == 0:
            return t("help.nobody", position=self.status.get("position", 1))
        if status == "queued":
            return t("help.queued", position=self.status.get("position", 1))
        if status in ("cancelled", "resolved"):
            return t(f"help.{status}")
        return t("help.offline") if self.hub_online is False else t("help.sending")

    def reference_lines(self) -> list[tuple[str, str]]:
        """The staff reference, line by line, each with its language: the task in French
        (and in the customer's language when it differs), the step's number and its text
        shortened (French), and the time of the call (HH:MM, office time)."""
        ref = self.reference
        if ref is None:
            return []
        staff = catalog("fr")
        lang = self.ctrl.look.language
        lines: list[tuple[str, str]] = []
        flow: Flow | None = ref["flow"]
        if flow is not None:
            lines.append((staff.t("reference.task", title=pick(flow.title, "fr")), "fr"))
            theirs = pick(flow.title, lang)
            if lang != "fr" and theirs != pick(flow.title, "fr"):
                lines.append((theirs, lang))
        step: Step | None = ref["step"]
        if step is not None:
            lines.append((staff.t("reference.step", n=ref["n"],
                                  text=shorten(pick(step.text, "fr"))), "fr"))
        at: datetime = ref["at"]
        lines.append((staff.t("reference.at", time=at.astimezone(self._office_zone())
                              .strftime("%H:%M")), "fr"))
        return lines

    # -- what happens to the call ----------------------------------------------------
    def start(self, context: dict[str, Any]) -> None:
        """The customer asks for a mediator: one call at a time; a screen kept for staff
        stays as is."""
        if not self.active:
            self.reference = self._freeze_reference()
            self.fallback = None
            if self.ctrl.connected:
                self.status = {"status": "sending"}
            self.ctrl.helpRequested.emit(context)
            if not self.ctrl.connected:
                self.fallback = NOHUB
                self._hold_screen()
        self._watch_offline()

    def set_status(self, status: dict[str, Any]) -> None:
        """What the hub link says about the call: ``sending``, ``queued`` (``position``),
        ``claimed`` (``claimed_by``), ``resolved``, ``cancelled``, or ``refused``
        (``reason``: the hub will never take this call)."""
        if not self.status:
            return  # no call of this customer (a late answer about a call already left)
        known = self.status.get("id")
        if known and status.get("id") and status.get("id") != known:
            return  # about another call
        before = self._phase()
        self.status = dict(status)
        if status.get("status") == REFUSED and self.fallback is None:
            self.ctrl.log("help.refused", {"id": status.get("id"),
                                           "reason": str(status.get("reason", ""))[:200]})
            self._send_to_counter(REFUSED, before)
            return
        self._watch_offline()
        self.ctrl.helpStatusChanged.emit()
        self._announce(before)

    def set_hub_online(self, online: bool) -> None:
        before = self._phase()
        self.hub_online = online
        self._watch_offline()
        self.ctrl.helpStatusChanged.emit()
        self._announce(before)

    def cancel(self) -> None:
        """The customer cancels the call (the Cancel button)."""
        if self.pending:
            self._cancel_call("customer")
            self.ctrl.helpStatusChanged.emit()

    def give_up_offline(self) -> None:
        """``help_offline_wait`` has passed with the call still stuck offline: cancel it
        and send the customer to the counter."""
        if self._waiting_offline():
            before = self._phase()
            self._cancel_call("offline")  # queued behind the call: the hub records both
            self._send_to_counter(OFFLINE, before)

    def keep_reference(self) -> dict[str, Any]:
        """The staff reference, frozen now unless the call already froze it."""
        if self.reference is None:
            self.reference = self._freeze_reference()
        return self.reference

    def leave_screen(self) -> None:
        """The customer left the help screen: nothing to keep for staff."""
        self.keep_timer.stop()
        self.held = False
        self.fallback = None

    def clear(self) -> None:
        """Forget the call of the last customer (the kiosk is reset)."""
        self.status = {}
        self.stop_timers()
        self.leave_screen()
        self.reference = None

    def stop_timers(self) -> None:
        """Stop the help screen's timers (the kiosk is closing)."""
        self.keep_timer.stop()
        self.offline_timer.stop()

    # -- inner ---------------------------------------------------------------------
    def _seconds(self, name: str) -> float:
        value = self.ctrl.settings.get(name, config.setting(name).default)
        return max(0.0, float(value))

    def _phase(self) -> tuple[str, str]:
        """What the help screen tells the customer: in one word, and its text."""
        status = self.status.get("status")
        if self.sends_to_counter:
            phase = "counter"
        elif status in ("queued", "claimed", "cancelled", "resolved"):
            phase = str(status)
        else:
            phase = "offline" if self.hub_online is False else "sending"
        return phase, self.text()

    def _announce(self, before: tuple[str, str]) -> None:
        """Say the help screen's new message whenever it changes (sent, the place in the
        queue, who is coming, no connection, go to the counter, connection back): a
        customer who cannot see the screen hears each; that a mediator is coming is said
        even on another screen."""
        after = self._phase()
        if after[1] == before[1]:
            return
        if after[0] == "claimed" or self.ctrl.on_help_screen:
            self.ctrl.stopSpeech.emit()
            self.ctrl.speakRequested.emit(self.text())

    def _waiting_offline(self) -> bool:
        return (self.ctrl.connected and self.fallback is None and self.hub_online is False
                and self.status.get("status") == "sending")

    def _watch_offline(self) -> None:
        """A call stuck in the outbox while the hub is away gets ``help_offline_wait``."""
        if not self._waiting_offline():
            self.offline_timer.stop()
        elif not self.offline_timer.isActive():
            self.offline_timer.start(round(self.offline_wait * 1000))

    def _cancel_call(self, why: str) -> None:
        self.ctrl.log("help.cancel", {"id": self.status.get("id"), "by": why})
        self.ctrl.helpCancelRequested.emit()
        self.status = {**self.status, "status": "cancelled"}

    def _send_to_counter(self, why: str, before: tuple[str, str]) -> None:
        """No mediator will come: the screen says "go to the counter", shows staff what
        the customer was doing, and stays ``help_nohub_keep`` seconds."""
        self.fallback = why
        self.offline_timer.stop()
        reference = self.keep_reference()
        self._hold_screen()
        if self.ctrl.on_help_screen:
            self.ctrl.helpStatusChanged.emit()
            self._announce(before)
        else:  # the customer went back to a step while the call waited: tell them now
            self.ctrl.show_outcome(Outcome("help", reference.get("step_id") or ""))
            self.ctrl.helpStatusChanged.emit()

    def _hold_screen(self) -> None:
        self.held = True
        self.keep_timer.start(round(self.nohub_keep * 1000))

    def _release_screen(self) -> None:
        """``help_nohub_keep`` has passed: from now on the usual inactivity rules apply."""
        self.held = False

    def _freeze_reference(self) -> dict[str, Any]:
        """What staff need to take over, frozen at the call: task, step, time."""
        s = self.ctrl.session
        step = s.current if s is not None else None
        return {"flow": s.flow if s is not None else None, "step": step,
                "step_id": step.id if step is not None else None,
                "n": s.position()[0] if s is not None else None, "at": self.wall_clock()}

    def _office_zone(self) -> tzinfo | None:
        """The office's time zone (``hub_timezone``); the machine's own if unknown."""
        try:
            return ZoneInfo(str(self.ctrl.settings.get("hub_timezone")
                                or config.setting("hub_timezone").default))
        except (ValueError, OSError, KeyError):  # unknown name, or no time zone data
            return None
