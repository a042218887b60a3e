"""A kiosk follows the flows its hub publishes: it downloads a new version at once and
switches to it only between customers (real hub, real kiosk client)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk import paths
from kiosk.client.flowsync import FlowSync, read_versions
from kiosk.client.link import HubLink
from kiosk.client.outbox import Outbox
from kiosk.client.session import HubSession
from kiosk.customer.flowupdates import FlowUpdates, running_versions
from kiosk.customer.network import KioskNetwork
from kiosk.flows.library import FlowLibrary
from tests.customer.conftest import open_kiosk
from tests.hub.conftest import Hub, make_hub


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    h = make_hub(tmp_path / "hub.sqlite3")
    yield h
    h.server.stop()


def renamed_buy_stamps(title: str) -> str:
    text = (paths.builtin_flows_dir() / "buy-stamps.yaml").read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.strip().startswith("fr:"))
    return text.replace(old, old.split("fr:")[0] + f'fr: "{title}"', 1)


def publish(hub: Hub, yaml_text: str, note: str) -> int:
    with hub.client("manon") as m:
        saved = m.put("/flows/buy-stamps", content=yaml_text.encode(),
                      headers={"Content-Type": "application/yaml"})
        assert saved.status_code == 200, saved.text
        done = m.post("/flows/buy-stamps/publish", json={"note": note})
        assert done.status_code == 200, done.text
        return int(done.json()["version"])


def kiosk_info(hub: Hub) -> dict[str, Any]:
    with hub.client("manon") as m:
        return next(k for k in m.get("/kiosks").json() if k["name"] == "k1")["info"]


def test_a_new_version_waits_for_the_customer_to_leave(qtbot: Any, hub: Hub, settings: Any,
                                                       clock: Any, tmp_path: Path) -> None:
    library = FlowLibrary([paths.builtin_flows_dir()])
    library.load()
    ctrl, window = open_kiosk(qtbot, library, settings, clock, "k1")
    session = HubSession(hub.url, hub.tokens["k1"])  # one per kiosk: link and flows share it
    link = HubLink(session, "k1", Outbox(tmp_path / "outbox.sqlite3"), tick_ms=50)
    network = KioskNetwork(ctrl, link, flush_ms=100)
    sync = FlowSync(session, tmp_path / "incoming", check_ms=60_000)
    updates = FlowUpdates(ctrl, sync, live=tmp_path / "live")
    network.follow_flows(updates)
    network.start()
    try:
        old_title = ctrl.library.get("buy-stamps").title["fr"]
        ctrl.start_flow("buy-stamps")  # a customer is here
        version = publish(hub, renamed_buy_stamps("Timbres, nouvelle version"), "shorter")
        assert version == 2
        qtbot.waitUntil(lambda: "buy-stamps" in updates.staged, timeout=10_000)
        assert read_versions(tmp_path / "incoming")["buy-stamps"] == 2
        assert ctrl.session is not None
        assert ctrl.session.flow.title["fr"] == old_title
        assert ctrl.library.get("buy-stamps").title["fr"] == old_title  # not mid-visit
        ctrl.go_home()
        assert ctrl.library.get("buy-stamps").title["fr"] == old_title  # the visit goes on
        with qtbot.waitSignal(updates.applied, timeout=10_000):
            ctrl.reset("inactivity")  # the customer has left
        assert ctrl.library.get("buy-stamps").title["fr"] == "Timbres, nouvelle version"
        assert running_versions(ctrl, tmp_path / "live")["buy-stamps"] == 2
        qtbot.waitUntil(lambda: "nouvelle" in window.home.findChild(
            type(window.top.help), "flow-buy-stamps").label_text())
        qtbot.waitUntil(lambda: kiosk_info(hub).get("flows", {}).get("buy-stamps") == 2,
                        timeout=10_000)
    finally:
        network.stop()


def test_an_idle_kiosk_switches_at_once_and_rollback_too(qtbot: Any, hub: Hub, settings: Any,
                                                          clock: Any, tmp_path: Path) -> None:
    library = FlowLibrary([paths.builtin_flows_dir()])
    library.load()
    ctrl, _window = open_kiosk(qtbot, library, settings, clock, "k1")
    session = HubSession(hub.url, hub.tokens["k1"])
    sync = FlowSync(session, tmp_path / "incoming")
    FlowUpdates(ctrl, sync, live=tmp_path / "live")
    sync.start()
    try:
        def title() -> str:
            return ctrl.library.get("buy-stamps").title["fr"]

        original = title()
        publish(hub, renamed_buy_stamps("Acheter des timbres v2"), "v2")
        qtbot.waitUntil(lambda: title() == "Acheter des timbres v2", timeout=10_000)
        with hub.client("manon") as m:
            assert m.post("/flows/buy-stamps/rollback").status_code == 200
        qtbot.waitUntil(lambda: title() == original, timeout=10_000)
        assert read_versions(tmp_path / "live")["buy-stamps"] == 1
    finally:
        sync.stop()
        session.close()
