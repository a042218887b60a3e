"""Watch the flow folders and reload in the background when a file changes.

A broken file is reported (``file:line: message`` in the log and in ``problems``) and
the kiosk keeps that flow's last good version; a customer mid-flow is never disturbed
(their session holds its own copy of the flow).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from kiosk.flows.issues import Issue
from kiosk.flows.library import FlowLibrary, flow_files
from kiosk.ui.background import run_in_background

log = logging.getLogger(__name__)


class FlowWatcher(QObject):
    reloaded = Signal(list)  # the problems found, as Issue objects

    def __init__(self, library: FlowLibrary, parent: QObject | None = None,
                 delay_ms: int = 300) -> None:
        super().__init__(parent)
        self.library = library
        self.watcher = QFileSystemWatcher(self)
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(delay_ms)
        self.debounce.timeout.connect(self.reload)
        self.watcher.directoryChanged.connect(self._changed)
        self.watcher.fileChanged.connect(self._changed)
        self._busy = False
        self._watch()

    def _watch(self) -> None:
        folders = [str(f) for f in self.library.folders if f.is_dir()]
        files = [str(f) for f in flow_files(self.library.folders)]
        for group, watched in ((folders, self.watcher.directories()),
                               (files, self.watcher.files())):
            missing = [p for p in group if p not in watched]
            if missing:
                self.watcher.addPaths(missing)

    def _changed(self, _path: str) -> None:
        self.debounce.start()

    def reload(self) -> None:
        if self._busy:
            self.debounce.start()
            return
        self._busy = True
        run_in_background(self.library.load, self._done)

    def _done(self, problems: list[Issue] | None, error: BaseException | None) -> None:
        self._busy = False
        if error is not None:
            log.error("reloading flows failed: %s", error)
            problems = [Issue("<flows>", 1, "error", f"reload failed: {error}")]
        for issue in problems or []:
            if issue.severity == "error":
                log.error("%s", issue)
        self._watch()  # editors replace files: watch the new ones
        self.reloaded.emit(problems or [])

    def stop(self) -> None:
        self.debounce.stop()
