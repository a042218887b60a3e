"""Flow updates from the hub, applied between customers.

``FlowSync`` downloads each newly published version into a staging folder at once; the
kiosk moves them into its live folder and reloads its flows only when no customer is
there (the home screen after a reset, nothing of a visit left), so nobody ever sees a
flow change under their finger. The live folder is one of the library's folders, after
the built-in ones: published versions win, and they stay after a restart, offline too.

With a version come the names of its hub pictures (``pictures.json``, the pictures
themselves already in ``paths.hub_pictures_dir()``), and with the list of flows the ids
the office retired (``retired.json``): both move into the live folder at the same moment
as the flows, and the kiosk's pictures are looked up afresh (``kiosk.ui.widgets``).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from kiosk import paths
from kiosk.client.flowsync import VERSIONS, FlowSync, read_versions
from kiosk.customer.controller import KioskController
from kiosk.flows.library import PICTURES, RETIRED, hub_pictures, read_pictures, read_retired
from kiosk.ui.background import run_in_background
from kiosk.ui.pictures import use_hub_pictures

log = logging.getLogger(__name__)


def running_versions(ctrl: KioskController, folder: Path | None = None) -> dict[str, int]:
    """Version of each flow the kiosk runs: the hub's number for a published one, 1 for a
    built-in one."""
    folder = folder or paths.hub_flows_dir()
    published = read_versions(folder)
    out = {}
    for flow in ctrl.flows():
        source = ctrl.library.sources.get(flow.id)
        out[flow.id] = published.get(flow.id, 1) if source and source.parent == folder else 1
    return out


class FlowUpdates(QObject):
    applied = Signal(dict)  # {flow id: version} now running

    def __init__(self, ctrl: KioskController, sync: FlowSync, live: Path | None = None) -> None:
        super().__init__(ctrl)
        self.ctrl = ctrl
        self.sync = sync
        self.live = live or paths.hub_flows_dir()
        self.staged: set[str] = set()
        self.retired_staged = False  # a new list of retired flows waits
        self._loading = False
        sync.downloaded.connect(self._downloaded)
        sync.retiredChanged.connect(self._retired)
        ctrl.resetDone.connect(self.apply_if_idle)
        # downloaded before a restart but not applied yet
        live_versions = read_versions(self.live)
        for flow_id, version in read_versions(sync.folder).items():
            if live_versions.get(flow_id) != version and (sync.folder / f"{flow_id}.yaml").is_file():
                self.staged.add(flow_id)
        self.retired_staged = ((sync.folder / RETIRED).is_file()
                               and read_retired(sync.folder) != read_retired(self.live))
        use_hub_pictures(hub_pictures(self.live, sync.pictures_dir))

    def _downloaded(self, flow_id: str, _version: int) -> None:
        self.staged.add(flow_id)
        self.apply_if_idle()

    def _retired(self) -> None:
        self.retired_staged = True
        self.apply_if_idle()

    def apply_if_idle(self) -> None:
        """Move staged versions (and their pictures' names, and the retired flows) in and
        reload, if no customer is using the kiosk."""
        if not (self.staged or self.retired_staged) or self._loading or not self.ctrl.pristine:
            return
        self.live.mkdir(parents=True, exist_ok=True)
        versions = read_versions(self.live)
        staged_versions = read_versions(self.sync.folder)
        pictures, staged_pictures = read_pictures(self.live), read_pictures(self.sync.folder)
        for flow_id in sorted(self.staged):
            src = self.sync.folder / f"{flow_id}.yaml"
            if src.is_file():
                os.replace(src, self.live / f"{flow_id}.yaml")
                versions[flow_id] = staged_versions.get(flow_id, versions.get(flow_id, 1))
                pictures[flow_id] = staged_pictures.get(flow_id, {})
        self.staged.clear()
        _write(self.live / PICTURES, pictures)
        _write(self.live / VERSIONS, versions)
        if self.retired_staged:
            self.retired_staged = False
            _write(self.live / RETIRED, sorted(read_retired(self.sync.folder)))
        use_hub_pictures(hub_pictures(self.live, self.sync.pictures_dir))
        if self.live not in self.ctrl.library.folders:
            self.ctrl.library.folders.append(self.live)
        self._loading = True
        run_in_background(self.ctrl.library.load, self._loaded)

    def _loaded(self, problems: Any, error: BaseException | None) -> None:
        self._loading = False
        if error is not None:
            log.error("loading the published flows failed: %s", error)
        for issue in problems or []:
            if getattr(issue, "severity", "") == "error":
                log.error("%s", issue)
        self.ctrl.flowsChanged.emit()
        self.applied.emit(running_versions(self.ctrl, self.live))
        self.apply_if_idle()  # a version that came during the load


def _write(path: Path, data: Any) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
    os.replace(tmp, path)
