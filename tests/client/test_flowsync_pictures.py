"""FlowSync fetches a new version's hub pictures before it stages the version: checked
against their sha256, kept once, never fetched twice; a bad or missing picture stages
nothing and is tried again at the next check. It also keeps the list of retired flows
(real hub, real kiosk client)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk import paths
from kiosk.client.flowsync import FlowSync, read_versions
from kiosk.client.session import HubSession
from kiosk.flows.library import read_pictures, read_retired
from kiosk.hub.db import connect
from tests.hub.conftest import Hub, make_hub

MAGENTA = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 30">'
           b'<rect width="40" height="30" fill="#ff00ff"/></svg>')
SHA = hashlib.sha256(MAGENTA).hexdigest()
WAIT = 10_000


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    h = make_hub(tmp_path / "hub.sqlite3")
    yield h
    h.server.stop()


def with_picture(name: str) -> str:
    text = (paths.builtin_flows_dir() / "buy-stamps.yaml").read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.lstrip().startswith("image:"))
    return text.replace(old, old.split("image:")[0] + f"image: {name}", 1)


def publish_with_picture(hub: Hub, note: str = "picture") -> int:
    with hub.client("manon") as m:
        up = m.put("/pictures/magenta.svg", content=MAGENTA,
                   headers={"Content-Type": "image/svg+xml"})
        assert up.status_code in (200, 201), up.text
        saved = m.put("/flows/buy-stamps", content=with_picture("magenta.svg").encode(),
                      headers={"Content-Type": "application/yaml"})
        assert saved.status_code == 200, saved.text
        done = m.post("/flows/buy-stamps/publish", json={"note": note})
        assert done.status_code == 200, done.text
        return int(done.json()["version"])


class Recorded:
    """A FlowSync on the hub, with every path it asks for."""

    def __init__(self, hub: Hub, tmp_path: Path) -> None:
        self.session = HubSession(hub.url, hub.tokens["k1"])
        self.sync = FlowSync(self.session, tmp_path / "incoming",
                             pictures_dir=tmp_path / "pictures")
        self.asked: list[str] = []
        request = self.sync.http.request

        def recording(method: str, path: str, *args: Any, **kwargs: Any) -> None:
            self.asked.append(path)
            request(method, path, *args, **kwargs)

        self.sync.http.request = recording  # type: ignore[method-assign]

    def pictures_asked(self) -> list[str]:
        return [p for p in self.asked if p.startswith("/pictures/")]

    def close(self) -> None:
        self.sync.stop()
        self.session.close()


@pytest.fixture
def kiosk(hub: Hub, tmp_path: Path) -> Iterator[Recorded]:
    recorded = Recorded(hub, tmp_path)
    yield recorded
    recorded.close()


def test_a_version_is_staged_with_its_pictures_fetched_once(qtbot: Any, hub: Hub, kiosk: Recorded,
                                                           tmp_path: Path) -> None:
    assert publish_with_picture(hub) == 2
    kiosk.sync.start()
    qtbot.waitUntil(lambda: kiosk.sync.versions.get("buy-stamps") == 2, timeout=WAIT)
    kept = tmp_path / "pictures" / f"{SHA}.svg"
    assert kept.read_bytes() == MAGENTA
    assert read_pictures(tmp_path / "incoming")["buy-stamps"] == {"magenta.svg": SHA}
    assert read_pictures(tmp_path / "incoming")["send-parcel"] == {}
    assert kiosk.pictures_asked() == [f"/pictures/magenta.svg?sha256={SHA}"]
    # a new version naming the same picture: not fetched again
    qtbot.waitUntil(lambda: len(read_versions(tmp_path / "incoming")) == 9, timeout=WAIT)
    with qtbot.waitSignal(kiosk.sync.downloaded, timeout=WAIT) as again:
        publish_with_picture(hub, "again")
    assert again.args == ["buy-stamps", 3]
    assert len(kiosk.pictures_asked()) == 1


def test_a_bad_picture_stages_nothing_and_is_tried_again(qtbot: Any, hub: Hub, kiosk: Recorded,
                                                        tmp_path: Path) -> None:
    publish_with_picture(hub)
    db = connect(hub.db)  # the hub now sends bytes that do not match the digest
    db.execute("UPDATE pictures SET data = ?", [b"<svg/>"])
    db.conn.commit()
    kiosk.sync.start()
    qtbot.waitUntil(lambda: len(kiosk.pictures_asked()) == 1, timeout=WAIT)
    qtbot.waitUntil(lambda: not kiosk.sync._wanted, timeout=WAIT)
    assert "buy-stamps" not in read_versions(tmp_path / "incoming")
    assert len(read_versions(tmp_path / "incoming")) == 8  # the others are staged
    assert not (tmp_path / "incoming" / "buy-stamps.yaml").exists()
    assert not (tmp_path / "pictures" / f"{SHA}.svg").exists()
    # the hub is right again: the next check stages it
    db.execute("UPDATE pictures SET data = ?", [MAGENTA])
    db.conn.commit()
    db.close()
    with qtbot.waitSignal(kiosk.sync.downloaded, timeout=WAIT) as got:
        kiosk.sync.refresh()
    assert got.args == ["buy-stamps", 2]
    assert (tmp_path / "pictures" / f"{SHA}.svg").read_bytes() == MAGENTA
    assert read_versions(tmp_path / "incoming")["buy-stamps"] == 2


def test_retired_flows_are_listed_beside_the_versions(qtbot: Any, hub: Hub, kiosk: Recorded,
                                                     tmp_path: Path) -> None:
    kiosk.sync.start()
    qtbot.waitUntil(lambda: kiosk.sync.session.stream.connected, timeout=WAIT)
    with qtbot.waitSignal(kiosk.sync.retiredChanged, timeout=WAIT), hub.client("manon") as m:
        assert m.post("/flows/send-parcel/retire").status_code == 200
    assert read_retired(tmp_path / "incoming") == {"send-parcel"}
    with qtbot.waitSignal(kiosk.sync.retiredChanged, timeout=WAIT), hub.client("manon") as m:
        assert m.post("/flows/send-parcel/restore").status_code == 200
    assert json.loads((tmp_path / "incoming" / "retired.json").read_text()) == []


def test_a_full_disk_keeps_the_old_version_and_tries_again(
        qtbot: Any, hub: Hub, kiosk: Recorded, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from kiosk.client import flowsync

    real = flowsync._replace
    full: list[Path] = []

    def no_space(path: Path, data: bytes) -> None:
        if path.parent == tmp_path / "pictures":
            full.append(path)
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, data)

    monkeypatch.setattr(flowsync, "_replace", no_space)
    publish_with_picture(hub)
    kiosk.sync.start()
    qtbot.waitUntil(lambda: bool(full) and not kiosk.sync._wanted, timeout=WAIT)
    assert "buy-stamps" not in read_versions(tmp_path / "incoming")  # nothing half-staged
    assert not list((tmp_path / "pictures").glob("*"))
    monkeypatch.setattr(flowsync, "_replace", real)  # room again: the next check stages it
    with qtbot.waitSignal(kiosk.sync.downloaded, timeout=WAIT,
                          check_params_cb=lambda fid, _v: fid == "buy-stamps"):
        kiosk.sync.refresh()
    assert (tmp_path / "pictures" / f"{SHA}.svg").read_bytes() == MAGENTA
