"""The kiosk's help screen against a real hub: sent, position, who is coming, cancel;
honest when offline; and the offer of help to a customer stuck on a step."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from kiosk.client.link import HubLink
from kiosk.client.outbox import Outbox
from kiosk.client.session import HubSession
from kiosk.customer.controller import OUTCOME, KioskController
from kiosk.customer.network import KioskNetwork
from kiosk.customer.window import KioskWindow
from tests.customer.conftest import open_kiosk, tap
from tests.hub.conftest import Hub, make_hub
from tests.hub.test_faults import free_port


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    h = make_hub(tmp_path / "hub.sqlite3")
    yield h
    h.server.stop()


@contextmanager
def networked(qtbot: Any, library: Any, settings: dict[str, Any], clock: Any, url: str,
              token: str, tmp_path: Path
              ) -> Iterator[tuple[KioskController, KioskWindow, KioskNetwork]]:
    """A kiosk linked to a hub (fast timers); the link is stopped on the way out."""
    ctrl, window = open_kiosk(qtbot, library, settings, clock, "k1")
    link = HubLink(HubSession(url, token), "k1", Outbox(tmp_path / "outbox.sqlite3"),
                   tick_ms=50)
    network = KioskNetwork(ctrl, link, flush_ms=100)
    network.start()
    try:
        yield ctrl, window, network
    finally:
        network.stop()


def status_text(window: KioskWindow) -> str:
    return window.outcome.status.text()


def test_call_then_a_mediator_is_coming_then_cancel(qtbot: Any, hub: Hub, library: Any,
                                                    settings: Any, clock: Any,
                                                    tmp_path: Path) -> None:
    with networked(qtbot, library, settings, clock, hub.url, hub.tokens["k1"],
                   tmp_path) as (ctrl, window, network):
        ctrl.start_flow("use-locker")
        tap(qtbot, window.top.help, clock)
        assert ctrl.screen == OUTCOME
        qtbot.waitUntil(lambda: "numéro 1" in status_text(window), timeout=10_000)
        with hub.client("aicha") as a:
            queued = a.get("/help-requests").json()["items"]
            assert [(r["flow_id"], r["step_id"]) for r in queued] == [
                ("use-locker", ctrl.session.current_id)]
            a.post(f"/help-requests/{queued[0]['id']}/claim")
        qtbot.waitUntil(lambda: status_text(window) == "Aicha arrive pour vous aider.",
                        timeout=10_000)
        cancel = window.outcome.findChild(type(window.top.help), "help-cancel")
        tap(qtbot, cancel, clock)
        assert status_text(window) == "Votre appel est annulé."
        qtbot.waitUntil(lambda: len(network.link.outbox) == 0, timeout=10_000)
        with hub.client("aicha") as a:
            assert a.get(f"/help-requests/{queued[0]['id']}").json()["status"] == "cancelled"
        qtbot.waitUntil(lambda: hub_events(hub) >= 4, timeout=10_000)  # the visit reached it


def test_the_call_carries_its_text_and_says_when_nobody_is_free(
        qtbot: Any, hub: Hub, library: Any, settings: Any, clock: Any, tmp_path: Path) -> None:
    """The call carries the step's text in French and the customer's language (consoles
    show it, not their own copy of the flow); with no mediator on duty the kiosk says
    nobody is free, and says it no more once one comes on duty."""
    import websockets.sync.client as ws_client

    with networked(qtbot, library, settings, clock, hub.url, hub.tokens["k1"],
                   tmp_path) as (ctrl, window, network):
        network.link.heartbeat_info["flows"] = {"use-locker": 4}  # (as connect_to_hub sets)
        ctrl.set_language("en")
        ctrl.start_flow("use-locker")
        step = ctrl.session.current
        tap(qtbot, window.top.help, clock)
        qtbot.waitUntil(lambda: "Nobody is free" in status_text(window), timeout=10_000)
        with hub.client("aicha") as a:
            (queued,) = a.get("/help-requests").json()["items"]
        assert queued["step_text_fr"] == step.text["fr"]
        assert queued["step_text"] == step.text["en"]
        assert queued["flow_title_fr"] == ctrl.session.flow.title["fr"]
        assert queued["flow_version"] == 4
        url = hub.url.replace("http", "ws") + "/api/v1/stream"
        with ws_client.connect(url, subprotocols=["guichet", hub.tokens["aicha"]]):
            qtbot.waitUntil(lambda: "number 1" in status_text(window)
                            and "Nobody" not in status_text(window), timeout=10_000)


def hub_events(hub: Hub) -> int:
    from kiosk.hub.db import connect

    conn = connect(hub.db)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM events").fetchone()[0])
    finally:
        conn.close()


def test_offline_says_so_and_keeps_the_call(qtbot: Any, library: Any, settings: Any,
                                            clock: Any, tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    with networked(qtbot, library, settings, clock, dead, "token",
                   tmp_path) as (ctrl, window, network):
        ctrl.start_flow("send-parcel")
        tap(qtbot, window.top.help, clock)
        qtbot.waitUntil(lambda: status_text(window).startswith("Pas de connexion"),
                        timeout=10_000)
        assert network.link.outbox.count("help") == 1


def test_offline_too_long_the_call_is_cancelled_behind_itself(qtbot: Any, library: Any,
                                                              clock: Any, tmp_path: Path) -> None:
    """After help_offline_wait the kiosk sends the customer to the counter and queues the
    cancel behind the call in the outbox: when the hub comes back it records both, and no
    mediator walks to an empty kiosk."""
    from kiosk import config

    dead = f"http://127.0.0.1:{free_port()}"
    settings = config.load({"inactivity_seconds": 0.2, "more_time_seconds": 0.3,
                            "help_offline_wait": 0.5})
    with networked(qtbot, library, settings, clock, dead, "token",
                   tmp_path) as (ctrl, window, network):
        ctrl.start_flow("send-parcel")
        tap(qtbot, window.top.help, clock)
        qtbot.waitUntil(lambda: status_text(window).startswith("Pas de connexion"),
                        timeout=10_000)
        qtbot.waitUntil(lambda: status_text(window).startswith("La connexion ne revient pas"),
                        timeout=10_000)
        assert network.link.outbox.count("help") == 1
        assert network.link.outbox.count("cancel") == 1
        assert "help-cancel" not in [b.objectName() for b in window.outcome.buttons]
        ctrl.reset("test")


def test_waiting_for_a_mediator_is_not_inactivity(qtbot: Any, hub: Hub, library: Any,
                                                  settings: Any, clock: Any,
                                                  tmp_path: Path) -> None:
    with networked(qtbot, library, settings, clock, hub.url, hub.tokens["k1"],
                   tmp_path) as (ctrl, window, network):
        ctrl.start_flow("send-parcel")
        ctrl.call_help()
        window._idle_timeout()
        assert not window.more_time.isVisible()
        assert ctrl.screen == OUTCOME
    window.idle.stop()


def test_stuck_on_a_step_is_offered_help(qtbot: Any, library: Any, clock: Any) -> None:
    from kiosk import config

    ctrl, window = open_kiosk(qtbot, library, config.load({"stuck_after": 0.2}), clock, "k1")
    ctrl.start_flow("buy-stamps")
    qtbot.waitUntil(lambda: window.offer.isVisible(), timeout=5000)
    assert window.offer.question.text() == "Voulez-vous de l'aide ?"
    tap(qtbot, window.offer.yes, clock)
    assert ctrl.screen == OUTCOME
    assert "help" in ctrl.events.types()


def test_voice_state_reaches_the_hub_with_the_heartbeat(qtbot: Any, hub: Hub, library: Any,
                                                        settings: Any, clock: Any,
                                                        tmp_path: Path) -> None:
    with networked(qtbot, library, settings, clock, hub.url, hub.tokens["k1"],
                   tmp_path) as (ctrl, _window, network):
        ctrl.set_voice(False, "unavailable: no audio output", False)
        network.link.send_heartbeat()

        def voice_on_hub() -> str:
            with hub.client("aicha") as a:
                kiosk = next(k for k in a.get("/kiosks").json() if k["name"] == "k1")
            return str(kiosk["info"].get("voice"))

        qtbot.waitUntil(lambda: voice_on_hub() == "unavailable: no audio output", timeout=10_000)
