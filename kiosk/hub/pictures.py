"""Pictures on the hub: the step pictures managers upload (SVG or PNG, at most 2 MiB),
which every kiosk downloads by sha256 before it runs a version that names them.

A name is a slug with its extension (``post-box.svg``); a name a built-in picture has
(``assets/pictures``, shipped with every app) is refused. SVG must pass
:mod:`kiosk.hub.svgsafe`; PNG must be a PNG of sensible size. Uploading a name again
replaces its picture; the bytes it replaces stay in ``picture_blobs`` so that a version
published before still gets the very picture it was published with
(``GET /pictures/{name}?sha256=...``): each version keeps the sha256 of the hub pictures
it names (``flow_versions.pictures``), see :func:`pins`.
"""

from __future__ import annotations

import hashlib
import re
import struct
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import sqlite_utils

from kiosk import paths
from kiosk.hub.auth import now_iso
from kiosk.hub.store import NotFound, Store
from kiosk.hub.svgsafe import Unsafe, check_svg

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}\.(svg|png)$")
MAX_BYTES = 2 * 1024 * 1024
MEDIA_TYPES = {"svg": "image/svg+xml", "png": "image/png"}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_SIDE = 8192  # pixels: a bigger PNG would take a kiosk's memory to draw
SHA256 = re.compile(r"^[0-9a-f]{64}$")
FIELDS = "name, media_type, size, sha256, uploaded_by, uploaded_at"


class BadPicture(ValueError):
    """An upload the hub refuses (422); the message says why."""


def check_name(name: str) -> str:
    """``name``'s extension (``svg`` or ``png``), or :class:`BadPicture`."""
    if not NAME.match(name):
        raise BadPicture(f"'{name[:80]}' is not a picture name: lowercase letters, digits and "
                         "'-' (at most 63), then .svg or .png, e.g. post-box.svg")
    return name.rsplit(".", 1)[1]


def check(name: str, media_type: str, data: bytes) -> None:
    """Raise :class:`BadPicture` unless ``data`` is a safe picture of ``media_type`` that
    ``name``'s extension announces."""
    extension = check_name(name)
    if media_type not in MEDIA_TYPES.values():
        raise BadPicture(f"Content-Type must be image/svg+xml or image/png, not "
                         f"'{media_type[:60] or 'none'}'")
    if MEDIA_TYPES[extension] != media_type:
        raise BadPicture(f"a .{extension} picture is sent as {MEDIA_TYPES[extension]}, "
                         f"not {media_type}")
    if not data:
        raise BadPicture("the picture is empty")
    if media_type == "image/png":
        _check_png(data)
    else:
        try:
            check_svg(data)
        except Unsafe as exc:
            raise BadPicture(str(exc)) from None


def _check_png(data: bytes) -> None:
    if not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR" or len(data) < 33:
        raise BadPicture("not a PNG file (its signature or header is missing)")
    width, height = struct.unpack(">II", data[16:24])
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        raise BadPicture(f"a PNG picture is at most {MAX_SIDE} x {MAX_SIDE} pixels, "
                         f"not {width} x {height}")


def builtin_names(folder: Path | None = None) -> set[str]:
    """The pictures shipped with every app (``assets/pictures``)."""
    folder = folder or paths.assets_dir() / "pictures"
    return {p.name for p in folder.iterdir() if p.is_file()} if folder.is_dir() else set()


def named_in(flow: dict[str, Any]) -> list[str]:
    """The picture names a flow's steps show (each once, in order)."""
    names: list[str] = []
    for step in flow.get("steps") or []:
        image = step.get("image") if isinstance(step, dict) else None
        if isinstance(image, str) and image not in names:
            names.append(image)
    return names


def pins(db: sqlite_utils.Database, flow: dict[str, Any]) -> dict[str, str]:
    """``{name: sha256}`` of the hub pictures ``flow`` names, as they are now."""
    names = named_in(flow)
    if not names:
        return {}
    marks = ", ".join("?" for _ in names)
    return {row[0]: row[1] for row in db.execute(
        f"SELECT name, sha256 FROM pictures WHERE name IN ({marks}) ORDER BY name", names)}


def _item(row: dict[str, Any]) -> dict[str, Any]:
    return {key: row[key] for key in FIELDS.split(", ")}


class Pictures:
    """The hub's pictures, written through the hub's one writer."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def put(self, name: str, media_type: str, data: bytes, who: str
            ) -> Future[tuple[dict[str, Any], bool]]:
        """Store (or replace) a picture already checked; the future gives its item and
        whether it is new. The same bytes again change nothing."""
        digest = hashlib.sha256(data).hexdigest()

        def op(db: sqlite_utils.Database) -> tuple[dict[str, Any], bool]:
            old = list(db.query(f"SELECT {FIELDS} FROM pictures WHERE name = ?", [name]))
            if old and old[0]["sha256"] == digest:
                return _item(old[0]), False
            if old:  # kept for the versions published with it
                db.execute("INSERT OR IGNORE INTO picture_blobs (name, sha256, media_type, size, "
                           "data, uploaded_by, uploaded_at) SELECT name, sha256, media_type, "
                           "size, data, uploaded_by, uploaded_at FROM pictures WHERE name = ?",
                           [name])
            row = {"name": name, "media_type": media_type, "size": len(data), "sha256": digest,
                   "uploaded_by": who, "uploaded_at": now_iso()}
            db.table("pictures").upsert({**row, "data": data}, pk="name")
            return row, not old

        return self.store.run(op)

    def get(self, name: str, sha256: str | None = None) -> dict[str, Any]:
        """The picture (``data`` included) as it is now, or as it was with that sha256;
        :class:`NotFound` otherwise."""
        db = self.store.readers.get()
        rows = list(db.query(f"SELECT {FIELDS}, data FROM pictures WHERE name = ?", [name]))
        if rows and (sha256 is None or rows[0]["sha256"] == sha256):
            return rows[0]
        if sha256 is not None:
            rows = list(db.query(f"SELECT {FIELDS}, data FROM picture_blobs WHERE name = ? "
                                 "AND sha256 = ?", [name, sha256]))
            if rows:
                return rows[0]
            raise NotFound(f"no picture '{name}' with sha256 {sha256}")
        raise NotFound(f"no picture '{name}'")

    def listing(self) -> list[dict[str, Any]]:
        """Every uploaded picture (not its bytes), by name."""
        return list(self.store.readers.get().query(
            f"SELECT {FIELDS} FROM pictures ORDER BY name"))

    def names(self) -> set[str]:
        """The names of the uploaded pictures."""
        return {row[0] for row in self.store.readers.get().execute("SELECT name FROM pictures")}
