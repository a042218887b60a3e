"""Picture files for the editor, before and after the hub: a file the manager picked made
ready to upload (an SVG as it is; a JPEG turned into a PNG; a PNG scaled down until it
weighs at most 2 MiB and fits 4096 px; a name the hub accepts), free names when one is taken, and the
local cache of the hub's pictures (one file per sha256, under the manager's cache
folder) that thumbnails and the preview read. Nothing here writes into the package's
assets. CPU and disk work: run it off the UI thread."""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QImage, QImageReader

from kiosk import paths

MAX_BYTES = 2 * 1024 * 1024  # the hub refuses more (413)
MAX_SIDE = 4096  # px: the hub refuses over 8192; a kiosk's screen needs far less
NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}\.(svg|png)$")  # the hub's rule
MEDIA_TYPES = {"svg": "image/svg+xml", "png": "image/png"}
SOURCES = (".svg", ".png", ".jpg", ".jpeg")
_STEM = 58  # room for "-NNN" before the extension


class PictureError(ValueError):
    """A file that cannot become a picture; ``key`` names its message in the catalog
    (``pictures.<key>``), ``params`` fill it."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key, self.params = key, params


@dataclass(frozen=True)
class Prepared:
    """A picture ready to send: its name, media type and bytes."""

    name: str
    media_type: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def renamed(self, name: str) -> Prepared:
        return Prepared(name, self.media_type, self.data)


def slug(stem: str) -> str:
    """A file's stem as a picture name's stem: ``Balance du bureau`` -> ``balance-du-bureau``."""
    plain = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:_STEM].strip("-")
    return text or "image"


def free_name(name: str, taken: Collection[str]) -> str:
    """``name`` when it is free, else ``stem-2.ext``, ``stem-3.ext``... (the first free one)."""
    if name not in taken:
        return name
    stem, _, ext = name.rpartition(".")
    stem = re.sub(r"-\d+$", "", stem) or stem
    n = 2
    while f"{stem}-{n}.{ext}" in taken:
        n += 1
    return f"{stem}-{n}.{ext}"


def _png(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def small_png(image: QImage, limit: int = MAX_BYTES) -> bytes:
    """The image as a PNG of at most ``limit`` bytes, scaled down (aspect kept) when needed."""
    data = _png(image)
    while len(data) > limit and min(image.width(), image.height()) > 16:
        k = max(0.3, min(0.9, (limit / len(data)) ** 0.5 * 0.95))
        image = image.scaled(max(1, int(image.width() * k)), max(1, int(image.height() * k)),
                             Qt.AspectRatioMode.KeepAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
        data = _png(image)
    return data


def prepare(source: Path) -> Prepared:
    """The picture the hub will get for ``source`` (SVG, PNG or JPEG); raises
    :class:`PictureError`."""
    suffix = source.suffix.lower()
    if suffix not in SOURCES:
        raise PictureError("not_a_picture", file=source.name)
    try:
        raw = source.read_bytes()
    except OSError as exc:
        raise PictureError("unreadable", file=source.name, why=exc.strerror or str(exc)) from None
    stem = slug(source.stem)
    if suffix == ".svg":
        if len(raw) > MAX_BYTES:
            raise PictureError("too_big", file=source.name)
        return Prepared(f"{stem}.svg", MEDIA_TYPES["svg"], raw)
    if suffix == ".png" and len(raw) <= MAX_BYTES and raw.startswith(b"\x89PNG") and _fits(raw):
        return Prepared(f"{stem}.png", MEDIA_TYPES["png"], raw)
    image = QImage.fromData(raw)
    if image.isNull():
        raise PictureError("unreadable_image", file=source.name)
    if max(image.width(), image.height()) > MAX_SIDE:
        image = image.scaled(MAX_SIDE, MAX_SIDE, Qt.AspectRatioMode.KeepAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
    return Prepared(f"{stem}.png", MEDIA_TYPES["png"], small_png(image))


def _fits(raw: bytes) -> bool:
    """Whether a PNG's sides are at most ``MAX_SIDE`` (read from its header only)."""
    buffer = QBuffer()
    buffer.setData(QByteArray(raw))
    size = QImageReader(buffer).size()
    return size.isValid() and max(size.width(), size.height()) <= MAX_SIDE


# -- the local cache of the hub's pictures ---------------------------------------------------
def cache_folder() -> Path:
    """The hub's pictures as this manager has seen them: ``<sha256>.<svg|png>``."""
    return paths.cache_dir() / "hub-pictures"


def cached_path(sha256: str, name: str) -> Path:
    return cache_folder() / f"{sha256}.{name.rpartition('.')[2]}"


def store(sha256: str, name: str, data: bytes) -> Path:
    """Keep a picture's bytes in the cache (only when they are what the hub said)."""
    if hashlib.sha256(data).hexdigest() != sha256:
        raise PictureError("corrupt", file=name)
    path = cached_path(sha256, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    partial.write_bytes(data)
    partial.replace(path)
    return path


def builtin_names() -> list[str]:
    """The pictures shipped in ``assets/pictures``."""
    folder = paths.assets_dir() / "pictures"
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.suffix.lower() in (".svg", ".png"))
