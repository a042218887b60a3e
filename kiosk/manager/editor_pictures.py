"""The pictures a step may show: the built-in ones (``assets/pictures``) and the hub's,
with thumbnails, and the import that sends a new one to the hub.

``HubPictures`` reads the hub's list (``GET /pictures``), fetches the pictures this
manager has not seen yet into the local cache (by sha256, in the background) and
uploads a picked file (``PUT /pictures/{name}``): made ready off the UI thread, a name
clash answered by offering the next free name, the hub's refusals said in plain words.
Nothing is written into the package's assets: kiosks get a picture from the hub with the
flow version that names it. The cached files are also handed to ``kiosk.ui.pictures``
(``use_hub_pictures``), so that the live preview draws a hub picture as a kiosk does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QComboBox, QWidget

from kiosk import paths
from kiosk.client.http import Answer
from kiosk.client.staff import StaffClient, detail
from kiosk.manager.editor_dialogs import ConfirmDialog
from kiosk.manager.editor_fields import shrinkable
from kiosk.manager.editor_picture_files import (
    PictureError,
    Prepared,
    builtin_names,
    cached_path,
    free_name,
    prepare,
    store,
)
from kiosk.ui.background import run_in_background
from kiosk.ui.pictures import svg_pixmap, use_hub_pictures

log = logging.getLogger(__name__)
Named = Callable[[str], None]


def _thumbnail(path: Path, size: int) -> QPixmap:
    """A picture file drawn in a square of ``size`` px, aspect kept (transparent around)."""
    pm = QPixmap(size, size)
    pm.fill(QColor(0, 0, 0, 0))
    if path.suffix.lower() == ".svg":
        r = QSvgRenderer(str(path))
        if not r.isValid():
            return pm
        vb = r.viewBoxF()
        w, h = (vb.width(), vb.height()) if not vb.isEmpty() else (size, size)
        k = min(size / w, size / h)
        painter = QPainter(pm)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        r.render(painter, QRectF((size - w * k) / 2, (size - h * k) / 2, w * k, h * k))
        painter.end()
        return pm
    image = QPixmap(str(path))
    if image.isNull():
        return pm
    scaled = image.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio,
                          Qt.TransformationMode.SmoothTransformation)
    painter = QPainter(pm)
    painter.drawPixmap((size - scaled.width()) // 2, (size - scaled.height()) // 2, scaled)
    painter.end()
    return pm


class HubPictures(QObject):
    """The hub's pictures (``items``: name -> its entry) and their local copies."""

    changed = Signal()  # the list or a thumbnail changed: pickers show it again
    message = Signal(str, bool)  # words for the manager, and whether something went wrong
    busyChanged = Signal(bool)  # an upload started (True) or ended

    def __init__(self, client: StaffClient | None, t: Callable[..., str],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.client, self.t = client, t
        self.items: dict[str, dict[str, Any]] = {}
        self.builtin = builtin_names()
        self.loading = 0  # hub calls and cache writes on their way
        self.uploading = ""  # the name being sent, "" when none
        self.question: ConfirmDialog | None = None
        self._icons: dict[tuple[str, int], QIcon] = {}

    @property
    def busy(self) -> bool:
        return bool(self.loading or self.uploading)

    # -- what a step may show ------------------------------------------------------------
    def names(self) -> list[str]:
        """Built-in and hub pictures, by name."""
        return sorted({*self.builtin, *self.items})

    def hub_names(self) -> frozenset[str]:
        """Pictures the validator finds beyond the assets."""
        return frozenset(self.items)

    def path_of(self, name: str) -> Path | None:
        """Where this manager has the picture's bytes (built-in first), None if nowhere yet."""
        if name in self.builtin:
            return paths.asset("pictures", name)
        entry = self.items.get(name)
        path = cached_path(str(entry["sha256"]), name) if entry else None
        return path if path is not None and path.is_file() else None

    def icon(self, name: str, size: int) -> QIcon:
        if name in self.builtin and name.endswith(".svg"):
            return QIcon(svg_pixmap("pictures", name, size))
        path = self.path_of(name)
        if path is None:
            return QIcon()
        key = (path.name, size)
        if key not in self._icons:
            self._icons[key] = QIcon(_thumbnail(path, size))
        return self._icons[key]

    # -- reading the hub -----------------------------------------------------------------
    def refresh(self) -> None:
        """Read the hub's list, then fetch the pictures not in the cache yet."""
        if self.client is None:
            return
        self.loading += 1
        self.client.call("GET", "/pictures", done=self._listed)

    def _listed(self, status: int | None, payload: Any) -> None:
        self.loading -= 1
        if status != 200 or not isinstance(payload, dict):  # the built-in ones stay: said once in the log
            log.info("the hub's pictures are not listed: %s", detail(status, payload))
            return
        self.items = {str(i["name"]): i for i in payload.get("items") or [] if isinstance(i, dict)}
        self._files_changed()
        for name, entry in self.items.items():
            if self.path_of(name) is None:
                self._fetch(name, str(entry["sha256"]))

    def _fetch(self, name: str, sha256: str) -> None:
        if self.client is None:
            return
        self.loading += 1

        def fetched(answer: Answer) -> None:
            if answer.status != 200:
                self.loading -= 1
                return  # no thumbnail: the name is still listed
            run_in_background(lambda: store(sha256, name, answer.body), self._stored)

        self.client.http.request("GET", f"/pictures/{name}?sha256={sha256}", done=fetched,
                                 accept="image/svg+xml, image/png")

    def _stored(self, _result: Any, error: BaseException | None) -> None:
        self.loading -= 1
        if error is None:
            self._files_changed()

    def files(self) -> dict[str, str]:
        """Hub picture name -> its cached file, for those this manager has."""
        return {name: str(path) for name in self.items if (path := self.path_of(name)) is not None}

    def by_sha(self) -> dict[str, tuple[str, str]]:
        """Hub picture name -> (sha256, cached file), for the real kiosk's preview."""
        return {name: (str(self.items[name]["sha256"]), file) for name, file in self.files().items()}

    def _files_changed(self) -> None:
        use_hub_pictures(self.files())  # the preview draws them from now on
        self.changed.emit()

    # -- sending a picture ---------------------------------------------------------------
    def upload(self, source: Path, parent: QWidget, done: Named) -> None:
        """Make ``source`` ready, send it, then ``done(name)`` (only when the hub has it)."""
        if self.uploading:
            self.message.emit(self.t("pictures.wait"), True)
            return
        self._busy(source.name)
        self.message.emit(self.t("pictures.preparing", file=source.name), False)
        self.loading += 1

        def ready(result: Any, error: BaseException | None) -> None:
            self.loading -= 1
            if isinstance(error, PictureError):
                self._failed(self.t(f"pictures.{error.key}", **error.params))
            elif error is not None or not isinstance(result, Prepared):
                self._failed(self.t("pictures.unreadable", file=source.name, why=str(error)))
            else:
                self._name_then_send(result, parent, done)

        run_in_background(lambda: prepare(source), ready)

    def _name_then_send(self, picture: Prepared, parent: QWidget, done: Named) -> None:
        entry = self.items.get(picture.name)
        if entry is not None and entry.get("sha256") == picture.sha256:
            self._end()  # the hub has this very picture under this name
            self.message.emit(self.t("pictures.already", name=picture.name), False)
            done(picture.name)
            return
        if picture.name in self.builtin or entry is not None:
            self._offer(picture, free_name(picture.name, {*self.builtin, *self.items}), parent, done)
            return
        self._send(picture, parent, done)

    def _offer(self, picture: Prepared, other: str, parent: QWidget, done: Named) -> None:
        """Another picture has this name: offer the next free one."""
        self.question = box = ConfirmDialog(
            self.t("pictures.clash_title"), self.t("pictures.clash", name=picture.name, other=other),
            self.t("pictures.clash_yes", other=other), self.t("publish.cancel"), safe=True,
            parent=parent, name="pictureClash")
        box.accepted.connect(lambda: self._send(picture.renamed(other), parent, done))
        box.rejected.connect(self._cancelled)
        box.open()

    def _cancelled(self) -> None:
        self._end()
        self.message.emit(self.t("pictures.cancelled"), False)

    def _send(self, picture: Prepared, parent: QWidget, done: Named) -> None:
        if self.client is None:
            self._failed(self.t("pictures.failed", why="no hub"))
            return
        self._busy(picture.name)
        size = self.t("pictures.size", mb=f"{len(picture.data) / 1_048_576:.1f}".replace(
            ".", self.t("pictures.decimal")))
        self.message.emit(self.t("pictures.sending", name=picture.name, size=size), False)

        def sent(status: int | None, payload: Any) -> None:
            self.loading -= 1
            if status in (200, 201) and isinstance(payload, dict):
                self.items[picture.name] = {**payload, "name": picture.name}
                self.loading += 1

                def kept(result: Any, error: BaseException | None) -> None:
                    self._stored(result, error)  # the preview finds it before the step names it
                    self._end()
                    self.message.emit(self.t("pictures.sent", name=picture.name), False)
                    done(picture.name)

                run_in_background(lambda: store(picture.sha256, picture.name, picture.data), kept)
            elif status == 409:  # a built-in name, or someone was faster: another name
                self.items.setdefault(picture.name, {"name": picture.name, "sha256": ""})
                self._offer(picture, free_name(picture.name, {*self.builtin, *self.items}), parent, done)
            else:
                self._failed(self.refusal(status, payload))

        self.loading += 1
        self.client.call("PUT", f"/pictures/{picture.name}", done=sent,
                         content_type=picture.media_type, raw=picture.data)

    def refusal(self, status: int | None, payload: Any) -> str:
        """The hub's refusal of a picture, in the manager's words."""
        if status == 413:
            return self.t("pictures.too_big", file="")
        if status == 422:
            return self.t("pictures.refused", why=_hub_words(payload))
        return self.t("pictures.failed", why=detail(status, payload))

    def _busy(self, name: str) -> None:
        was = bool(self.uploading)
        self.uploading = name
        if not was:
            self.busyChanged.emit(True)

    def _end(self) -> None:
        if self.uploading:
            self.uploading = ""
            self.busyChanged.emit(False)

    def _failed(self, words: str) -> None:
        self._end()
        self.message.emit(words, True)


def _hub_words(payload: Any) -> str:
    """The message of a 422: ``detail`` as a text, or its items' messages."""
    found = payload.get("detail") if isinstance(payload, dict) else payload
    if isinstance(found, list):
        return " ; ".join(str(i.get("msg", i)) if isinstance(i, dict) else str(i) for i in found)
    return str(found or "")


def picture_combo(pictures: HubPictures, current: str | None, none_label: str,
                  on_change: Callable[[str | None], None], icon_px: int = 40) -> QComboBox:
    """A drop-down of the built-in and hub pictures, each with its thumbnail (an unknown
    current name is kept, so that the validator can point at it)."""
    combo = shrinkable(QComboBox())
    combo.setObjectName("picturesCombo")
    combo.setIconSize(QSize(icon_px, icon_px))
    combo.setMaxVisibleItems(14)
    fill_pictures(combo, pictures, current, none_label, icon_px)
    combo.currentIndexChanged.connect(lambda _i: on_change(combo.currentData()))
    return combo


def fill_pictures(combo: QComboBox, pictures: HubPictures, current: str | None, none_label: str,
                  icon_px: int = 40) -> None:
    """(Re)fill a picture drop-down without telling anyone (the choice stays)."""
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(none_label, None)
    names = pictures.names()
    if current and current not in names:
        names.insert(0, current)
    for name in names:
        label = name if name in pictures.builtin or name not in pictures.items else \
            pictures.t("pictures.from_hub", name=name)
        combo.addItem(pictures.icon(name, icon_px), label, name)
    combo.setCurrentIndex(max(0, combo.findData(current)) if current else 0)
    combo.blockSignals(False)
