"""Regenerate docs/screens/: every built-in flow's first two steps in fr, en and ar,
home screens, the help and workshop screens, large text and high contrast, a contact
sheet per supported screen at text size x2 (tools/contact_sheets.py); then the
poster beside the kiosk (docs/poster-kiosk.pdf and its preview, tools/poster.py).

Run by ``make screenshots``; the README and docs link these files.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kiosk import config, paths
from kiosk.customer.shots import docs_shots, render_shots
from kiosk.flows.library import FlowLibrary
from kiosk.ui import tour

OUT = Path(__file__).resolve().parents[1] / "docs" / "screens"


def main() -> int:
    library = FlowLibrary([paths.builtin_flows_dir()])
    library.load()
    flows = []
    for flow in library.ordered():
        # the start step, then the step a customer reaches next by the first choice
        first = flow.step(flow.start)
        second = next((t for t in first.targets() if not t.startswith("@")), flow.start)
        flows.append((flow.id, [flow.start] + ([second] if second != flow.start else [])))
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.png"):
        old.unlink()
    settings = config.load({"screen_size": "1920x1080"})
    tour.AUTO_START = False  # no first-login tour over the staff apps' screenshots
    files = render_shots(settings, docs_shots(OUT, flows))
    files += help_status_shots()
    files += glossary_shots()
    files += voice_shots()
    files += console_shots()
    import phone_shots  # tools/phone_shots.py: the phone console in chromium, phone size

    files += phone_shots.build(OUT)
    files += manager_shots()
    import keypad_picture  # tools/keypad_picture.py: the keypad's keys, from the key map

    files += keypad_picture.build(OUT / "keypad-map.png")
    import contact_sheets  # tools/contact_sheets.py: every supported screen at text size x2

    files += contact_sheets.build(OUT)
    import poster  # tools/poster.py: it shows the home screen just made

    files += poster.build(OUT.parent / "poster-kiosk.pdf", OUT / "poster-fr.png", OUT / "home-fr.png")
    print(f"{len(files)} screenshots in {OUT}")
    return 0


def help_status_shots() -> list[Path]:
    """The kiosk's help screen while a call is followed on the hub."""
    from kiosk.customer.app import build
    from kiosk.customer.controller import Look
    from kiosk.ui.qt import application, settle

    application(offscreen=True)
    ctrl, window = build(config.load(), lockdown=False)
    window.resize(1920, 1080)
    window.show()
    ctrl.connected = True
    out = []
    for lang, status, name in (
            ("fr", {"status": "queued", "position": 2}, "help-queued-fr.png"),
            ("ar", {"status": "claimed", "claimed_by": "aicha"}, "help-claimed-ar.png"),
            ("en", {"status": "sending"}, "help-offline-en.png")):
        ctrl.reset("screenshot")
        ctrl.look = Look(lang, 1.0, False)
        window.restyle()
        ctrl.start_flow("send-parcel")
        ctrl.call_help()
        ctrl.set_help_status(status)
        if status["status"] == "sending":
            ctrl.set_hub_online(False)
        settle()
        window.grab().save(str(OUT / name))
        out.append(OUT / name)
    window.shutdown()
    return out


def glossary_shots() -> list[Path]:
    """A step with its hard words marked, and one word's explanation opened, in French
    and Arabic."""
    from kiosk.customer.app import build
    from kiosk.customer.controller import Look
    from kiosk.ui.qt import application, settle

    application(offscreen=True)
    ctrl, window = build(config.load(), lockdown=False)
    window.resize(1920, 1080)
    window.show()
    out = []
    for lang in ("fr", "ar"):
        ctrl.reset("screenshot")
        ctrl.look = Look(lang, 1.0, False)
        window.restyle()
        ctrl.start_flow("send-parcel", "label")
        settle()
        for name in (f"glossary-step-{lang}.png", f"glossary-panel-{lang}.png"):
            if "panel" in name:
                window.step.text.buttons[0].click()
                settle()
            window.grab().save(str(OUT / name))
            out.append(OUT / name)
    window.shutdown()
    return out


def voice_shots() -> list[Path]:
    """The sound panel, a voice command being confirmed, and the voice-off state, in
    French, English and Arabic, at text size x1 and x2."""
    from kiosk.customer.app import build
    from kiosk.customer.controller import Look
    from kiosk.ui.qt import application, settle

    application(offscreen=True)
    ctrl, window = build(config.load(), lockdown=False)
    window.resize(1920, 1080)
    window.show()
    out = []

    def shot(name: str) -> None:
        settle()
        window.grab().save(str(OUT / name))
        out.append(OUT / name)

    for lang, scale in (("fr", 1.0), ("en", 1.0), ("ar", 1.0), ("fr", 2.0), ("ar", 2.0)):
        suffix = f"{lang}" + ("-x2" if scale == 2.0 else "")
        ctrl.reset("screenshot")
        ctrl.look = Look(lang, scale, False)
        window.restyle()
        ctrl.set_voice(True, "ok", True)
        ctrl.start_flow("send-parcel", "weigh")
        t = ctrl.strings.t
        window.sound_panel.show_levels(ctrl.strings, (4, 5), (3, 5), "")
        window.sound_panel.open()
        shot(f"voice-sound-{suffix}.png")
        window.sound_panel.hide()
        step = ctrl.session.current if ctrl.session else None
        label = step.choices[0].label[lang] if step is not None and step.kind == "choices" else ""
        window.listen_panel.show_state(ctrl.strings, "confirm", t("voice.heard", text=label))
        shot(f"voice-confirm-{suffix}.png")
        window.listen_panel.hide()
    ctrl.reset("screenshot")
    ctrl.set_voice(False, "unavailable: no audio output", False)
    ctrl.start_flow("send-parcel", "weigh")
    shot("voice-off-fr.png")
    window.sound_panel.show_levels(ctrl.strings, (4, 5), (3, 5), "no audio output")
    window.sound_panel.open()
    shot("voice-off-panel-fr.png")
    window.shutdown()
    return out


def console_shots() -> list[Path]:
    """The mediator console with a few calls, from an embedded hub with demo data."""
    import tempfile
    import uuid

    import httpx

    from kiosk.demo import DEMO_KIOSK, DEMO_PASSWORD, DEMO_USER, start_hub
    from kiosk.demo_robot import wait_until
    from kiosk.mediator.console import ConsoleWindow
    from kiosk.ui.qt import settle

    hub = start_hub(Path(tempfile.mkdtemp(prefix="kiosk-shots-")))
    base = f"{hub.server.url}/api/v1"
    headers = {"Authorization": f"Bearer {hub.kiosk_token}"}
    calls = [("send-parcel", "weigh", "fr", "help", None), ("use-locker", "code-how", "ar",
             "help", None), ("digital-skills", None, "pt", "workshop", "initiation")]
    for flow, step, lang, kind, level in calls:
        httpx.post(f"{base}/help-requests", headers=headers, json={
            "id": str(uuid.uuid4()), "kiosk_id": DEMO_KIOSK, "flow_id": flow, "step_id": step,
            "language": lang, "kind": kind, "level": level})
    out = []
    for lang in ("fr", "en"):
        console = ConsoleWindow(hub.server.url, lang)
        console.resize(1280, 900)
        console.show()
        console.user.setText(DEMO_USER)
        console.password.setText(DEMO_PASSWORD)
        console.log_in()
        wait_until(lambda c=console: len(c.cards) == 3)
        if lang == "fr":
            next(iter(console.cards.values())).claim.click()
            wait_until(lambda c=console: any(k.finish.isVisible() for k in c.cards.values()))
        settle()
        path = OUT / f"mediator-console-{lang}.png"
        console.grab().save(str(path))
        out.append(path)
        console.shutdown()
    hub.server.stop()
    return out


def manager_shots() -> list[Path]:
    """The manager app's pages (each tools/shots_*.py module makes its own)."""
    import importlib

    out: list[Path] = []
    for name in ("shots_dashboard", "shots_editor", "shots_office", "shots_tour", "shots_region"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        out += module.shots(OUT)
    return out


if __name__ == "__main__":
    sys.exit(main())
