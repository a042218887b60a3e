"""The kiosk's cached first frame: its home screen as the real widgets last drew it,
painted the moment the kiosk starts, while those widgets are being built.

The picture is kept under a key naming everything the home screen is drawn from: the
kiosk's version and the code of its screens, Qt's version, the window's size and pixel
ratio, the languages offered, the flow files (the same stamps as the flow cache), the
string catalogs and the look (themes, icons, flags). Any change gives another key: the
kiosk then draws its home screen for real and keeps the new picture. The kiosk also
compares the picture with its real first frame at every start it is shown
(kiosk.customer.start) and keeps the real one when they differ.

The pixels are stored raw, as Qt holds them, and mapped at start: painting them costs a
few milliseconds, decoding a PNG of the same screen about twenty.
"""

from __future__ import annotations

import logging
import mmap
import os
import struct
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import qVersion
from PySide6.QtGui import QImage

from kiosk import __version__, paths

log = logging.getLogger(__name__)

FILE_NAME = "first-frame.bin"
MAGIC = b"guichet-kiosk first frame 1\n"
# width, height, bytes per line, QImage format, device pixel ratio, key length
HEADER = struct.Struct("<iiiidi")
LOOK = {"themes": (".json", ".qss"), "icons": (".svg",), "flags": (".svg",)}


def frame_file() -> Path:
    return paths.cache_dir() / FILE_NAME


def _stamps(folder: Path, suffixes: tuple[str, ...]) -> Iterable[str]:
    """``path:mtime:size`` of the folder's files with those suffixes (sorted)."""
    try:
        with os.scandir(folder) as entries:
            found = [(e.path, e.stat()) for e in entries if e.name.endswith(suffixes)]
    except OSError:
        return [f"{folder}: none"]
    return sorted(f"{path}:{st.st_mtime_ns}:{st.st_size}" for path, st in found)


def key(languages: str, flow_folders: list[Path], size: tuple[int, int], ratio: float) -> str:
    """What the home screen at the start is drawn from (see the module's documentation)."""
    parts = [f"kiosk {__version__}", f"qt {qVersion()}", f"window {size[0]}x{size[1]}@{ratio}",
             f"languages {languages}"]
    for folder in flow_folders:
        parts += _stamps(folder, (".yaml", ".yml"))
    parts += _stamps(paths.i18n_dir(), (".yaml", ".py"))
    for kind, suffixes in LOOK.items():
        parts += _stamps(paths.assets_dir() / kind, suffixes)
    code = paths.PACKAGE_DIR
    for folder in (code / "customer", code / "ui"):
        parts += _stamps(folder, (".py",))
    return "\n".join(parts)


def read(frame_key: str, path: Path | None = None) -> QImage | None:
    """The picture kept under ``frame_key``, or None (none kept, another key, damaged).
    The file is mapped, not read: its pages are only touched when the picture is painted
    (it is only ever replaced whole, never written in place)."""
    path = path or frame_file()
    try:
        with path.open("rb") as fh:
            mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # no file, or an empty one
        return None
    start = len(MAGIC) + HEADER.size
    if mapped[:len(MAGIC)] != MAGIC or len(mapped) < start:
        return None
    width, height, per_line, fmt, ratio, key_len = HEADER.unpack(mapped[len(MAGIC):start])
    if mapped[start:start + key_len] != frame_key.encode():
        return None
    offset = start + key_len
    if width <= 0 or height <= 0 or len(mapped) - offset != per_line * height:
        return None
    picture = QImage(memoryview(mapped)[offset:], width, height, per_line, QImage.Format(fmt))
    picture.setDevicePixelRatio(ratio)
    return picture


def write(picture: QImage, frame_key: str, path: Path | None = None) -> None:
    """Keep ``picture`` under ``frame_key`` (atomically: a reader sees the old file or
    the new one). Safe off the UI thread (a QImage, no widget)."""
    path = path or frame_file()
    encoded = frame_key.encode()
    header = HEADER.pack(picture.width(), picture.height(), picture.bytesPerLine(),
                         picture.format().value, picture.devicePixelRatio(), len(encoded))
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as fh:
            fh.write(MAGIC + header + encoded)
            fh.write(picture.constBits())
        tmp.replace(path)
    except OSError as exc:  # a read-only cache only costs speed
        log.warning("cannot keep the first frame in %s: %s", path, exc)
        tmp.unlink(missing_ok=True)


def keep(real: QImage, cached: QImage | None, frame_key: str, path: Path | None = None) -> str:
    """Compare the real first frame with the cached picture shown before it: ``"hit"``
    when they are the same; else the real one is kept under ``frame_key`` (written in the
    background) and the answer is ``"miss"`` (none was cached) or ``"stale"`` (the
    picture was wrong: something the key does not name changed, a font perhaps)."""
    from kiosk.ui.background import run_in_background

    if cached is not None and real == cached:
        return "hit"
    if cached is not None:
        log.warning("the cached first frame differed from the real one: replaced")
    run_in_background(lambda: write(real, frame_key, path))
    return "miss" if cached is None else "stale"
