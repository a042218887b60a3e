"""The headless demo: a robot customer and an offscreen mediator console, for real,
against the embedded hub. Each step is printed and each screen saved as a PNG."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QWidget

from kiosk.customer.app import build
from kiosk.customer.network import connect_to_hub
from kiosk.demo import DEMO_PASSWORD, DEMO_USER, kiosk_settings, start_hub
from kiosk.mediator.console import ConsoleWindow
from kiosk.ui.qt import application, settle


def wait_until(condition: Callable[[], bool], seconds: float = 15.0) -> bool:
    """Run the event loop until ``condition()`` holds (or the time is up)."""
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(30)
    timer.timeout.connect(lambda: condition() and loop.quit())
    deadline = QTimer()
    deadline.setSingleShot(True)
    deadline.timeout.connect(loop.quit)
    timer.start()
    deadline.start(int(seconds * 1000))
    if not condition():
        loop.exec()
    timer.stop()
    deadline.stop()
    return condition()


class Robot:
    def __init__(self, out: Path, echo: Callable[[str], None]) -> None:
        self.out = out
        self.echo = echo
        self.files: list[Path] = []

    def shot(self, widget: QWidget, name: str) -> None:
        settle()
        path = self.out / f"{len(self.files) + 1:02d}-{name}.png"
        widget.grab().save(str(path))
        self.files.append(path)

    def run(self) -> list[Path]:
        app = application(offscreen=True)
        self.out.mkdir(parents=True, exist_ok=True)
        hub = start_hub(Path(tempfile.mkdtemp(prefix="kiosk-demo-")))
        self.echo(f"hub: embedded on {hub.server.url}")
        settings = kiosk_settings(hub)
        ctrl, kiosk = build(settings, lockdown=False)
        network = connect_to_hub(ctrl, settings)
        kiosk.resize(1920, 1080)
        kiosk.show()
        from kiosk.ui import tour

        tour.AUTO_START = False  # the robot's pictures show the console, not its tour
        console = ConsoleWindow(hub.server.url)
        console.resize(1280, 800)
        console.show()
        try:
            self._story(ctrl, kiosk, console)
        finally:
            if network is not None:
                network.stop()
            console.shutdown()
            kiosk.shutdown()
            hub.server.stop()
            app.processEvents()
        return self.files

    def _story(self, ctrl, kiosk, console) -> None:  # type: ignore[no-untyped-def]
        say = self.echo
        console.user.setText(DEMO_USER)
        console.password.setText(DEMO_PASSWORD)
        console.log_in()
        wait_until(lambda: console.client.connected)
        say(f"console: {DEMO_USER} logged in, connected to the hub")
        self.shot(kiosk, "kiosk-home")
        ctrl.start_flow("send-parcel")
        say("customer: taps 'Envoyer un colis'")
        self.shot(kiosk, "kiosk-step-1")
        ctrl.advance()
        say(f"customer: on step '{ctrl.session.current_id}'")
        self.shot(kiosk, "kiosk-step-2")
        ctrl.call_help()
        say("customer: taps 'Appeler un médiateur'")
        wait_until(lambda: ctrl.help_status.get("status") == "queued")
        say(f"kiosk: {ctrl.help_text()}")
        self.shot(kiosk, "kiosk-help-sent")
        wait_until(lambda: bool(console.cards))
        card = next(iter(console.cards.values()))
        say(f"console: new call from {card.request['kiosk_id']} — {card.where.text()}")
        self.shot(console, "console-new-call")
        card.claim.click()
        wait_until(lambda: ctrl.help_status.get("status") == "claimed")
        say(f"kiosk: {ctrl.help_text()}")
        self.shot(kiosk, "kiosk-mediator-coming")
        self.shot(console, "console-claimed")
        card.finish.click()
        card.outcome_buttons["helped"].click()
        wait_until(lambda: not console.cards)
        say("console: call resolved (helped)")
        self.shot(console, "console-done")
