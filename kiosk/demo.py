"""``kiosk demo``: the whole product on one machine. An embedded hub (its own database
in the user data folder), a windowed kiosk and a mediator console already logged in.
Without a screen, a robot customer walks a flow and calls a mediator, an offscreen
console answers, and every screen is written as a PNG while each step is printed."""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from kiosk import config, paths

DEMO_KIOSK = "demo-kiosk"
DEMO_USER = "aicha"
DEMO_PASSWORD = "demo-mediatrice"
DEMO_MANAGER = "manon"
DEMO_MANAGER_PASSWORD = "demo-responsable"


@dataclass
class DemoHub:
    server: Any  # kiosk.hub.server.HubServer
    kiosk_token: str
    fresh: bool = False  # made just now (no data yet)


def start_hub(folder: Path) -> DemoHub:
    """The embedded hub, with a demo kiosk, a demo mediator and a demo manager made on
    first run."""
    from kiosk.hub import auth
    from kiosk.hub.db import connect, migrate
    from kiosk.hub.server import HubServer

    folder.mkdir(parents=True, exist_ok=True)
    db_path = folder / "hub.sqlite3"
    token_file = folder / "kiosk.token"
    db = connect(db_path)
    migrate(db)
    fresh = not token_file.exists()
    if fresh:
        with db.atomic():
            token_file.write_text(auth.add_kiosk(db, DEMO_KIOSK), encoding="utf-8")
            auth.add_user(db, DEMO_USER, "mediator", DEMO_PASSWORD)
    if not db.execute("SELECT 1 FROM users WHERE name = ?", [DEMO_MANAGER]).fetchone():
        with db.atomic():
            auth.add_user(db, DEMO_MANAGER, "manager", DEMO_MANAGER_PASSWORD)
    db.close()
    port = 8765 if _free(8765) else 0
    server = HubServer(db_path, port=port, realert_after=90.0).start()
    return DemoHub(server, token_file.read_text(encoding="utf-8").strip(), fresh)


def seed_demo(hub: DemoHub, echo: Callable[[str], None]) -> None:
    """Three weeks of made-up visits, help calls and workshop referrals, so that the
    manager's dashboard has something to show (once, in a new demo database)."""
    from kiosk.demo_data import login, seed

    counts = seed(hub.server.url, hub.kiosk_token, DEMO_KIOSK,
                  login(hub.server.url, DEMO_USER, DEMO_PASSWORD), db_path=hub.server.db)
    echo(f"demo data: {counts['visits']} visits, {counts['help_calls']} help calls")


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def kiosk_settings(hub: DemoHub) -> dict[str, Any]:
    return config.load({"hub_url": hub.server.url, "hub_token": hub.kiosk_token,
                        "kiosk_id": DEMO_KIOSK, "admin_pin": config.DEMO_PIN})


def quit_on_close(app: Any) -> Any:
    """An event filter that quits the demo when either of its windows is closed (made
    here, not at import: this module also serves the command line, which needs no Qt)."""
    from PySide6.QtCore import QEvent, QObject

    class Filter(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Close:
                app.quit()
            return False

    return Filter(app)


def run_windowed(echo: Callable[[str], None], with_manager: bool = False) -> int:
    from PySide6.QtCore import QTimer

    from kiosk.customer.app import build, screen_size
    from kiosk.customer.network import connect_to_hub
    from kiosk.mediator.console import ConsoleWindow
    from kiosk.ui.qt import application

    app = application()
    hub = start_hub(paths.data_dir() / "demo")
    echo(f"hub: {hub.server.url}  (database {hub.server.db})")
    echo(f"mediator: {DEMO_USER} / {DEMO_PASSWORD}  (phone console: {hub.server.url}/console/)")
    echo(f"manager: {DEMO_MANAGER} / {DEMO_MANAGER_PASSWORD}  (kiosk manager --hub {hub.server.url})")
    if hub.fresh:
        seed_demo(hub, echo)
    settings = kiosk_settings(hub)
    ctrl, kiosk = build(settings, lockdown=False)
    network = connect_to_hub(ctrl, settings)
    w, h = screen_size(settings)
    area = app.primaryScreen().availableGeometry()
    console_w = 880
    kiosk.setGeometry(area.x(), area.y(), max(1024, min(w, area.width() - console_w)),
                      min(h, area.height()))
    kiosk.show()
    from kiosk.customer.speech import attach_voice

    QTimer.singleShot(0, kiosk, lambda: attach_voice(ctrl, kiosk, settings))
    console = ConsoleWindow(hub.server.url)
    # side by side when the screen allows, else the console on the right edge, on top
    console.setGeometry(area.x() + area.width() - console_w, area.y(), console_w,
                        min(800, area.height()))
    console.show()
    console.user.setText(DEMO_USER)
    console.password.setText(DEMO_PASSWORD)
    console.log_in()
    manager = open_manager(hub, area) if with_manager else None

    def stop() -> None:
        if network is not None:
            network.stop()
        if manager is not None:
            manager.shutdown()
        console.shutdown()
        kiosk.shutdown()
        hub.server.stop()

    closing = quit_on_close(app)
    for window in (kiosk, console, manager):
        if window is not None:
            window.installEventFilter(closing)
    app.aboutToQuit.connect(stop)
    return app.exec()


def demo_manager_window(url: str, language: str = "fr",
                        size: tuple[int, int] = (1600, 1000)) -> Any:
    """The manager app, shown and logging in as the demo manager (demo, screenshots)."""
    from kiosk.manager.app import ManagerWindow

    window = ManagerWindow(url, language)
    window.resize(*size)
    window.show()
    window.user.setText(DEMO_MANAGER)
    window.password.setText(DEMO_MANAGER_PASSWORD)
    window.log_in()
    return window


def open_manager(hub: DemoHub, area: Any) -> Any:
    """The manager app, logged in as the demo manager, over the other windows."""
    manager = demo_manager_window(hub.server.url)
    manager.setGeometry(area.x() + 60, area.y() + 60, min(1600, area.width() - 120),
                        min(1000, area.height() - 120))
    return manager


def run_headless(out: Path, echo: Callable[[str], None]) -> list[Path]:
    """The robot demo; returns the PNG files written, in order."""
    from kiosk.demo_robot import Robot

    return Robot(out, echo).run()


@click.command()
@click.option("--headless", is_flag=True, help="No window: a robot customer and an offscreen "
              "console, with every screen saved as a PNG.")
@click.option("--out", "out", default="demo-out", show_default=True,
              type=click.Path(file_okay=False), help="Folder for --headless screenshots.")
@click.option("--manager", "with_manager", is_flag=True,
              help="Open the manager app too (dashboard, flow editor, workshops).")
def demo_command(headless: bool, out: str, with_manager: bool) -> None:
    """Try everything on one machine: an embedded hub, a kiosk and a mediator console
    (and the manager app with --manager); a new demo hub gets three weeks of made-up data.

    On a machine with no screen it says so and runs the headless demo instead.

    \b
    Example:
        kiosk demo
    """
    from kiosk.ui.qt import has_display

    if headless or not has_display():
        if not headless:
            click.echo("No screen found: running the headless demo (robot customer, "
                       "offscreen console) and saving every screen as a PNG.")
        from kiosk.demo import run_headless

        files = run_headless(Path(out), click.echo)
        click.echo(f"{len(files)} screenshots written to {Path(out).resolve()}")
        return
    from kiosk.demo import run_windowed

    sys.exit(run_windowed(click.echo, with_manager))
