"""``kiosk doctor``: is this machine ready to be a kiosk? A table of checks, each failure
with the fix to apply. Exit code 1 when a required check fails; optional parts (voice
commands, a hub) only warn.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from kiosk import config, paths

#: a word in each language, drawn to prove the fonts have its glyphs
SAMPLES = {"fr": "Étape à l’écran", "en": "Step", "ar": "الخطوة التالية", "es": "Señal",
           "pt": "Ligação"}


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # "ok", "warn" or "fail"
    detail: str
    fix: str = ""


def qt_checks(settings: dict[str, Any]) -> list[Check]:
    from PySide6.QtGui import QGuiApplication

    from kiosk.ui.qt import application

    app = application(offscreen=True)
    screen = QGuiApplication.primaryScreen()
    platform = QGuiApplication.platformName()
    size = screen.size() if screen is not None else None
    want = str(settings["screen_size"])
    checks = [Check("Qt platform", "ok", platform)]
    if size is None:
        checks.append(Check("screen", "fail", "no screen", "connect a screen, or start the kiosk session"))
    else:
        shown = f"{size.width()}x{size.height()}"
        small = min(size.width(), size.height()) < 720 and platform != "offscreen"
        checks.append(Check("screen", "warn" if small else "ok", shown + f" (kiosk layout {want})",
                            "use a screen of at least 1280x720" if small else ""))
    checks += font_checks()
    del app
    return checks


def font_checks() -> list[Check]:
    """Every language's sample drawn with the kiosk's font: no missing glyph."""
    from PySide6.QtGui import QFont, QFontMetrics

    from kiosk.ui.theme import FONT_FAMILY

    metrics = QFontMetrics(QFont(FONT_FAMILY, 20))
    out = []
    for lang, text in SAMPLES.items():
        missing = [c for c in text if not c.isspace() and not metrics.inFontUcs4(ord(c))]
        found = f"no glyph for {''.join(missing)}" if missing else "all glyphs"
        out.append(Check(f"font ({lang})", "fail" if missing else "ok", f"{FONT_FAMILY}: {found}",
                         "apt install fonts-dejavu-core" if missing else ""))
    return out


def voice_checks(settings: dict[str, Any]) -> list[Check]:
    """Speech per language (a real render), then the audio output."""
    import tempfile

    from kiosk.voice.speaker import Speaker, SpeechError, wav_seconds

    if not settings["speech"]:
        return [Check("speech", "warn", "turned off (setting speech = false)")]
    out = []
    with tempfile.TemporaryDirectory() as cache:
        speaker = Speaker(Path(cache))
        for lang in [c.strip() for c in str(settings["languages"]).split(",") if c.strip()]:
            try:
                voice = speaker.voice_for(lang)
                seconds = wav_seconds(speaker.render(SAMPLES.get(lang, "test"), lang))
                out.append(Check(f"voice ({lang})", "ok", f"{voice.id}, {seconds:.1f} s of speech"))
            except SpeechError as exc:
                out.append(Check(f"voice ({lang})", "fail", str(exc), "apt install espeak-ng"))
    from PySide6.QtMultimedia import QMediaDevices

    device = QMediaDevices.defaultAudioOutput()
    out.append(Check("audio output", "fail" if device.isNull() else "ok",
                     "none" if device.isNull() else device.description(),
                     "connect speakers; check that PulseAudio or PipeWire runs for the kiosk user"
                     if device.isNull() else ""))
    return out


def listening_checks(settings: dict[str, Any]) -> list[Check]:
    """Voice commands are optional: their absence only warns."""
    from PySide6.QtMultimedia import QMediaDevices

    from kiosk.voice.listener import ListenerError, find_model

    mic = QMediaDevices.defaultAudioInput()
    out = [Check("microphone", "warn" if mic.isNull() else "ok",
                 "none (voice commands stay hidden)" if mic.isNull() else mic.description())]
    for lang in [c.strip() for c in str(settings["languages"]).split(",") if c.strip()]:
        raw = str(settings.get(f"vosk_model_{lang}") or "")
        if not raw:
            continue
        try:
            out.append(Check(f"vosk model ({lang})", "ok", str(find_model(raw))))
        except ListenerError as exc:
            out.append(Check(f"vosk model ({lang})", "warn", str(exc),
                             f"fix the setting vosk_model_{lang} (see packaging/README.md)"))
    return out


def tls_check(url: str, pin: str) -> tuple[Check, Any]:
    """The hub's address and certificate (pinned by hub_cert_sha256, else judged by the
    system's authorities), and the urllib opener that keeps to them (None: go no further,
    the token must not be sent)."""
    import hashlib
    import socket
    import ssl
    import urllib.request
    from urllib.parse import urlsplit

    from kiosk.hub import tls

    problem = config.hub_url_problem(url)
    if problem:
        return Check("tls", "fail", problem, "set hub_url to https://HUB:PORT (the hub needs a "
                     "certificate: kiosk hub make-cert)"), None
    parts = urlsplit(url)
    if parts.scheme == "http":
        return Check("tls", "ok", "plain HTTP on this machine (127.0.0.1)"), urllib.request.build_opener()
    host, port = str(parts.hostname), parts.port or 443
    unreachable = ("check the network and that 'kiosk hub' runs on the hub machine")
    try:
        with socket.create_connection((host, port), timeout=5) as raw, \
                tls.pinned_context().wrap_socket(raw, server_hostname=host) as conn:
            seen = hashlib.sha256(conn.getpeercert(binary_form=True) or b"").hexdigest()
        if not pin:
            with socket.create_connection((host, port), timeout=5) as raw, \
                    ssl.create_default_context().wrap_socket(raw, server_hostname=host):
                pass
    except ssl.SSLCertVerificationError as exc:
        return Check("tls", "fail", f"the hub's certificate is not trusted by this system "
                     f"({exc.verify_message})", f"compare its SHA-256 fingerprint "
                     f"{config.format_sha256(seen)} with the one 'kiosk hub make-cert' printed "
                     "on the hub, then set hub_cert_sha256"), None
    except OSError as exc:
        return Check("hub", "fail", f"{url} unreachable ({exc})", unreachable), None
    if not pin:
        return Check("tls", "ok", "certificate trusted by this system (not pinned: "
                     "hub_cert_sha256 is empty)"), urllib.request.build_opener()
    try:
        want = config.parse_sha256(pin)
    except ValueError as exc:
        return Check("tls", "fail", f"setting hub_cert_sha256: {exc}", "fix the setting"), None
    if seen != want:
        return Check("tls", "fail", f"the hub's certificate has the SHA-256 fingerprint "
                     f"{config.format_sha256(seen)}, not the pinned {config.format_sha256(want)}",
                     "if the hub's certificate was replaced, set hub_cert_sha256 to what 'kiosk "
                     "hub make-cert' printed; else something stands between this machine and "
                     "the hub"), None
    return (Check("tls", "ok", f"certificate SHA-256 {config.format_sha256(seen)}, as pinned"),
            tls.pinned_opener(want))


def hub_checks(settings: dict[str, Any]) -> list[Check]:
    import urllib.error
    import urllib.request
    from email.utils import parsedate_to_datetime

    url, token = str(settings["hub_url"]), str(settings["hub_token"])
    if not url:
        return [Check("hub", "warn", "none configured: help calls send people to the counter",
                      "set hub_url and hub_token (kiosk hub add-kiosk NAME)")]
    secure, opener = tls_check(url, str(settings.get("hub_cert_sha256") or ""))
    if opener is None:
        return [secure]
    base = url.rstrip("/") + "/api/v1"
    try:
        with opener.open(base + "/health", timeout=5) as reply:
            skew = abs(parsedate_to_datetime(reply.headers["date"]).timestamp() - time.time())
    except (OSError, urllib.error.URLError, TypeError, ValueError) as exc:
        return [Check("hub", "fail", f"{url} unreachable ({exc})",
                      "check the network and that 'kiosk hub' runs on the hub machine")]
    out = [secure, Check("hub", "ok", url),
           Check("clock", "fail" if skew > 60 else "ok", f"{skew:.0f} s apart from the hub",
                 "turn on time sync (systemd-timesyncd)" if skew > 60 else "")]
    request = urllib.request.Request(f"{base}/kiosks/{settings['kiosk_id']}/heartbeat",
                                     data=json.dumps({"outbox": 0}).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {token}",
                                              "Content-Type": "application/json"})
    try:
        with opener.open(request, timeout=5):
            out.append(Check("token", "ok", f"kiosk '{settings['kiosk_id']}' accepted"))
    except urllib.error.HTTPError as exc:
        out.append(Check("token", "fail", f"refused ({exc.code})",
                         "make a new token with 'kiosk hub add-kiosk NAME' and set hub_token"))
    except OSError as exc:
        out.append(Check("token", "fail", str(exc), "check the network"))
    return out


def disk_checks(settings: dict[str, Any]) -> list[Check]:
    data = paths.data_dir()
    data.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(data).free / 1e9
    out = [Check("free disk", "fail" if free < 0.5 else "ok", f"{free:.1f} GB in {data}",
                 "free some space (the outbox and the speech cache live there)" if free < 0.5 else "")]
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


def run_checks(settings: dict[str, Any]) -> list[Check]:
    checks: list[Check] = []
    parts: list[Callable[[dict[str, Any]], list[Check]]] = [
        qt_checks, voice_checks, listening_checks, hub_checks, disk_checks]
    for part in parts:
        try:
            checks += part(settings)
        except Exception as exc:  # a check that breaks is a failed check, not a crash
            checks.append(Check(part.__name__.replace("_checks", ""), "fail", f"check failed: {exc}"))
    return checks


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the checks as JSON.")
def doctor(as_json: bool) -> None:
    """Check this machine: screen, fonts, voices, audio, microphone, hub, disk.

    \b
    Example:
        kiosk doctor
    """
    checks = run_checks(config.load())
    if as_json:
        click.echo(json.dumps([c.__dict__ for c in checks], ensure_ascii=False, indent=2))
    else:
        width = max(len(c.name) for c in checks)
        marks = {"ok": "ok  ", "warn": "warn", "fail": "FAIL"}
        for c in checks:
            click.echo(f"{marks[c.status]}  {c.name:<{width}}  {c.detail}")
            if c.fix:
                click.echo(f"      {'':<{width}}  fix: {c.fix}")
    if any(c.status == "fail" for c in checks):
        raise SystemExit(1)
