"""A kiosk shows the hub pictures of the version it runs (SVG and PNG), switches to them
between customers only, and hides the flows the office retires, built-in ones too (real
hub, real kiosk client and window)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QColor

from kiosk import paths
from kiosk.client.flowsync import FlowSync
from kiosk.client.session import HubSession
from kiosk.customer.controller import KioskController
from kiosk.customer.flowupdates import FlowUpdates
from kiosk.flows.library import FlowLibrary
from kiosk.ui.pictures import fitted_pixmap, picture_file, use_hub_pictures
from tests.customer.conftest import open_kiosk
from tests.hub.conftest import Hub, make_hub
from tests.hub.test_pictures import png, svg

WAIT = 10_000
MAGENTA = QColor(255, 0, 255)


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    h = make_hub(tmp_path / "hub.sqlite3")
    yield h
    h.server.stop()


@pytest.fixture
def following(qtbot: Any, hub: Hub, settings: Any, clock: Any,
              tmp_path: Path) -> Iterator[tuple[KioskController, FlowUpdates]]:
    """A kiosk that follows the hub, its pictures in the test's own folder."""
    library = FlowLibrary([paths.builtin_flows_dir()])
    library.load()
    ctrl, _window = open_kiosk(qtbot, library, settings, clock, "k1")
    session = HubSession(hub.url, hub.tokens["k1"])
    sync = FlowSync(session, tmp_path / "incoming", pictures_dir=tmp_path / "pictures")
    updates = FlowUpdates(ctrl, sync, live=tmp_path / "live")
    sync.start()
    yield ctrl, updates
    sync.stop()
    session.close()
    use_hub_pictures({})


def publish(hub: Hub, name: str, data: bytes, kind: str) -> int:
    text = (paths.builtin_flows_dir() / "buy-stamps.yaml").read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.lstrip().startswith("image:"))
    text = text.replace(old, old.split("image:")[0] + f"image: {name}", 1)
    with hub.client("manon") as m:
        assert m.put(f"/pictures/{name}", content=data,
                     headers={"Content-Type": kind}).status_code in (200, 201)
        assert m.put("/flows/buy-stamps", content=text.encode(),
                     headers={"Content-Type": "application/yaml"}).status_code == 200
        done = m.post("/flows/buy-stamps/publish")
        assert done.status_code == 200, done.text
        return int(done.json()["version"])


def centre(name: str) -> QColor:
    image = fitted_pixmap("pictures", name, 80, 60).toImage()
    return image.pixelColor(image.width() // 2, image.height() // 2)


def first_image(ctrl: KioskController) -> str | None:
    flow = ctrl.library.get("buy-stamps")
    return next(s.image for s in flow.steps if s.image)


def test_the_running_versions_pictures_are_drawn_svg_and_png(
        qtbot: Any, hub: Hub, following: tuple[KioskController, FlowUpdates],
        tmp_path: Path) -> None:
    ctrl, _updates = following
    ctrl.start_flow("buy-stamps")  # a customer is here: nothing changes under them
    publish(hub, "magenta.svg", svg(), "image/svg+xml")
    qtbot.waitUntil(lambda: (tmp_path / "incoming" / "buy-stamps.yaml").is_file(), timeout=WAIT)
    assert first_image(ctrl) != "magenta.svg"
    ctrl.reset("inactivity")
    qtbot.waitUntil(lambda: first_image(ctrl) == "magenta.svg", timeout=WAIT)
    assert Path(picture_file("pictures", "magenta.svg")).parent == tmp_path / "pictures"
    assert centre("magenta.svg") == MAGENTA

    publish(hub, "dot.png", png(8, 6, (0, 128, 255)), "image/png")
    qtbot.waitUntil(lambda: first_image(ctrl) == "dot.png", timeout=WAIT)
    assert picture_file("pictures", "dot.png").endswith(".png")
    assert centre("dot.png") == QColor(0, 128, 255)
    assert fitted_pixmap("pictures", "dot.png", 80, 80).size().width() == 80  # aspect kept
    assert fitted_pixmap("pictures", "dot.png", 80, 80).size().height() == 60
    # a built-in picture is still the shipped one
    assert picture_file("pictures", "counter.svg") == str(paths.asset("pictures", "counter.svg"))


def test_a_retired_flow_is_hidden_between_customers_even_a_built_in_one(
        qtbot: Any, hub: Hub, following: tuple[KioskController, FlowUpdates]) -> None:
    ctrl, updates = following
    qtbot.waitUntil(lambda: not updates.sync._wanted, timeout=WAIT)
    ctrl.start_flow("send-parcel")
    with hub.client("manon") as m:
        assert m.post("/flows/send-parcel/retire", json={"note": "machine gone"}).status_code == 200
    qtbot.waitUntil(lambda: updates.retired_staged, timeout=WAIT)
    assert "send-parcel" in ctrl.library.flows  # the customer goes on
    with qtbot.waitSignal(updates.applied, timeout=WAIT):
        ctrl.reset("inactivity")
    assert "send-parcel" not in ctrl.library.flows
    assert "send-parcel" not in {f.id for f in ctrl.flows()}
    with qtbot.waitSignal(updates.applied, timeout=WAIT), hub.client("manon") as m:
        assert m.post("/flows/send-parcel/restore").status_code == 200
    assert "send-parcel" in ctrl.library.flows
