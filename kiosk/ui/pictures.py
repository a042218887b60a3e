"""Pictures and icons drawn to pixmaps, cached: an asset's name looked up, then its SVG
(or, for a picture from the hub, PNG) rendered to the size asked.

A step picture's name (``kind`` "pictures") is looked up in the hub pictures of the flows
the kiosk runs first (:func:`use_hub_pictures`, set when flow updates are applied; until
then read from the published flows' ``pictures.json``), then in the shipped assets.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter, QPixmap, QTransform
from PySide6.QtSvg import QSvgRenderer

from kiosk import paths
from kiosk.flows import library
from kiosk.ui.icon_ring import ring_width, with_ring

_hub_pictures: dict[str, str] | None = None  # name -> file, for the running flows


def use_hub_pictures(files: dict[str, str]) -> None:
    """Draw step pictures named in ``files`` (name -> file) from those files from now on;
    the pictures drawn so far are forgotten when that changes."""
    global _hub_pictures
    if files == _published():
        return
    _hub_pictures = dict(files)
    for cached in (picture_file, svg_pixmap, fitted_pixmap):  # (files are never rewritten:
        cached.cache_clear()  # the renderers of the files stay right)


@lru_cache(maxsize=512)
def picture_file(kind: str, name: str) -> str:
    """The file an asset is drawn from: for a step picture (``kind`` "pictures"), the hub
    picture the running flows give that name, if the kiosk has it; else the shipped one."""
    if kind == "pictures":
        hub = _published().get(name)
        if hub is not None and Path(hub).is_file():
            return hub
    return str(paths.asset(kind, name))


def _published() -> dict[str, str]:
    """The hub pictures now in use (at first, those the last run left)."""
    global _hub_pictures
    if _hub_pictures is None:
        _hub_pictures = library.hub_pictures(paths.hub_flows_dir(), paths.hub_pictures_dir())
    return _hub_pictures


@lru_cache(maxsize=256)
def renderer(path: str) -> QSvgRenderer:
    """One shared renderer per SVG file."""
    return QSvgRenderer(path)


@lru_cache(maxsize=32)
def raster(path: str) -> QPixmap:
    """A PNG picture as it is (null when it cannot be read)."""
    return QPixmap(path)


def _natural_size(path: str) -> tuple[float, float] | None:
    """The picture's own width and height (its SVG view box), None when it cannot be drawn."""
    if path.lower().endswith(".png"):
        pm = raster(path)
        return None if pm.isNull() else (float(pm.width()), float(pm.height()))
    r = renderer(path)
    if not r.isValid():
        return None
    vb = r.viewBoxF()
    return (vb.width(), vb.height()) if not vb.isEmpty() else (1.0, 1.0)


def _draw(painter: QPainter, path: str, target: QRectF) -> None:
    if path.lower().endswith(".png"):
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawPixmap(target, raster(path), QRectF(raster(path).rect()))
    else:
        renderer(path).render(painter, target)


@lru_cache(maxsize=512)
def svg_pixmap(kind: str, name: str, size: int, mirrored: bool = False) -> QPixmap:
    """An asset rendered to a square pixmap of ``size`` px, aspect kept, cached, with a
    ring around it so that it stands out from any background (``kiosk.ui.icon_ring``)."""
    pm = QPixmap(size, size)
    pm.fill(QColor(0, 0, 0, 0))
    path = picture_file(kind, name)
    natural = _natural_size(path)
    if natural is None:
        return pm
    painter = QPainter(pm)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if mirrored:
        painter.setTransform(QTransform(-1, 0, 0, 1, size, 0))
    w, h = natural
    ring = ring_width(size)
    k = min((size - 2 * ring) / w, (size - 2 * ring) / h)
    _draw(painter, path, QRectF((size - w * k) / 2, (size - h * k) / 2, w * k, h * k))
    painter.end()
    return with_ring(pm, ring)


@lru_cache(maxsize=12)  # a picture at 1080p is ~1.5 MB: the recent ones, and those ahead
def fitted_pixmap(kind: str, name: str, width: int, height: int) -> QPixmap:
    """An asset rendered once at the largest size that fits, aspect kept (cached)."""
    path = picture_file(kind, name)
    natural = _natural_size(path)
    if natural is None or width <= 0 or height <= 0:
        return QPixmap()
    w, h = natural
    k = min(width / w, height / h)
    pm = QPixmap(max(1, round(w * k)), max(1, round(h * k)))
    pm.fill(QColor(0, 0, 0, 0))
    painter = QPainter(pm)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    _draw(painter, path, QRectF(0, 0, pm.width(), pm.height()))
    painter.end()
    return pm
