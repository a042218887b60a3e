"""KioskController: the kiosk's state (visit, flow session, language, text size,
contrast) and every action a customer can take. No widgets: screens watch its signals.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk import config
from kiosk.flows.events import Event, EventLog
from kiosk.flows.library import FlowLibrary
from kiosk.flows.model import Flow, Step, pick
from kiosk.flows.session import FlowSession, Outcome
from kiosk.i18n import Catalog, catalog
from kiosk.ui.theme import SCALES

HOME, STEP, OUTCOME = "home", "step", "outcome"
#: a call on its way or being answered (the customer can still cancel it)
PENDING = ("sending", "queued", "claimed")
#: why a help screen sends the customer to the counter instead of waiting for a mediator
NOHUB, OFFLINE, REFUSED = "nohub", "offline", "refused"
STEP_TEXT_CHARS = 48  # a step's text in the staff reference, shortened to about this


@dataclass(frozen=True)
class Look:
    """What the screen looks like: language, text-size factor, contrast."""

    language: str = "fr"
    scale: float = 1.0
    high_contrast: bool = False

    @property
    def theme(self) -> str:
        return "high-contrast" if self.high_contrast else "default"


class KioskController(QObject):
    """Everything the customer can do, as methods; what changed, as signals."""

    lookChanged = Signal()  # language, text size or contrast
    screenChanged = Signal()  # another screen, step or outcome
    speakRequested = Signal(str)  # text to say aloud (the voice layer listens)
    stopSpeech = Signal()
    helpRequested = Signal(dict)  # context of a call for a mediator
    helpCancelRequested = Signal()
    helpStatusChanged = Signal()  # the hub said something new about the call
    voiceAdjustRequested = Signal(str, int)  # "volume" or "rate", and a step (-1 or +1)
    voiceChanged = Signal()  # speech or voice commands became (un)available
    flowsChanged = Signal()  # the library was reloaded (new versions from the hub)
    resetDone = Signal()

    def __init__(self, library: FlowLibrary, kiosk_id: str = "kiosk-1",
                 languages: list[str] | None = None, events: EventLog | None = None,
                 settings: Mapping[str, Any] | None = None) -> None:
        super().__init__()
        self.library = library
        self.kiosk_id = kiosk_id
        self.languages = languages or ["fr", "en", "ar", "es", "pt"]
        self.events = events if events is not None else EventLog()
        self.settings: dict[str, Any] = dict(settings or {})  # missing ones: the defaults
        self.look = Look()
        self.screen = HOME
        self.session: FlowSession | None = None
        self.outcome: Outcome | None = None
        self.visit_id: str | None = None
        self.feedback_given = False
        self.connected = False  # a hub link exists (else: "go to the counter")
        self.hub_online: bool | None = None
        self.help_status: dict[str, Any] = {}
        # a help screen that sends the customer to the counter: why (NOHUB, OFFLINE,
        # REFUSED), what staff read there, and whether it still outlasts inactivity
        self.help_fallback: str | None = None
        self.help_reference: dict[str, Any] | None = None
        self.help_held = False
        self.wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        self.help_keep = QTimer(self)
        self.help_keep.setObjectName("help-nohub-keep")
        self.help_keep.setSingleShot(True)
        self.help_keep.timeout.connect(self._release_help_screen)
        self.help_offline = QTimer(self)
        self.help_offline.setObjectName("help-offline-wait")
        self.help_offline.setSingleShot(True)
        self.help_offline.timeout.connect(self._give_up_offline)
        self.voice_ok = True  # speech works in the current language (else an icon says so)
        self.can_listen = False  # voice commands are installed for the current language
        self.voice_state = "off"  # for the hub: "ok", "off" or "unavailable: why"

    # -- reading -------------------------------------------------------------------
    @property
    def strings(self) -> Catalog:
        return catalog(self.look.language)

    def flows(self) -> list[Flow]:
        return self.library.ordered()

    @property
    def pristine(self) -> bool:
        """Nothing of a customer is on screen or in memory."""
        return self.screen == HOME and self.visit_id is None and self.look == Look()

    # -- look ----------------------------------------------------------------------
    def set_language(self, language: str) -> None:
        if language == self.look.language:
            return
        self._log("language", {"from": self.look.language, "to": language})
        self.look = Look(language, self.look.scale, self.look.high_contrast)
        if self.session is not None:
            self.session.set_language(language)
        self.stopSpeech.emit()
        self.lookChanged.emit()
        self._speak_current()

    def cycle_text_size(self) -> None:
        i = SCALES.index(self.look.scale) if self.look.scale in SCALES else 0
        scale = SCALES[(i + 1) % len(SCALES)]
        self.look = Look(self.look.language, scale, self.look.high_contrast)
        self._log("text_size", {"scale": scale})
        self.lookChanged.emit()
        self.speakRequested.emit(self.strings.t("bar.text_size_value", size=f"×{scale:g}"))

    def toggle_contrast(self) -> None:
        high = not self.look.high_contrast
        self.look = Look(self.look.language, self.look.scale, high)
        self._log("contrast", {"high": high})
        self.lookChanged.emit()
        self.speakRequested.emit(self.strings.t("bar.contrast_on" if high else "bar.contrast_off"))

    # -- moving --------------------------------------------------------------------
    def start_flow(self, flow_id: str, step_id: str | None = None) -> None:
        self._end_session("home")
        flow = self.library.get(flow_id)
        self.session = FlowSession(flow, self.look.language, on_event=self._flow_event)
        if step_id is not None and step_id != flow.start:
            self.session.jump(step_id)
        self.outcome = None
        self._show(STEP)

    def advance(self) -> None:
        if self.session is not None and self.screen == STEP:
            self._after_move(self.session.advance())

    def choose(self, index: int) -> None:
        if self.session is not None and self.screen == STEP:
            self._after_move(self.session.choose(index))

    def back(self) -> None:
        if self.screen == OUTCOME and self.session is not None:
            self.resume()
        elif self.session is not None and self.session.can_go_back:
            self.session.back()
            self._show(STEP)

    def resume(self) -> None:
        """From a help or workshop screen, back to the step it was asked from."""
        if self.session is not None:
            self.session.resume()
            self.outcome = None
            self._show(STEP)

    def show_outcome(self, outcome: Outcome) -> None:
        """Put a help or workshop screen up for the current step, as is (no call is made:
        screenshots and previews)."""
        self.outcome = outcome
        if outcome.kind == "help" and not self.connected and self.help_reference is None:
            self.help_reference = self._reference()
        self._show(OUTCOME)

    def go_home(self) -> None:
        self._end_session("home")
        self.outcome = None
        self._show(HOME)

    def repeat(self) -> None:
        """Say the screen again; on the home screen, the list of tasks and how to choose."""
        self._log("repeat", {})
        self.stopSpeech.emit()
        if self.screen == HOME:
            self.speakRequested.emit(self.home_guide())
        else:
            self._speak_current()

    def adjust_voice(self, kind: str, step: int) -> None:
        """Louder / quieter (``volume``) or faster / slower (``rate``)."""
        self._log("voice", {"setting": kind, "step": step})
        self.voiceAdjustRequested.emit(kind, step)

    def call_help(self) -> None:
        """The customer asks for a mediator (the button, or a ``@help`` target)."""
        context = self.help_context()
        self._log("help", context)
        if self.session is not None and not self.session.finished:
            self.session.outcome = Outcome("help", self.session.current_id)
        self.outcome = Outcome("help", context.get("step_id") or "")
        if not self.help_active:  # one call at a time; a screen kept for staff stays as is
            self.help_reference = self._reference()
            self.help_fallback = None
            if self.connected:
                self.help_status = {"status": "sending"}
            self.helpRequested.emit(context)
            if not self.connected:
                self.help_fallback = NOHUB
                self._hold_help_screen()
        self._watch_offline()
        self._show(OUTCOME)

    def help_context(self) -> dict[str, Any]:
        s = self.session
        return {
            "kiosk_id": self.kiosk_id, "language": self.look.language, "kind": "help",
            "flow_id": s.flow.id if s else None, "step_id": s.current_id if s else None,
            "seconds_on_step": round(s.time_on_step(), 1) if s else None,
        }

    @property
    def call_pending(self) -> bool:
        """A call is on its way or a mediator is coming (the customer may cancel it)."""
        return self.help_fallback is None and self.help_status.get("status") in PENDING

    @property
    def help_active(self) -> bool:
        """A call is pending, or a help screen that sends the customer to the counter is
        kept for staff: either way, inactivity must not clear the screen."""
        return self.call_pending or self.help_held

    @property
    def sends_to_counter(self) -> bool:
        """The help screen tells the customer to go to the counter (no mediator will come)."""
        return not self.connected or self.help_fallback is not None

    @property
    def help_nohub_keep(self) -> float:
        return self._seconds("help_nohub_keep")

    @property
    def help_offline_wait(self) -> float:
        return self._seconds("help_offline_wait")

    def set_help_status(self, status: dict[str, Any]) -> None:
        """What the hub link says about the call: ``sending``, ``queued`` (``position``),
        ``claimed`` (``claimed_by``), ``resolved``, ``cancelled``, or ``refused``
        (``reason``: the hub will never take this call)."""
        if not self.help_status:
            return  # no call of this customer (a late answer about a call already left)
        known = self.help_status.get("id")
        if known and status.get("id") and status.get("id") != known:
            return  # about another call
        before = self._help_phase()
        self.help_status = dict(status)
        if status.get("status") == REFUSED and self.help_fallback is None:
            self._log("help.refused", {"id": status.get("id"),
                                       "reason": str(status.get("reason", ""))[:200]})
            self._send_to_counter(REFUSED, before)
            return
        self._watch_offline()
        self.helpStatusChanged.emit()
        self._announce(before)

    def set_hub_online(self, online: bool) -> None:
        before = self._help_phase()
        self.hub_online = online
        self._watch_offline()
        self.helpStatusChanged.emit()
        self._announce(before)

    def cancel_help(self) -> None:
        """The customer cancels the call (the Cancel button)."""
        if self.call_pending:
            self._cancel_call("customer")
            self.helpStatusChanged.emit()

    def dismiss_help(self) -> None:
        """Staff have dealt with the customer sent to the counter: clear everything."""
        self._log("help.dismissed", {"fallback": self.help_fallback or NOHUB})
        self.reset("help-dismissed")

    def help_text(self) -> str:
        """What the help screen says about the call, in the customer's language."""
        t = self.strings.t
        status = self.help_status.get("status")
        if not self.connected:
            return t("outcome.help_text")
        if self.help_fallback == OFFLINE:
            return t("help.offline_gave_up")
        if self.help_fallback == REFUSED:
            return t("help.refused")
        if status == "claimed":
            return t("help.claimed", name=str(self.help_status.get("claimed_by", "")).title())
        if status == "queued":
            return t("help.queued", position=self.help_status.get("position", 1))
        if status in ("cancelled", "resolved"):
            return t(f"help.{status}")
        return t("help.offline") if self.hub_online is False else t("help.sending")

    def set_voice(self, ok: bool, state: str, can_listen: bool) -> None:
        """The voice layer says what works; the bars show it, the heartbeat reports it."""
        if (ok, state, can_listen) != (self.voice_ok, self.voice_state, self.can_listen):
            self.voice_ok, self.voice_state, self.can_listen = ok, state, can_listen
            self.voiceChanged.emit()

    def log_voice_command(self, data: dict[str, Any]) -> None:
        """What the voice-command helper heard and did (for the manager's statistics)."""
        self._log("voice.command", data)

    def give_feedback(self, value: str) -> None:
        self._log("feedback", {"value": value})
        self.feedback_given = True
        self.go_home()

    def reset(self, reason: str) -> None:
        """Clear everything of the last customer: session, language, size, contrast."""
        self.stopSpeech.emit()
        self._end_session(reason)
        if self.visit_id is not None:
            self._log("reset", {"reason": reason})
        self.visit_id = None
        self.outcome = None
        self.feedback_given = False
        self.help_status = {}
        self.stop_timers()
        self._drop_help_screen()
        self.help_reference = None
        changed = self.look != Look()
        self.look = Look()
        self.screen = HOME
        if changed:
            self.lookChanged.emit()
        self.screenChanged.emit()
        self.resetDone.emit()

    def stop_timers(self) -> None:
        """Stop the help screen's timers (the kiosk is closing)."""
        self.help_keep.stop()
        self.help_offline.stop()

    # -- inner ---------------------------------------------------------------------
    def _after_move(self, result: object) -> None:
        if isinstance(result, Outcome):
            self.outcome = result
            if result.kind == "menu":
                self.go_home()
                return
            if result.kind == "help":
                self.call_help()
                return
            if result.kind == "workshop":
                self._log("workshop", {"level": result.level})
                self.helpRequested.emit({**self.help_context(), "kind": "workshop",
                                         "level": result.level})
            if result.kind == "end":
                self.go_home()
                return
            self._show(OUTCOME)
        else:
            self._show(STEP)

    def _show(self, screen: str) -> None:
        self.stopSpeech.emit()
        if screen != OUTCOME or self.outcome is None or self.outcome.kind != "help":
            self._drop_help_screen()  # the customer left it: nothing to keep for staff
        self.screen = screen
        self.screenChanged.emit()
        self._speak_current()

    def _speak_current(self) -> None:
        text = self.current_speech()
        if text:
            self.speakRequested.emit(text)

    def current_speech(self) -> str:
        """What the current screen says aloud: step text, then its choices."""
        if self.screen == STEP and self.session is not None:
            return self.step_speech(self.session.current)
        if self.screen == OUTCOME and self.outcome is not None:
            if self.outcome.kind == "workshop":
                return f"{self.strings.t('outcome.workshop_title')} {self.strings.t('outcome.workshop_text')}"
            return f"{self.strings.t('outcome.help_title')} {self.help_text()}"
        return self.strings.t("home.welcome")

    def step_speech(self, step: Step, lang: str | None = None) -> str:
        """A step said aloud: its text, then each choice, or how to go on."""
        lang = lang or self.look.language
        strings = catalog(lang)
        parts = [_sentence(step.spoken(lang))]
        if step.choices:
            parts.append(strings.t("step.spoken_choices"))
            parts += [_sentence(pick(c.label, lang)) for c in step.choices]
        elif step.next:
            parts.append(strings.t("step.spoken_next"))
        return " ".join(parts)

    def home_guide(self, lang: str | None = None) -> str:
        """The home screen said aloud (the Listen button): every task, then how to choose."""
        strings = catalog(lang or self.look.language)
        titles = [_sentence(pick(f.title, lang or self.look.language)) for f in self.flows()]
        return " ".join([strings.t("home.welcome"), strings.t("home.spoken_choices"), *titles,
                         strings.t("home.spoken_how")])

    def upcoming_speech(self) -> list[str]:
        """What the customer may hear next: the steps one move away first, then the rest
        of the flow (rendered ahead so speech starts from the cache)."""
        if self.session is None:
            return []
        flow, current = self.session.flow, self.session.current
        near = [t for t in current.targets() if not t.startswith("@")]
        ordered = near + [s.id for s in flow.steps if s.id not in near and s.id != current.id]
        return [self.step_speech(flow.step(sid)) for sid in dict.fromkeys(ordered)]

    # -- help: the call's fate ------------------------------------------------------
    def _seconds(self, name: str) -> float:
        value = self.settings.get(name, config.setting(name).default)
        return max(0.0, float(value))

    def _help_phase(self) -> tuple[str, str]:
        """What the help screen tells the customer: in one word, and its text."""
        status = self.help_status.get("status")
        if self.sends_to_counter:
            phase = "counter"
        elif status in ("queued", "claimed", "cancelled", "resolved"):
            phase = str(status)
        else:
            phase = "offline" if self.hub_online is False else "sending"
        return phase, self.help_text()

    def _on_help_screen(self) -> bool:
        return self.screen == OUTCOME and self.outcome is not None and self.outcome.kind == "help"

    def _announce(self, before: tuple[str, str]) -> None:
        """Say the help screen's new message when it changes what the customer does or
        waits for (a mediator coming, no connection, go to the counter, connection back);
        a new place in the queue is only shown."""
        after = self._help_phase()
        if after[1] == before[1]:
            return
        if after[0] == "claimed" or (self._on_help_screen() and (
                after[0] in ("offline", "counter") or before[0] == "offline")):
            self.stopSpeech.emit()
            self.speakRequested.emit(self.help_text())

    def _waiting_offline(self) -> bool:
        return (self.connected and self.help_fallback is None and self.hub_online is False
                and self.help_status.get("status") == "sending")

    def _watch_offline(self) -> None:
        """A call stuck in the outbox while the hub is away gets ``help_offline_wait``."""
        if not self._waiting_offline():
            self.help_offline.stop()
        elif not self.help_offline.isActive():
            self.help_offline.start(round(self.help_offline_wait * 1000))

    def _give_up_offline(self) -> None:
        if self._waiting_offline():
            before = self._help_phase()
            self._cancel_call("offline")  # queued behind the call: the hub records both
            self._send_to_counter(OFFLINE, before)

    def _cancel_call(self, why: str) -> None:
        self._log("help.cancel", {"id": self.help_status.get("id"), "by": why})
        self.helpCancelRequested.emit()
        self.help_status = {**self.help_status, "status": "cancelled"}

    def _send_to_counter(self, why: str, before: tuple[str, str]) -> None:
        """No mediator will come: the screen says "go to the counter", shows staff what
        the customer was doing, and stays ``help_nohub_keep`` seconds."""
        self.help_fallback = why
        self.help_offline.stop()
        if self.help_reference is None:
            self.help_reference = self._reference()
        self._hold_help_screen()
        if self._on_help_screen():
            self.helpStatusChanged.emit()
            self._announce(before)
        else:  # the customer went back to a step while the call waited: tell them now
            self.outcome = Outcome("help", self.help_reference.get("step_id") or "")
            self._show(OUTCOME)
            self.helpStatusChanged.emit()

    def _hold_help_screen(self) -> None:
        self.help_held = True
        self.help_keep.start(round(self.help_nohub_keep * 1000))

    def _release_help_screen(self) -> None:
        """``help_nohub_keep`` has passed: from now on the usual inactivity rules apply."""
        self.help_held = False

    def _drop_help_screen(self) -> None:
        self.help_keep.stop()
        self.help_held = False
        self.help_fallback = None

    def _reference(self) -> dict[str, Any]:
        """What staff need to take over, frozen at the call: task, step, time."""
        s = self.session
        step = s.current if s is not None else None
        return {"flow": s.flow if s is not None else None, "step": step,
                "step_id": step.id if step is not None else None,
                "n": s.position()[0] if s is not None else None, "at": self.wall_clock()}

    def reference_lines(self) -> list[tuple[str, str]]:
        """The staff reference, line by line, each with its language: the task in French
        (and in the customer's language when it differs), the step's number and its text
        shortened (French), and the time of the call (HH:MM, office time)."""
        ref = self.help_reference
        if ref is None:
            return []
        staff = catalog("fr")
        lang = self.look.language
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

    def _office_zone(self) -> tzinfo | None:
        """The office's time zone (``hub_timezone``); the machine's own if unknown."""
        try:
            return ZoneInfo(str(self.settings.get("hub_timezone")
                                or config.setting("hub_timezone").default))
        except (ValueError, OSError, KeyError):  # unknown name, or no time zone data
            return None

    def _end_session(self, reason: str) -> None:
        if self.session is not None:
            self.session.abandon(reason)
            self.session = None

    def _ensure_visit(self) -> str:
        if self.visit_id is None:
            self.visit_id = str(uuid.uuid4())
            self.events.add(Event("visit.start", self.kiosk_id, self.visit_id,
                                  data={"language": self.look.language}))
        return self.visit_id

    def _flow_event(self, kind: str, flow_id: str, step_id: str, data: dict[str, Any]) -> None:
        self.events.add(Event(kind, self.kiosk_id, self._ensure_visit(), flow_id, step_id, data))

    def _log(self, kind: str, data: dict[str, Any]) -> None:
        s = self.session
        self.events.add(Event(kind, self.kiosk_id, self._ensure_visit(),
                              s.flow.id if s else None, s.current_id if s else None, data))


def shorten(text: str, limit: int = STEP_TEXT_CHARS) -> str:
    """``text`` on one line, cut after a whole word near ``limit`` characters ("…")."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit + 1].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return (cut or text[:limit]) + "…"


def _sentence(text: str) -> str:
    """Text ending like a sentence, so that speech pauses between choices."""
    text = text.strip()
    return text if not text or text[-1] in ".!?:;…。؟" else text + "."
