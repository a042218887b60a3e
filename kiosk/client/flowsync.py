"""FlowSync: keeps a kiosk's copy of the flows the office hub publishes.

At start, whenever the kiosk's stream says ``flow.published`` or comes back after a drop,
and every minute, it compares the hub's versions with the ones on disk and downloads what
changed (``GET /flows/{id}`` as YAML) into one folder, one ``<id>.yaml`` per flow plus
``versions.json``. Files are replaced atomically; the kiosk decides *when* to load them
(never in the middle of a customer's session). It shares the kiosk's one HTTP layer and
one stream with the link (:mod:`kiosk.client.link`).

A version's hub pictures (``X-Flow-Pictures``: name -> sha256) are downloaded first
(``GET /pictures/{name}?sha256=``), checked against their digest and kept once by sha256
in the pictures folder (a picture already there is not fetched again); only then is the
version staged, its pictures' names in ``pictures.json`` beside it. A picture that fails
(offline, cut, wrong digest) leaves nothing staged: the next check tries again, and the
kiosk runs what it had. The ids of the flows the office retired go to ``retired.json``
(``retiredChanged``) at each check and when the stream says ``flow.retired`` or
``flow.restored``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk import paths
from kiosk.client.http import Answer
from kiosk.client.session import HubSession
from kiosk.flows.library import PICTURES, RETIRED, picture_file, read_pictures, read_retired

log = logging.getLogger(__name__)

VERSIONS = "versions.json"
SHA256 = re.compile(r"^[0-9a-f]{64}$")
PICTURE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}\.(svg|png)$")


def read_versions(folder: Path) -> dict[str, int]:
    """The versions of the flows downloaded into ``folder`` ({} when none)."""
    try:
        data = json.loads((folder / VERSIONS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): int(v) for k, v in data.items()} if isinstance(data, dict) else {}


def pictures_of(answer: Answer) -> dict[str, str] | None:
    """The ``X-Flow-Pictures`` of a flow's answer ({} without one), None when malformed."""
    try:
        data = json.loads(answer.headers.get("x-flow-pictures") or "{}")
    except ValueError:
        return None
    if not isinstance(data, dict) or not all(
            isinstance(k, str) and PICTURE_NAME.match(k) and isinstance(v, str)
            and SHA256.match(v) for k, v in data.items()):
        return None
    return data


@dataclass
class _Pending:
    """A version downloaded, waiting for its pictures before it is staged."""

    version: int
    body: bytes
    pictures: dict[str, str]
    missing: set[str] = field(default_factory=set)


class FlowSync(QObject):
    downloaded = Signal(str, int)  # flow id, version now on disk (its pictures too)
    retiredChanged = Signal()  # noqa: N815 - Qt signal: retired.json changed

    def __init__(self, session: HubSession, folder: Path, parent: QObject | None = None,
                 check_ms: int = 60_000, pictures_dir: Path | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.http = session.http
        stream = session.stream
        self.folder = folder
        self.pictures_dir = pictures_dir or paths.hub_pictures_dir()
        self.versions = read_versions(folder)
        self._pending: dict[str, _Pending] = {}
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
        if not isinstance(items, list):
            return
        items = [i for i in items if isinstance(i, dict)]
        for item in items:
            flow_id, version = str(item.get("id")), item.get("version")
            if isinstance(version, int) and self.versions.get(flow_id) != version:
                self.fetch(flow_id)
        retired = sorted(str(i.get("id")) for i in items if i.get("retired") is True)
        if set(retired) != read_retired(self.folder):
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                _replace(self.folder / RETIRED, json.dumps(retired).encode())
            except OSError as exc:
                log.warning("the list of retired flows was not kept (tried again at the "
                            "next check): %s", exc)
                return
            self.retiredChanged.emit()

    def fetch(self, flow_id: str) -> None:
        """Download the current version of one flow."""
        if flow_id in self._wanted:
            return
        self._wanted.add(flow_id)
        self.http.request("GET", f"/flows/{flow_id}", None,
                          lambda answer: self._fetched(flow_id, answer),
                          accept="application/yaml")

    def _fetched(self, flow_id: str, answer: Answer) -> None:
        pictures = pictures_of(answer)
        if answer.status != 200 or not self._running or pictures is None:
            self._wanted.discard(flow_id)
            return
        try:
            version = int(answer.headers.get("x-flow-version", ""))
        except ValueError:
            self._wanted.discard(flow_id)
            return
        pending = _Pending(version, answer.body, pictures, {
            name for name, sha in pictures.items()
            if not picture_file(self.pictures_dir, name, sha).is_file()})
        if not pending.missing:
            self._stage(flow_id, pending)
            return
        self._pending[flow_id] = pending
        for name in sorted(pending.missing):
            self._fetch_picture(flow_id, name, pictures[name])

    def _fetch_picture(self, flow_id: str, name: str, sha: str) -> None:
        self.http.request("GET", f"/pictures/{quote(name)}?sha256={sha}", None,
                          lambda answer: self._picture(flow_id, name, sha, answer),
                          accept="image/svg+xml, image/png")

    def _picture(self, flow_id: str, name: str, sha: str, answer: Answer) -> None:
        pending = self._pending.get(flow_id)
        if pending is None:
            return  # an earlier picture of this version failed: all retried next time
        if not (answer.status == 200 and self._running
                and hashlib.sha256(answer.body).hexdigest() == sha):
            del self._pending[flow_id]  # nothing staged: the next check tries again
            self._wanted.discard(flow_id)
            return
        try:
            self.pictures_dir.mkdir(parents=True, exist_ok=True)
            _replace(picture_file(self.pictures_dir, name, sha), answer.body)
        except OSError as exc:  # a full disk: the old version runs on; tried again later
            log.warning("picture %s of flow %s not kept (tried again at the next check): %s",
                        name, flow_id, exc)
            del self._pending[flow_id]
            self._wanted.discard(flow_id)
            return
        pending.missing.discard(name)
        if not pending.missing:
            del self._pending[flow_id]
            self._stage(flow_id, pending)

    def _stage(self, flow_id: str, pending: _Pending) -> None:
        """The version on disk with its pictures' names, announced."""
        self._wanted.discard(flow_id)
        versions = {**self.versions, flow_id: pending.version}
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _replace(self.folder / f"{flow_id}.yaml", pending.body)
            pictures = read_pictures(self.folder)
            pictures[flow_id] = pending.pictures
            _replace(self.folder / PICTURES, json.dumps(pictures, indent=1).encode())
            _replace(self.folder / VERSIONS, json.dumps(versions, indent=1).encode())
        except OSError as exc:  # versions.json unchanged: the next check downloads it again
            log.warning("version %s of flow %s not kept (tried again at the next check): %s",
                        pending.version, flow_id, exc)
            return
        self.versions = versions
        self.downloaded.emit(flow_id, pending.version)

    # -- stream --------------------------------------------------------------------------
    def _message(self, message: dict[str, Any]) -> None:
        if not self._running:
            return
        if message.get("type") == "flow.published":
            flow = message.get("flow") or {}
            if flow.get("id") and self.versions.get(str(flow["id"])) != flow.get("version"):
                self.fetch(str(flow["id"]))
        elif message.get("type") in ("flow.retired", "flow.restored"):
            self.refresh()  # the list says which flows are retired

    def _connected(self, connected: bool) -> None:
        if connected and self._running:
            self.refresh()  # what was published while the stream was down


def _replace(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all (a full disk leaves no half file behind)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        with suppress(OSError):
            tmp.unlink()
        raise
