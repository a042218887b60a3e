"""KioskController: the kiosk's state (visit, flow session, language, text size,
contrast), the flow of its screens and every action a customer can take. No widgets:
screens watch its signals. The fate of a help call is its HelpCall's (kiosk.customer.helpcall).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

from kiosk.customer.helpcall import NOHUB, HelpCall
from kiosk.flows.events import Event, EventLog
from kiosk.flows.library import FlowLibrary
from kiosk.flows.model import CALL_TEXTS, Flow, Step, call_texts, pick
from kiosk.flows.session import FlowSession, Outcome
from kiosk.i18n import Catalog, catalog
from kiosk.languages import ordered
from kiosk.ui.theme import SCALES

HOME, STEP, OUTCOME = "home", "step", "outcome"


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
    speakAfterRequested = Signal(str)  # text to say once what is being said has ended
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
        self.languages = languages or list(ordered())
        self.events = events if events is not None else EventLog()
        self.settings: dict[str, Any] = dict(settings or {})  # missing ones: the defaults
        self.look = Look()
        self.screen = HOME
        self.session: FlowSession | None = None
        self.outcome: Outcome | None = None
        self.visit_id: str | None = None
        self.feedback_given = False
        self.connected = False  # a hub link exists (else: "go to the counter")
        self.help = HelpCall(self)  # the current customer's call for a mediator
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
        self.log("language", {"from": self.look.language, "to": language})
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
        self.log("text_size", {"scale": scale})
        self.lookChanged.emit()
        self.speakRequested.emit(self.strings.t("bar.text_size_value", size=f"×{scale:g}"))

    def toggle_contrast(self) -> None:
        high = not self.look.high_contrast
        self.look = Look(self.look.language, self.look.scale, high)
        self.log("contrast", {"high": high})
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
        if outcome.kind == "help" and not self.connected:
            self.help.keep_reference()  # what staff read at the counter
        self._show(OUTCOME)

    def go_home(self) -> None:
        self._end_session("home")
        self.outcome = None
        self._show(HOME)

    def repeat(self) -> None:
        """Say the screen again; on the home screen, the list of tasks and how to choose."""
        self.log("repeat", {})
        self.stopSpeech.emit()
        if self.screen == HOME:
            self.speakRequested.emit(self.home_guide())
        else:
            self._speak_current()

    def adjust_voice(self, kind: str, step: int) -> None:
        """Louder / quieter (``volume``) or faster / slower (``rate``)."""
        self.log("voice", {"setting": kind, "step": step})
        self.voiceAdjustRequested.emit(kind, step)

    def call_help(self) -> None:
        """The customer asks for a mediator (the button, or a ``@help`` target)."""
        context = self.help_context()
        self.log("help", {k: v for k, v in context.items() if k not in CALL_TEXTS})  # (no texts)
        if self.session is not None and not self.session.finished:
            self.session.outcome = Outcome("help", self.session.current_id)
        self.outcome = Outcome("help", context.get("step_id") or "")
        self.help.start(context)
        self._show(OUTCOME)

    def help_context(self) -> dict[str, Any]:
        """Where the customer is, for a help call: the flow and step, and their texts in
        French and the customer's language (``call_texts``)."""
        s = self.session
        lang = self.look.language
        return {
            "kiosk_id": self.kiosk_id, "language": lang, "kind": "help",
            "flow_id": s.flow.id if s else None, "step_id": s.current_id if s else None,
            "seconds_on_step": round(s.time_on_step(), 1) if s else None,
            **(call_texts(s.flow, s.current, lang) if s else {}),
        }

    # -- help: the call itself is self.help's; these serve the hub link and the screens
    @property
    def help_status(self) -> dict[str, Any]:
        """What the hub last said about the call (``{}``: no call of this customer)."""
        return self.help.status

    @property
    def help_active(self) -> bool:
        """A call is pending or a help screen is kept for staff: inactivity waits."""
        return self.help.active

    @property
    def on_help_screen(self) -> bool:
        """The help screen (not a workshop one) is up."""
        return self.screen == OUTCOME and self.outcome is not None and self.outcome.kind == "help"

    def set_help_status(self, status: dict[str, Any]) -> None:
        """What the hub link says about the call (see ``HelpCall.set_status``)."""
        self.help.set_status(status)

    def set_hub_online(self, online: bool) -> None:
        """The hub link can (not) reach the hub."""
        self.help.set_hub_online(online)

    def cancel_help(self) -> None:
        """The customer cancels the call (the Cancel button)."""
        self.help.cancel()

    def dismiss_help(self) -> None:
        """Staff have dealt with the customer sent to the counter: clear everything."""
        self.log("help.dismissed", {"fallback": self.help.fallback or NOHUB})
        self.reset("help-dismissed")

    def help_text(self) -> str:
        """What the help screen says about the call, in the customer's language."""
        return self.help.text()

    def set_voice(self, ok: bool, state: str, can_listen: bool) -> None:
        """The voice layer says what works; the bars show it, the heartbeat reports it."""
        if (ok, state, can_listen) != (self.voice_ok, self.voice_state, self.can_listen):
            self.voice_ok, self.voice_state, self.can_listen = ok, state, can_listen
            self.voiceChanged.emit()

    def log(self, kind: str, data: dict[str, Any]) -> None:
        """Record an event of this visit, at the current flow and step if any."""
        s = self.session
        self.events.add(Event(kind, self.kiosk_id, self._ensure_visit(),
                              s.flow.id if s else None, s.current_id if s else None, data))

    def log_voice_command(self, data: dict[str, Any]) -> None:
        """What the voice-command helper heard and did (for the manager's statistics)."""
        self.log("voice.command", data)

    def give_feedback(self, value: str) -> None:
        self.log("feedback", {"value": value})
        self.feedback_given = True
        self.go_home()

    def reset(self, reason: str) -> None:
        """Clear everything of the last customer: session, language, size, contrast."""
        self.stopSpeech.emit()
        self._end_session(reason)
        if self.visit_id is not None:
            self.log("reset", {"reason": reason})
        self.visit_id = None
        self.outcome = None
        self.feedback_given = False
        self.help.clear()
        changed = self.look != Look()
        self.look = Look()
        self.screen = HOME
        if changed:
            self.lookChanged.emit()
        self.screenChanged.emit()
        self.resetDone.emit()

    def stop_timers(self) -> None:
        """Stop the help screen's timers (the kiosk is closing)."""
        self.help.stop_timers()

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
                self.log("workshop", {"level": result.level})
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
            self.help.leave_screen()  # the customer left it: nothing to keep for staff
        self.screen = screen
        # its speech first: a sound from the cache loads (on Qt's loader thread) while the
        # screen is drawn, and starts before the paint instead of after it
        self._speak_current()
        self.screenChanged.emit()

    def _speak_current(self) -> None:
        text = self.current_speech()
        if text:
            self.speakRequested.emit(text)

    def current_speech(self) -> str:
        """What the current screen says aloud: step text, then its choices."""
        if self.screen == STEP and self.session is not None:
            return self.screen_speech(self.session.current)
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
        if step.kind == "choices":
            parts.append(strings.t("step.spoken_choices"))
            parts += [_sentence(pick(c.label, lang)) for c in step.choices]
        elif step.kind == "next":
            parts.append(strings.t("step.spoken_next"))
        return " ".join(parts)

    def screen_speech(self, step: Step, lang: str | None = None) -> str:
        """A step's screen said aloud: the step; at the end of a flow, then the feedback
        its screen asks for and each answer."""
        text = self.step_speech(step, lang)
        if step.kind != "end":
            return text
        strings = catalog(lang or self.look.language)
        keys = ("end.question", "end.good", "end.neutral", "end.bad", "end.finish")
        return " ".join([text, *(_sentence(strings.t(key)) for key in keys)])

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
        return [self.screen_speech(flow.step(sid)) for sid in dict.fromkeys(ordered)]

    def upcoming_pictures(self) -> list[str]:
        """The step pictures the customer may see next: those of the steps one move away
        (back included); at home, each task's first step."""
        if self.screen == HOME or self.session is None:
            steps = [f.step(f.start) for f in self.flows()]
        else:
            flow, current = self.session.flow, self.session.current
            ids = [t for t in current.targets() if not t.startswith("@")]
            ids += self.session.history[-1:]
            steps = [flow.step(sid) for sid in dict.fromkeys(ids)]
        return [s.image for s in steps if s.image]

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


def _sentence(text: str) -> str:
    """Text ending like a sentence, so that speech pauses between choices."""
    text = text.strip()
    return text if not text or text[-1] in ".!?:;…。؟" else text + "."
