"""Budget: in audio-only mode, a touch to the start of the touched element's speech,
p95 <= 150 ms.

A real kiosk (controller and window, offscreen 1920x1080) with its real voice (KioskSpeech,
SpeechOutput, the Speaker driving espeak-ng, the AudioPlayer) playing into a private
PulseAudio null sink, its audio-only mode on. A sample is the time from just before a
touch is handed to Qt (a QTouchEvent through the window, as a touch screen sends it) to
``SpeechOutput.started`` (the first samples of the element's words handed to the audio
output). Touches land on the centre of every element of a screen (buttons, texts,
pictures, those a finger can reach without scrolling), on the home screen and on the
first step of every built-in flow, in the kiosk's languages (``--quick``: two screens).
Between touches the voice is idle and silent, and touches are 3 s apart on the mode's
clock (a touch, never a second touch or a double tap).

- prefetched: what a customer gets: a screen is shown, the mode renders the words of its
  elements ahead (and the kiosk the next steps), then the finger comes;
- uncached: each element's words never rendered before (a fresh speech cache, nothing
  rendered ahead): the touch renders them.

Baseline in the same run: a bare QSoundEffect of its own playing a fresh copy of one of
the element WAVs (``setSource`` and ``play`` to ``playingChanged``): what any Qt program
pays to start a WAV from the disk. ``click_ms``: the touch to the start of the click that
comes first.

Verdict: prefetched and uncached p95 within the budget, no voice failure, and every touch
said something.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import bare_play_ms, main_with_sound, pump, quick, summary, wait_until  # noqa: E402

BUDGET_P95_MS = 150.0


class Bench:
    """A kiosk with its real voice and its audio-only mode on, timestamps only added."""

    def __init__(self, folder: Path) -> None:
        from kiosk.ui.qt import application

        self.app = application(offscreen=True)
        from PySide6.QtTest import QTest

        from kiosk import config, paths
        from kiosk.customer.controller import KioskController
        from kiosk.customer.explore import ExploreMode
        from kiosk.customer.speech import KioskSpeech
        from kiosk.customer.window import KioskWindow
        from kiosk.flows.library import FlowLibrary
        from kiosk.ui.audio import AudioPlayer
        from kiosk.ui.speech import SpeechOutput
        from kiosk.voice.speaker import Speaker

        library = FlowLibrary([paths.builtin_flows_dir()])
        library.load()
        self.ctrl = KioskController(library, "bench-kiosk")
        self.window = KioskWindow(self.ctrl, config.load({"stuck_after": 0,
                                                          "inactivity_seconds": 3600}),
                                  lockdown=False)
        self.window.resize(1920, 1080)
        self.window.show()
        self.folder = folder
        self.speaker = Speaker(folder / "cache-prefetched", cache_limit_mb=4096)
        self.out = SpeechOutput(self.speaker, AudioPlayer(self.window))
        self.speech = KioskSpeech(self.ctrl, self.window, self.out)
        self.now = 1000.0
        self.mode = ExploreMode(self.ctrl, self.window, self.out, clock=lambda: self.now)
        self.device = QTest.createTouchDevice()
        self.failures: Counter[str] = Counter()
        self.at: dict[str, float] = {}
        self.out.started.connect(lambda: self.at.setdefault("speech", time.perf_counter()))
        self.mode.click.started.connect(lambda: self.at.setdefault("click", time.perf_counter()))
        self.mode.spoken.connect(lambda words: self.at.setdefault("spoken", time.perf_counter()))
        wait_until(self.app, lambda: self.window.guard_installed)

    def idle(self) -> None:
        """Nothing rendering, then silence (between samples)."""
        from PySide6.QtCore import QThreadPool

        pool = QThreadPool.globalInstance()
        wait_until(self.app, lambda: pool.activeThreadCount() == 0 and not self.out.busy
                   and not self.speech.prefetch_pending and not self.mode.prefetch_pending, 60.0)
        self.out.stop()
        self.mode.click.stop()
        wait_until(self.app, lambda: not self.out.player.playing)
        problem = self.out.problem(self.ctrl.look.language)
        if problem:  # a failure turns the voice off, as in the kiosk: counted, then on again
            self.failures[problem] += 1
            self.out.retry()
        pump(self.app)

    def touch(self, element: Any) -> dict[str, float] | None:
        """Milliseconds from a touch on ``element``'s centre to each mark, or None when
        the voice failed or nothing was said."""
        at = element.mapTo(self.window, element.rect().center())
        self.now += 3.0
        self.at = {}
        t0 = time.perf_counter()
        from PySide6.QtTest import QTest

        QTest.touchEvent(self.window, self.device, False).press(0, at, self.window).commit()
        # the element's words are asked for within the touch ("spoken"): nothing asked, no wait
        wait_until(self.app, lambda: "speech" in self.at or "spoken" not in self.at
                   or bool(self.out.problem(self.ctrl.look.language)), signal=self.out.started)
        QTest.touchEvent(self.window, self.device, False).release(0, at, self.window).commit()
        if "spoken" not in self.at:
            self.failures["a touch said nothing"] += 1
            return None
        if "speech" not in self.at:
            self.failures[self.out.problem(self.ctrl.look.language) or "no audio start"] += 1
            self.out.retry()
            return None
        return {k: (v - t0) * 1000 for k, v in self.at.items()}

    def close(self) -> None:
        self.idle()
        self.mode.stop()
        self.window.shutdown()
        self.window.close()
        pump(self.app)


def screens(b: Bench) -> list[tuple[str, str | None, str | None]]:
    """(language, flow id, step id) of the screens touched: home, then the first step of
    every flow (``None``: the home screen), in each language."""
    shown: list[tuple[str, str | None, str | None]] = []
    for lang in b.ctrl.languages:
        shown.append((lang, None, None))
        for flow in b.ctrl.flows():
            shown.append((lang, flow.id, flow.start))
    if quick():
        return [shown[0], shown[1]]
    return shown


def reachable(b: Bench) -> list[Any]:
    """The screen's elements a finger can reach at their centre (not scrolled away, not
    under another one)."""
    from kiosk.customer.spoken import element_of

    found = []
    for element in b.mode.elements():
        at = element.mapTo(b.window, element.rect().center())
        under = b.window.childAt(at)
        if b.window.rect().contains(at) and under is not None and element_of(under) is element:
            found.append(element)
    return found


def show(b: Bench, lang: str, flow_id: str | None, step_id: str | None) -> None:
    if b.ctrl.look.language != lang:
        b.ctrl.go_home()
        b.ctrl.set_language(lang)
    if flow_id is None:
        b.ctrl.go_home()
    else:
        b.ctrl.start_flow(flow_id, step_id)
    pump(b.app)


def measure(b: Bench, shown: list[tuple[str, str | None, str | None]],
            prefetched: bool) -> tuple[list[dict[str, float]], list[str]]:
    """A touch on every element of every screen; the WAVs in the cache (the baseline's)."""
    b.mode.prefetch_ahead = prefetched
    b.speech.render_ahead = prefetched
    rows: list[dict[str, float]] = []
    said: list[str] = []
    for i, (lang, flow_id, step_id) in enumerate(shown):
        if not prefetched:  # a fresh cache for each screen: its words were never rendered
            b.speaker.cache_dir = b.folder / f"cache-uncached-{i}"
        show(b, lang, flow_id, step_id)
        b.idle()  # the customer finds the screen; the kiosk renders ahead meanwhile
        for element in reachable(b):
            row = b.touch(element)
            if row is not None:
                rows.append(row)
            b.idle()
        said += [str(p) for p in b.speaker.cache_dir.glob("*.wav")]
    return rows, sorted(set(said))


def bare_qsoundeffect(b: Bench, wavs: list[str], n: int) -> list[float]:
    from PySide6.QtCore import QUrl
    from PySide6.QtMultimedia import QSoundEffect

    effect = QSoundEffect()
    began: list[float] = []
    effect.playingChanged.connect(lambda: effect.isPlaying() and began.append(time.perf_counter()))
    samples = []
    for i, wav in enumerate(wavs[:n]):
        copy = b.folder / f"bare-{i}.wav"
        shutil.copyfile(wav, copy)
        ms = bare_play_ms(b.app, effect, copy, b.out.volume, began)
        if ms is not None:
            samples.append(ms)
    effect.setSource(QUrl())
    return samples


def run(folder: Path) -> dict[str, Any]:
    b = Bench(folder)
    b.out.say(b.ctrl.strings.t("home.welcome"), "fr")  # warm-up (engine, audio output)
    wait_until(b.app, lambda: b.out.player.playing or bool(b.out.problem()), 30.0)
    b.idle()
    warm_failures = sum(b.failures.values())
    b.failures.clear()
    b.mode.turn_on("bench", announce=False)
    shown = screens(b)
    prefetched, wavs = measure(b, shown, prefetched=True)
    uncached, _ = measure(b, shown, prefetched=False)
    bare = bare_qsoundeffect(b, wavs, 20 if quick() else 100)
    b.close()

    pre = summary([r["speech"] for r in prefetched]) if prefetched else None
    unc = summary([r["speech"] for r in uncached]) if uncached else None
    clicks = [r["click"] for r in prefetched + uncached if "click" in r]
    failed = sum(b.failures.values())
    ok_pre = pre is not None and pre["p95"] <= BUDGET_P95_MS
    ok_unc = unc is not None and unc["p95"] <= BUDGET_P95_MS
    return {"benchmark": "explore_touch_to_speech_ms",
            "prefetched": {"ours": pre, "budget_p95_ms": BUDGET_P95_MS, "ok": ok_pre},
            "uncached": {"ours": unc, "budget_p95_ms": BUDGET_P95_MS, "ok": ok_unc},
            "baseline_bare_qsoundeffect": summary(bare) if bare else None,
            "click_ms": summary(clicks) if clicks else None,
            "screens": len(shown), "touches": len(prefetched) + len(uncached),
            "voice_failures": failed, "warm_up_failures": warm_failures,
            "failure_reasons": dict(b.failures),
            "ok": failed == 0 and ok_pre and ok_unc}


def main() -> None:
    main_with_sound("explore_touch_to_speech_ms", run)


if __name__ == "__main__":
    main()
