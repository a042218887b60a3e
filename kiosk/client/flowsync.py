"""FlowSync: keeps a kiosk's copy of the flows the office hub publishes.

At start and whenever the hub's stream says ``flow.published``, it compares the hub's
versions with the ones on disk and downloads what changed (``GET /flows/{id}`` as YAML)
into one folder, one ``<id>.yaml`` per flow plus ``versions.json``. Files are replaced
atomically; the kiosk decides *when* to load them (never in the middle of a customer's
session). The stream reconnects with ``?since=`` after a drop; a periodic check covers
a stream that is down.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, QUrl, Signal
from PySide6.QtNetwork import QNetworkReply, QNetworkRequest

from kiosk.client.tls import HubAccess

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

    def __init__(self, hub_url: str, token: str, folder: Path, parent: QObject | None = None,
                 check_ms: int = 60_000, reconnect_ms: int = 3000,
                 cert_sha256: str | None = None) -> None:
        super().__init__(parent)
        self.base = hub_url.rstrip("/") + "/api/v1"
        self.token = token
        self.folder = folder
        self.versions = read_versions(folder)
        self.seq = 0
        # checks the hub's certificate (cert_sha256, else the setting hub_cert_sha256)
        self.nam = HubAccess(hub_url, cert_sha256, self)
        self._handlers: dict[QNetworkReply, Callable[[QNetworkReply], None]] = {}
        self.nam.finished.connect(self._finished)
        self.ws = self.nam.websocket(self)
        self.ws.textMessageReceived.connect(self._message)
        self.ws.disconnected.connect(self._dropped)
        self.check = QTimer(self)
        self.check.setInterval(check_ms)
        self.check.timeout.connect(self.refresh)
        self.retry = QTimer(self)
        self.retry.setSingleShot(True)
        self.retry.setInterval(reconnect_ms)
        self.retry.timeout.connect(self._open_stream)
        self._closing = False
        self._wanted: set[str] = set()  # downloads under way

    def start(self) -> None:
        self._closing = False
        self.refresh()
        self._open_stream()
        self.check.start()

    def stop(self) -> None:
        self._closing = True
        self.check.stop()
        self.retry.stop()
        self.ws.close()
        for reply in list(self._handlers):
            reply.abort()

    # -- HTTP ----------------------------------------------------------------------------
    def _get(self, path: str, done: Callable[[QNetworkReply], None], yaml: bool = False) -> None:
        req = QNetworkRequest(QUrl(self.base + path))
        req.setRawHeader(b"Authorization", f"Bearer {self.token}".encode())
        req.setTransferTimeout(15000)
        if yaml:
            req.setRawHeader(b"Accept", b"application/yaml")
        self._handlers[self.nam.get(req)] = done

    def _finished(self, reply: QNetworkReply) -> None:
        done = self._handlers.pop(reply, None)
        if done is not None and not self._closing:
            done(reply)
        reply.deleteLater()

    def refresh(self) -> None:
        """Ask the hub for its versions and download every flow that differs."""
        self._get("/flows", self._listed)

    def _listed(self, reply: QNetworkReply) -> None:
        if _status(reply) != 200:
            return
        try:
            items = json.loads(bytes(reply.readAll().data()))["items"]
        except (ValueError, KeyError, TypeError):
            return
        for item in items:
            flow_id, version = str(item.get("id")), item.get("version")
            if isinstance(version, int) and self.versions.get(flow_id) != version:
                self.fetch(flow_id)

    def fetch(self, flow_id: str) -> None:
        """Download the current version of one flow."""
        if flow_id in self._wanted:
            return
        self._wanted.add(flow_id)
        self._get(f"/flows/{flow_id}", lambda reply: self._fetched(flow_id, reply), yaml=True)

    def _fetched(self, flow_id: str, reply: QNetworkReply) -> None:
        self._wanted.discard(flow_id)
        if _status(reply) != 200:
            return
        try:
            version = int(bytes(reply.rawHeader("X-Flow-Version").data()))
        except ValueError:
            return
        text = bytes(reply.readAll().data())
        self.folder.mkdir(parents=True, exist_ok=True)
        _replace(self.folder / f"{flow_id}.yaml", text)
        self.versions[flow_id] = version
        _replace(self.folder / VERSIONS, json.dumps(self.versions, indent=1).encode())
        self.downloaded.emit(flow_id, version)

    # -- stream --------------------------------------------------------------------------
    def _open_stream(self) -> None:
        if self._closing:
            return
        url = self.base.replace("http", "ws", 1) + f"/stream?token={self.token}&since={self.seq}"
        self.ws.abort()
        self.ws.open(QUrl(url))

    def _message(self, text: str) -> None:
        try:
            message: dict[str, Any] = json.loads(text)
        except ValueError:
            return
        self.seq = max(self.seq, int(message.get("seq") or 0))
        if message.get("type") == "flow.published":
            flow = message.get("flow") or {}
            if flow.get("id") and self.versions.get(str(flow["id"])) != flow.get("version"):
                self.fetch(str(flow["id"]))

    def _dropped(self) -> None:
        if not self._closing:
            self.retry.start()


def _status(reply: QNetworkReply) -> int | None:
    value = reply.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute)
    return int(value) if value else None


def _replace(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
