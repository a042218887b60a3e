"""The real kiosk screen for the editor's preview: the draft is written to a folder of its
own and ``kiosk screenshot`` (the customer kiosk itself, in another process: the manager
app does not import the kiosk) draws the step to a PNG. One render at a time; a newer
request replaces a waiting one; nothing blocks the window. The hub's pictures this
manager has (``pictures``) go with the draft, laid out as a kiosk keeps them
(``pictures.json`` beside the flows, the files by sha256 in its data folder).
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, Signal
from PySide6.QtGui import QPixmap


class KioskRenderer(QObject):
    rendered = Signal(QPixmap)  # the real kiosk screen
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.folder = Path(tempfile.mkdtemp(prefix="kiosk-preview-"))
        self.process: QProcess | None = None
        self.waiting: tuple[str, str, str, str, float] | None = None
        self.renders = 0
        self.pictures: Callable[[], dict[str, tuple[str, str]]] | None = None  # name -> (sha256, file)

    def render(self, flow_id: str, yaml_text: str, step_id: str, language: str,
               scale: float) -> None:
        """Draw ``step_id`` of this draft as the kiosk would (the newest request wins)."""
        self.waiting = (flow_id, yaml_text, step_id, language, scale)
        if self.process is None:
            self._start()

    def _start(self) -> None:
        if self.waiting is None:
            return
        flow_id, text, step_id, language, scale = self.waiting
        self.waiting = None
        flows = self.folder / "flows"
        shutil.rmtree(flows, ignore_errors=True)
        flows.mkdir(parents=True)
        (flows / f"{flow_id}.yaml").write_text(text, encoding="utf-8")
        self._hand_pictures(flow_id, flows)
        out = self.folder / "screen.png"
        out.unlink(missing_ok=True)
        env = QProcessEnvironment.systemEnvironment()
        env.insert("KIOSK_FLOWS_DIR", str(flows))
        env.insert("KIOSK_CACHE_DIR", str(self.folder / "cache"))
        env.insert("KIOSK_DATA_DIR", str(self.folder / "data"))
        env.insert("QT_QPA_PLATFORM", "offscreen")
        process = QProcess(self)
        process.setProcessEnvironment(env)
        process.finished.connect(lambda code, _status: self._done(process, code, out))
        self.process = process
        process.start(sys.executable, ["-m", "kiosk.cli", "screenshot", "--flow", flow_id,
                                       "--step", step_id, "--lang", language,
                                       "--text-size", f"{scale:g}", "--out", str(out)])

    def picture_names(self) -> frozenset[str]:
        """The hub pictures a draft may name (for the check before a render)."""
        return frozenset(self.pictures() if self.pictures is not None else ())

    def _hand_pictures(self, flow_id: str, flows: Path) -> None:
        """The hub's pictures, where the kiosk looks for them (``kiosk.flows.library``)."""
        given = self.pictures() if self.pictures is not None else {}
        if not given:
            return
        kept, live = self.folder / "data" / "hub-pictures", self.folder / "data" / "hub-flows"
        kept.mkdir(parents=True, exist_ok=True)
        live.mkdir(parents=True, exist_ok=True)
        for name, (sha256, file) in given.items():
            target = kept / f"{sha256}{Path(name).suffix.lower()}"
            if not target.exists():
                shutil.copyfile(file, target)
        names = json.dumps({flow_id: {name: sha for name, (sha, _f) in given.items()}})
        for folder in (flows, live):
            (folder / "pictures.json").write_text(names, encoding="utf-8")

    def _done(self, process: QProcess, code: int, out: Path) -> None:
        self.process = None
        process.deleteLater()
        if self.waiting is not None:  # something newer was asked meanwhile
            self._start()
            return
        pixmap = QPixmap(str(out)) if code == 0 else QPixmap()
        if pixmap.isNull():
            error = bytes(process.readAllStandardError().data()).decode("utf-8", "replace")
            self.failed.emit(error.strip().splitlines()[-1] if error.strip() else f"exit {code}")
            return
        self.renders += 1
        self.rendered.emit(pixmap)

    @property
    def busy(self) -> bool:
        """A render is running or waiting."""
        return self.process is not None or self.waiting is not None

    def shutdown(self) -> None:
        self.waiting = None
        if self.process is not None:
            self.process.kill()
            self.process.waitForFinished(3000)
            self.process = None
        shutil.rmtree(self.folder, ignore_errors=True)
