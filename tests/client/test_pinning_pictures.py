"""The manager's picture and the flow that names it travel over the documented TLS set-up:
a pinned staff client uploads, saves and publishes; a pinned kiosk downloads the version
and its picture, checked by digest (real hub on HTTPS, real Qt clients)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from kiosk.client.flowsync import FlowSync
from kiosk.client.session import HubSession
from kiosk.client.staff import StaffClient
from kiosk.flows.library import read_pictures
from tests.client.test_flowsync_pictures import MAGENTA, with_picture
from tests.hub.conftest import PASSWORD, Hub

WAIT = 15_000


def _call(qtbot: Any, client: StaffClient, method: str, path: str, **kwargs: Any) -> Any:
    answers: list[tuple[int | None, Any]] = []
    client.call(method, path, kwargs.pop("body", None), lambda s, p: answers.append((s, p)),
                **kwargs)
    qtbot.waitUntil(lambda: bool(answers), timeout=WAIT)
    return answers[0]


def test_a_picture_goes_from_a_pinned_manager_to_a_pinned_kiosk(
        qtbot: Any, https_hub: Hub, right: str, tmp_path: Path) -> None:
    manager = StaffClient(https_hub.url, follow=False, cert_sha256=right)
    session = HubSession(https_hub.url, https_hub.tokens["k1"], right)
    sync = FlowSync(session, tmp_path / "incoming", check_ms=60_000)
    try:
        with qtbot.waitSignal(manager.loggedIn, timeout=WAIT):
            manager.login("manon", PASSWORD)
        status, item = _call(qtbot, manager, "PUT", "/pictures/magenta.svg", raw=MAGENTA,
                             content_type="image/svg+xml")
        assert status == 201, item
        assert item["sha256"] == hashlib.sha256(MAGENTA).hexdigest()
        status, _ = _call(qtbot, manager, "PUT", "/flows/buy-stamps",
                          raw=with_picture("magenta.svg").encode(),
                          content_type="application/yaml")
        assert status == 200
        status, version = _call(qtbot, manager, "POST", "/flows/buy-stamps/publish",
                                body={"note": "over TLS"})
        assert status == 200, version

        sync.start()
        qtbot.waitUntil(lambda: sync.versions.get("buy-stamps") == version["version"],
                        timeout=WAIT)
        pictures = read_pictures(tmp_path / "incoming")
        assert pictures["buy-stamps"]["magenta.svg"] == item["sha256"]
        stored = list(Path(sync.pictures_dir).glob(f"{item['sha256']}.*"))
        assert [p.read_bytes() for p in stored] == [MAGENTA]  # kept once, by its digest
    finally:
        sync.stop()
        session.close()
        manager.close()
