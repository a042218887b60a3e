"""``kiosk doctor`` (``--role kiosk``, the default): is this machine ready to be a customer
kiosk? The display and the fonts, a voice per language and the audio output, the
optional microphone and vosk models, the hub (address, pinned certificate, clock, device
token), the free disk and the outbox, and the staff PIN.

Without the apps' extra (PySide6, pyttsx3, vosk) the Qt, voice and microphone checks
give way to one failed line saying what to install; the others still run.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from kiosk import config, languages, paths
from kiosk.cli import APP_MODULES
from kiosk.doctor import network, screen
from kiosk.doctor.common import Check, Settings, apps_check, free_disk, run_parts

APPS = APP_MODULES  # the kiosk needs every module of the extra


def _languages(settings: Settings) -> list[str]:
    return languages.chosen(settings["languages"])


def qt_checks(settings: Settings) -> list[Check]:
    """The real display (never an offscreen stand-in) and every language's glyphs."""
    return (screen.screen_checks("kiosk", str(settings["screen_size"]))
            + screen.font_checks(_languages(settings)))


def voice_checks(settings: Settings) -> list[Check]:
    """Speech per language (a real render), then the audio output."""
    from kiosk.voice.speaker import Speaker, SpeechError, wav_seconds

    if not settings["speech"]:
        return [Check("speech", "warn", "turned off (setting speech = false)")]
    out = []
    with tempfile.TemporaryDirectory() as cache:
        speaker = Speaker(Path(cache))
        for lang in _languages(settings):
            row = languages.get(lang)
            try:
                voice = speaker.voice_for(lang)
                seconds = wav_seconds(speaker.render(row.sample if row else "test", lang))
                out.append(Check(f"voice ({lang})", "ok", f"{voice.id}, {seconds:.1f} s of speech"))
            except SpeechError as exc:
                out.append(Check(f"voice ({lang})", "fail", str(exc), "apt install espeak-ng"))
    screen.offscreen_app()
    from PySide6.QtMultimedia import QMediaDevices

    device = QMediaDevices.defaultAudioOutput()
    out.append(Check("audio output", "fail" if device.isNull() else "ok",
                     "none" if device.isNull() else device.description(),
                     "connect speakers; check that PulseAudio or PipeWire runs for the kiosk user"
                     if device.isNull() else ""))
    return out


def listening_checks(settings: Settings) -> list[Check]:
    """Voice commands are optional: their absence only warns."""
    screen.offscreen_app()
    from PySide6.QtMultimedia import QMediaDevices

    from kiosk.voice.listener import ListenerError, find_model

    mic = QMediaDevices.defaultAudioInput()
    out = [Check("microphone", "warn" if mic.isNull() else "ok",
                 "none (voice commands stay hidden)" if mic.isNull() else mic.description())]
    for lang in _languages(settings):
        raw = str(settings.get(f"vosk_model_{lang}") or "")
        if not raw:
            continue
        try:
            out.append(Check(f"vosk model ({lang})", "ok", str(find_model(raw))))
        except ListenerError as exc:
            out.append(Check(f"vosk model ({lang})", "warn", str(exc),
                             f"fix the setting vosk_model_{lang} (see packaging/README.md)"))
    return out


def disk_checks(settings: Settings) -> list[Check]:
    """Free disk where the outbox and the speech cache live, and the outbox's backlog."""
    data = paths.data_dir()
    data.mkdir(parents=True, exist_ok=True)
    out = [free_disk(data, "the outbox and the speech cache live there")]
    outbox = data / f"outbox-{settings['kiosk_id']}.sqlite3"
    if outbox.exists():
        import sqlite3

        with sqlite3.connect(outbox) as db:
            try:
                waiting = db.execute("select count(*) from items").fetchone()[0]
            except sqlite3.Error:
                waiting = -1
        status = "ok" if 0 <= waiting < 1000 else "warn"
        out.append(Check("outbox", status, f"{waiting} item(s) waiting for the hub",
                         "" if status == "ok" else "check the hub connection"))
    return out


def pin_checks(settings: Settings) -> list[Check]:
    """The staff PIN: set, and not the one the guides print."""
    pin = str(settings.get("admin_pin") or "")
    if not pin:
        return [Check("admin PIN", "fail", "not set: 'kiosk run' refuses to start locked down",
                      "set admin_pin (4 to 8 digits) in /etc/guichet-kiosk/settings.toml")]
    if pin == config.DEMO_PIN:
        return [Check("admin PIN", "warn", "the default one",
                      "change admin_pin: the default is printed in the guides")]
    return [Check("admin PIN", "ok", "set (not the default)")]


def checks(settings: Settings) -> list[Check]:
    missing = apps_check(APPS, "the kiosk")
    parts = [network.hub_checks, disk_checks, pin_checks]
    if missing is not None:
        return [missing, *run_parts(parts, settings)]
    return run_parts([qt_checks, voice_checks, listening_checks, *parts], settings)
