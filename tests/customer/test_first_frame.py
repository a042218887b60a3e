"""The kiosk's first frame: the real home screen, laid out once for the real screen, and
the cached picture of it painted at the next start while the widgets are built."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest

from kiosk import paths
from kiosk.customer import firstframe
from kiosk.customer.app import build
from kiosk.customer.controller import KioskController
from kiosk.customer.window import LOCKDOWN_FLAGS, KioskWindow
from kiosk.ui.qt import FirstPaint, settle

SIZES = [(1920, 1080), (1366, 768), (1080, 1920)]


@pytest.mark.parametrize("size", SIZES)
def test_the_first_frame_is_the_real_home_screen(qtbot: Any, library: Any, settings: Any,
                                                 size: tuple[int, int]) -> None:
    """Sized before its first render (as `kiosk run` does), the kiosk paints its home
    screen whole in the first frame, and the first turns of the loop do not lay it out
    again (a new widget believes it is 640 px wide: one column, then three)."""
    _ctrl, window = build(settings, lockdown=False, library=library, size=size)
    qtbot.addWidget(window)
    home = window.home
    buttons = list(home.flow_buttons)
    seen: dict[str, Any] = {}

    def painted() -> None:
        seen["visible"] = all(b.isVisible() for b in home.flow_buttons)
        seen["buttons"] = list(home.flow_buttons)

    FirstPaint(window, painted)
    window.show()
    qtbot.waitUntil(lambda: "visible" in seen)
    settle()
    assert seen["visible"]
    assert seen["buttons"] == buttons == home.flow_buttons  # never rebuilt
    assert len(buttons) == 9
    window.shutdown()


def _real_frame(qtbot: Any, library: Any, settings: Any, size: tuple[int, int]
                ) -> tuple[QImage, dict[str, QPoint]]:
    """The home screen the real widgets draw at ``size``, and where each task's tile is."""
    _ctrl, window = build(settings, lockdown=False, library=library, size=size)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    settle()
    tiles = {b.objectName(): b.mapTo(window, b.rect().center()) for b in window.home.flow_buttons}
    picture = window.grab().toImage()
    window.shutdown()
    window.close()
    return picture, tiles


def _covered(qtbot: Any, library: Any, settings: Any, size: tuple[int, int],
             picture: QImage) -> KioskWindow:
    window = KioskWindow(None, settings, lockdown=False, size=size)
    qtbot.addWidget(window)
    window.cover_with(picture, lambda: window.attach(KioskController(library, settings=settings)))
    return window


@pytest.mark.parametrize("size", SIZES)
def test_the_cached_frame_is_the_real_one(qtbot: Any, library: Any, settings: Any,
                                          tmp_path: Path, size: tuple[int, int]) -> None:
    """Kept, read back and painted, the picture is the real first frame to the pixel; the
    widgets built under it draw that same frame."""
    real, _tiles = _real_frame(qtbot, library, settings, size)
    key = firstframe.key("fr,en,ar,es,pt", [paths.builtin_flows_dir()], size, 1.0)
    firstframe.write(real, key, tmp_path / "frame.bin")
    picture = firstframe.read(key, tmp_path / "frame.bin")
    assert picture is not None
    assert picture == real
    window = _covered(qtbot, library, settings, size, picture)
    seen: list[QImage] = []
    FirstPaint(window, lambda: seen.append(window.grab().toImage()))
    window.show()
    qtbot.waitUntil(lambda: bool(seen))
    assert seen[0] == real  # the first frame: the picture
    qtbot.waitUntil(lambda: window.attached)  # the widgets: on the next turn of the loop
    settle()
    assert window.grab().toImage() == real
    assert all(b.isVisible() for b in window.home.flow_buttons)
    window.shutdown()


def test_a_tap_on_the_picture_reaches_the_real_tile(qtbot: Any, library: Any,
                                                    settings: Any) -> None:
    """A customer who taps the picture before the widgets exist is neither lost nor
    misdirected: the widgets are built first, and the tap reaches the tile it was on."""
    size = (1920, 1080)
    real, tiles = _real_frame(qtbot, library, settings, size)
    window = _covered(qtbot, library, settings, size, real)
    window.show()
    assert not window.attached
    QTest.mouseClick(window.windowHandle(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, tiles["flow-buy-stamps"])
    assert window.attached
    assert window.ctrl.screen == "step"
    assert window.ctrl.session is not None
    assert window.ctrl.session.flow.id == "buy-stamps"
    window.shutdown()


def test_a_locked_kiosk_is_frameless_and_on_top_from_its_first_frame(library: Any,
                                                                      settings: Any) -> None:
    """The lockdown flags reach the native window before it is shown (as a number: no
    wait for PySide's Qt namespace), and the widget knows them once it has widgets."""
    every = (Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint
             | Qt.WindowType.WindowStaysOnTopHint)
    assert every.value == LOCKDOWN_FLAGS
    window = KioskWindow(None, settings, lockdown=True, size=(800, 600))
    handle = window.windowHandle()
    assert handle is not None
    assert handle.flags() == every
    window.attach(KioskController(library, settings=settings))
    assert window.windowFlags() == every
    window.shutdown()
    window.deleteLater()


def test_the_key_names_what_the_home_screen_is_drawn_from(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    flows = tmp_path / "flows"
    flows.mkdir()
    flow = flows / "mine.yaml"
    flow.write_text("schema: 1\n", encoding="utf-8")
    assets = tmp_path / "assets"
    for kind in firstframe.LOOK:
        shutil.copytree(paths.assets_dir() / kind, assets / kind)
    catalogs = tmp_path / "i18n"
    shutil.copytree(paths.i18n_dir(), catalogs, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setenv("KIOSK_ASSETS_DIR", str(assets))
    monkeypatch.setattr(paths, "i18n_dir", lambda: catalogs)

    def key() -> str:
        return firstframe.key("fr,en", [flows], (1920, 1080), 1.0)

    seen = {key()}
    assert key() in seen  # the same inputs, the same key
    changes = [
        lambda: firstframe.key("fr,en,ar", [flows], (1920, 1080), 1.0),
        lambda: firstframe.key("fr,en", [flows], (1366, 768), 1.0),
        lambda: firstframe.key("fr,en", [flows], (1920, 1080), 2.0),
    ]
    for other in changes:
        assert other() not in seen
    for touched in (flow, flows / "new.yml", catalogs / "fr.yaml", assets / "icons" / "home.svg",
                    assets / "flags" / "fr.svg", assets / "themes" / "default.json"):
        if touched.exists():
            os.utime(touched, ns=(1, 1))
        else:
            touched.write_text("schema: 1\n", encoding="utf-8")
        assert key() not in seen, touched
        seen.add(key())


def test_a_picture_is_read_only_under_its_own_key_and_whole(tmp_path: Path) -> None:
    frame = tmp_path / "frame.bin"
    picture = QImage(64, 32, QImage.Format.Format_RGB32)
    picture.fill(0x336699)
    firstframe.write(picture, "one", frame)
    assert firstframe.read("one", frame) == picture
    assert firstframe.read("two", frame) is None
    data = frame.read_bytes()
    for damaged in (b"", data[:10], data[:-1], b"x" + data[1:]):
        frame.write_bytes(damaged)
        assert firstframe.read("one", frame) is None
    assert firstframe.read("one", tmp_path / "none.bin") is None


def test_the_real_frame_is_kept_when_the_picture_was_missing_or_wrong(
        qtbot: Any, tmp_path: Path) -> None:
    frame = tmp_path / "frame.bin"
    real = QImage(64, 32, QImage.Format.Format_RGB32)
    real.fill(0x336699)
    assert firstframe.keep(real, None, "k", frame) == "miss"
    qtbot.waitUntil(frame.exists)
    assert firstframe.read("k", frame) == real
    assert firstframe.keep(real, firstframe.read("k", frame), "k", frame) == "hit"
    wrong = QImage(real)
    wrong.setPixel(3, 3, 0)
    before = frame.stat().st_mtime_ns
    os.utime(frame, ns=(1, 1))
    assert before != 1
    assert firstframe.keep(real, wrong, "k", frame) == "stale"
    qtbot.waitUntil(lambda: frame.stat().st_mtime_ns != 1)
    assert firstframe.read("k", frame) == real
