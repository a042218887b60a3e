"""HeadsetWatcher: notices a headset plugged into the kiosk or taken out, from PulseAudio or
PipeWire (through its PulseAudio server), without ever blocking the UI thread.

``pactl subscribe`` runs in a QProcess for as long as the watcher does; each event about
a sink, a card or the server has ``pactl -f json list sinks`` run (in another QProcess,
read when it finishes; events that come meanwhile make one more listing, not one each).
A headset is:

- a sink whose device says it is one (``device.form_factor`` headset, headphone,
  hands-free; a Bluetooth device): a USB or Bluetooth headset appearing;
- a headphone or headset port that is available on a sink (a jack: the port's
  availability changes when the plug goes in). The watcher makes that port the sink's
  active one, if the sound server has not already.

The watcher decides where speech goes (``headsetChanged``: the newest headset, or None for
the default output) and tells when one is plugged in (``plugged``; one already there when
the watcher starts is used, not announced) or gone (``unplugged``). Without ``pactl`` or a
sound server it stays quiet and says why (``problem``, ``unavailable``, an info line in the
log); a server that goes away is tried again every ``retry_ms``.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, QTimer, Signal

log = logging.getLogger(__name__)

HEADSET_FORMS = {"headset", "headphone", "headphones", "hands-free", "handset"}
PORT_WORDS = ("headphone", "headset")
PORT_TYPES = {"headphones", "headset"}
EVENT = re.compile(r"Event '(new|change|remove)' on (sink|card|server)\b(?!-)")
STOP_WAIT_MS = 1000
SETTLE_TRIES = 40  # listings (50 ms apart) until pactl subscribe is seen to listen


@dataclass(frozen=True)
class Headset:
    """Where a headset listens: its sink's name (the audio device id Qt knows), and the
    headphone port on that sink for a jack ("" for a sink that is the headset itself)."""

    sink: str
    port: str = ""
    description: str = field(default="", compare=False)
    active: bool = field(default=True, compare=False)  # the port is the sink's active one


def headsets(sinks: list[dict[str, Any]]) -> list[Headset]:
    """The headsets among the sinks listed by ``pactl -f json list sinks``, in its order."""
    found: list[Headset] = []
    for sink in sinks:
        if not isinstance(sink, dict):
            continue
        name = str(sink.get("name", ""))
        props = sink.get("properties") or {}
        description = str(sink.get("description") or props.get("device.description") or name)
        form = str(props.get("device.form_factor", "")).lower()
        if name and (form in HEADSET_FORMS or str(props.get("device.bus", "")) == "bluetooth"):
            found.append(Headset(name, "", description))
            continue
        active = str(sink.get("active_port") or "")
        for port in sink.get("ports") or []:
            pname = str(port.get("name", ""))
            kind = str(port.get("type", "")).lower()
            words = f"{pname} {port.get('description', '')}".lower()
            plugged = str(port.get("availability", "")) == "available"
            if name and plugged and (kind in PORT_TYPES or any(w in words for w in PORT_WORDS)):
                found.append(Headset(name, pname, description, pname == active))
                break
    return found


class HeadsetWatcher(QObject):
    headsetChanged = Signal(object)  # Headset | None: where speech goes (None: default output)
    plugged = Signal(object)  # a Headset plugged in while the watcher ran
    unplugged = Signal()  # the headset speech went to is gone (speech goes back: None)
    ready = Signal()  # watching: the first listing is read and events are coming
    listed = Signal()  # a listing of the sinks was read
    unavailable = Signal(str)  # the watcher went quiet: why

    def __init__(self, parent: QObject | None = None, pactl: str | None = None,
                 server: str | None = None, retry_ms: int = 15_000) -> None:
        """``pactl``: its path (default: found on PATH); ``server``: a PULSE_SERVER for
        the watcher's processes (default: this process's own)."""
        super().__init__(parent)
        self.pactl = pactl
        self.server = server
        self.current: Headset | None = None
        self.problem = ""
        self.is_ready = False
        self.sinks: list[dict[str, Any]] = []  # the last listing
        self._known: set[Headset] | None = None  # None: nothing listed yet
        self._again = False
        self._events_seen = False
        self._settle_tries = 0
        self._buffer = b""
        self._stopping = False
        # three processes made once and started again as needed (never deleted while the
        # watcher lives: a QProcess deleted later, then with its parent, crashed Qt)
        self._sub = self._process()  # pactl subscribe, for as long as the watcher runs
        self._sub.readyReadStandardOutput.connect(self._events)
        self._sub.finished.connect(self._subscribe_ended)
        self._sub.started.connect(self._list)
        self._lister = self._process()  # pactl -f json list sinks
        self._lister.finished.connect(self._listed)
        self._porter = self._process()  # pactl set-sink-port SINK PORT
        self.retry = QTimer(self)
        self.retry.setObjectName("headset-retry")
        self.retry.setSingleShot(True)
        self.retry.setInterval(retry_ms)
        self.retry.timeout.connect(self.start)
        self.settle = QTimer(self)  # lists again until pactl subscribe is seen to listen
        self.settle.setObjectName("headset-settle")
        self.settle.setSingleShot(True)
        self.settle.setInterval(50)
        self.settle.timeout.connect(self._list)

    @property
    def watching(self) -> bool:
        """``pactl subscribe`` runs."""
        return self._sub.state() != QProcess.ProcessState.NotRunning

    # -- start and stop ----------------------------------------------------------------
    def start(self) -> bool:
        """Start watching; False (and ``problem`` says why) when ``pactl`` is missing."""
        self._stopping = False
        if self.watching:
            return True
        exe = shutil.which(self.pactl or "pactl")
        if exe is None:
            self._quiet("pactl is not installed (pulseaudio-utils): headsets are not watched")
            return False
        self.pactl = exe
        self._events_seen = False
        self._settle_tries = 0
        self.is_ready = False
        self._buffer = b""
        self._run(self._sub, ["subscribe"])
        return True

    def stop(self) -> None:
        """Stop watching: no process, no timer left."""
        self._stopping = True
        self.retry.stop()
        self.settle.stop()
        for proc in (self._sub, self._lister, self._porter):
            if proc.state() != QProcess.ProcessState.NotRunning:
                proc.kill()
                proc.waitForFinished(STOP_WAIT_MS)  # pactl dies at once: reaped, not left

    def _process(self) -> QProcess:
        proc = QProcess(self)
        if self.server is not None:
            env = QProcessEnvironment.systemEnvironment()
            env.insert("PULSE_SERVER", self.server)
            proc.setProcessEnvironment(env)
        proc.errorOccurred.connect(self._failed)
        return proc

    def _run(self, proc: QProcess, args: list[str]) -> None:
        proc.setProgram(str(self.pactl))
        proc.setArguments(args)
        proc.start()

    # -- events and listings -----------------------------------------------------------
    def _events(self) -> None:
        self._buffer += bytes(self._sub.readAllStandardOutput().data())
        *lines, self._buffer = self._buffer.split(b"\n")
        changed = False
        for line in lines:
            self._events_seen = True
            changed = changed or EVENT.search(line.decode(errors="replace")) is not None
        if changed:
            self._list()

    def _list(self) -> None:
        if self._stopping:
            return
        if self._lister.state() != QProcess.ProcessState.NotRunning:
            self._again = True
            return
        self._run(self._lister, ["-f", "json", "list", "sinks"])

    def _listed(self, code: int, _status: object) -> None:
        out = bytes(self._lister.readAllStandardOutput().data())
        err = bytes(self._lister.readAllStandardError().data()).decode(errors="replace").strip()
        if self._stopping:
            return
        if code != 0:
            self._quiet(f"no sound server answers pactl ({err or f'exit code {code}'})")
        else:
            try:
                sinks = json.loads(out.decode(errors="replace") or "[]")
            except ValueError as exc:
                self._quiet(f"pactl's list of sinks is not JSON ({exc})")
            else:
                if self.problem:
                    log.info("headset watch: the sound server answers again")
                    self.problem = ""
                self.sinks = sinks if isinstance(sinks, list) else []
                self._decide(headsets(self.sinks))
                self.listed.emit()
        if self._again:
            self._again = False
            self._list()
        elif not self.is_ready and code == 0 and self.watching:
            # ready once pactl subscribe is seen to listen (a listing's pactl connecting is
            # an event it prints), so that no plug goes unseen from then on
            self._settle_tries += 1
            if self._events_seen or self._settle_tries >= SETTLE_TRIES:
                self.is_ready = True
                self.ready.emit()
            else:
                self.settle.start()

    def _decide(self, found: list[Headset]) -> None:
        first = self._known is None
        new = [h for h in found if self._known is not None and h not in self._known]
        self._known = set(found)
        before = self.current
        if new:
            chosen: Headset | None = new[-1]
        elif before is not None and before in found:
            chosen = found[found.index(before)]
        else:
            chosen = found[-1] if found else None
        self.current = chosen
        if chosen is not None and chosen.port and not chosen.active:
            self._activate_port(chosen)
        if chosen != before:
            log.info("speech goes to %s", chosen.sink if chosen else "the default output")
            self.headsetChanged.emit(chosen)
        if new and not first and chosen is not None:
            self.plugged.emit(chosen)
        elif chosen is None and before is not None:
            self.unplugged.emit()

    def _activate_port(self, headset: Headset) -> None:
        if self._porter.state() == QProcess.ProcessState.NotRunning:  # (else: on the next listing)
            self._run(self._porter, ["set-sink-port", headset.sink, headset.port])

    # -- failures ----------------------------------------------------------------------
    def _subscribe_ended(self, code: int, _status: object) -> None:
        err = bytes(self._sub.readAllStandardError().data()).decode(errors="replace").strip()
        self._sub.readAllStandardOutput()
        if self._stopping:
            return
        why = err or f"exit code {code}"
        self._quiet(f"the sound server went away ({why})" if self.is_ready
                    else f"no sound server answers pactl ({why})")
        self.is_ready = False
        self.settle.stop()
        self._known = None
        if self.current is not None:
            self.current = None
            self.headsetChanged.emit(None)
            self.unplugged.emit()
        self.retry.start()

    def _failed(self, error: QProcess.ProcessError) -> None:
        if error != QProcess.ProcessError.FailedToStart or self._stopping:
            return
        self._quiet(f"pactl does not start ({error.name}): headsets are not watched")

    def _quiet(self, reason: str) -> None:
        if reason != self.problem:  # (said once: a kiosk without a sound server is no fault)
            self.problem = reason
            log.info("headset watch: %s", reason)
            self.unavailable.emit(reason)
