"""FlowSync: keeps a kiosk's copy of the flows the office hub publishes.

At start, whenever the kiosk's stream says ``flow.published`` or comes back after a drop,
and every minute, it compares the hub's versions with the ones on disk and downloads what
changed (``GET /flows/{id}`` as YAML) into one folder, one ``<id>.yaml`` per flow plus
``versions.json``. Files are replaced atomically; the kiosk decides *when* to load them
(never in the middle of a customer's session). It shares the kiosk's one HTTP layer and
one stream with the link (:mod:`kiosk.client.link`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk.client.http import Answer
from kiosk.client.session import HubSession

VERSIONS = "versions.json"


def read_versions(folder: Path) -> dict[str, int]:
    """The versions of the flows downloaded into ``folder`` ({} when none)."""
    try:
        data = json.loads((folder / VERSIONS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): int(v) for k, v in data.items()} if isinstance(data, dict) else {}


class FlowSync(QObject):
    downloaded = Signal(str, int)  # flow id, version now on disk

    def __init__(self, session: HubSession, folder: Path, parent: QObject | None = None,
                 check_ms: int = 60_000) -> None:
        super().__init__(parent)
        self.session = session
        self.http = session.http
        stream = session.stream
        self.folder = folder
        self.versions = read_versions(folder)
        stream.message.connect(self._message)
        stream.connectionChanged.connect(self._connected)
        self.check = QTimer(self)
        self.check.setObjectName("flows-check")
        self.check.setInterval(check_ms)
        self.check.timeout.connect(self.refresh)
        self._running = False
        self._wanted: set[str] = set()  # downloads under way

    def start(self) -> None:
        """Check now and every ``check_ms``, and on every stream (re)connection."""
        self._running = True
        self.session.stream.ensure_open()
        self.refresh()
        self.check.start()

    def stop(self) -> None:
        self._running = False
        self.check.stop()

    def refresh(self) -> None:
        """Ask the hub for its versions and download every flow that differs."""
        self.http.request("GET", "/flows", None, self._listed)

    def _listed(self, answer: Answer) -> None:
        data = answer.json() if answer.status == 200 and self._running else None
        items = data.get("items") if isinstance(data, dict) else None
        for item in items if isinstance(items, list) else []:
            flow_id, version = str(item.get("id")), item.get("version")
            if isinstance(version, int) and self.versions.get(flow_id) != version:
                self.fetch(flow_id)

    def fetch(self, flow_id: str) -> None:
        """Download the current version of one flow."""
        if flow_id in self._wanted:
            return
        self._wanted.add(flow_id)
        self.http.request("GET", f"/flows/{flow_id}", None,
                          lambda answer: self._fetched(flow_id, answer),
                          accept="application/yaml")

    def _fetched(self, flow_id: str, answer: Answer) -> None:
        self._wanted.discard(flow_id)
        if answer.status != 200 or not self._running:
            return
        try:
            version = int(answer.headers.get("x-flow-version", ""))
        except ValueError:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        _replace(self.folder / f"{flow_id}.yaml", answer.body)
        self.versions[flow_id] = version
        _replace(self.folder / VERSIONS, json.dumps(self.versions, indent=1).encode())
        self.downloaded.emit(flow_id, version)

    # -- stream --------------------------------------------------------------------------
    def _message(self, message: dict[str, Any]) -> None:
        if message.get("type") == "flow.published" and self._running:
            flow = message.get("flow") or {}
            if flow.get("id") and self.versions.get(str(flow["id"])) != flow.get("version"):
                self.fetch(str(flow["id"]))

    def _connected(self, connected: bool) -> None:
        if connected and self._running:
            self.refresh()  # what was published while the stream was down


def _replace(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
