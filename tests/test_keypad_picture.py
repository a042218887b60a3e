"""tools/keypad_picture.py: the picture of the keypad in docs/accessibility.md shows
every keypad key of the kiosk's key map, captioned by what it does."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from PySide6.QtGui import QImage

from kiosk.customer import keys

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def picture() -> ModuleType:
    spec = importlib.util.spec_from_file_location("keypad_picture",
                                                  ROOT / "tools" / "keypad_picture.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_keypad_key_of_the_map_is_drawn_with_its_caption(qapp: Any, picture: ModuleType,
                                                              tmp_path: Path) -> None:
    assert set(picture.CAPTIONS) == {b.action for b in keys.KEYMAP}
    image = QImage(1500, 900, QImage.Format.Format_RGB32)
    drawn = picture.draw(image)
    expected = {spec.name.removeprefix("Keypad "): picture.CAPTIONS[b.action]
                for b in keys.KEYMAP for spec in b.keys if spec.keypad}
    assert drawn == expected
    assert picture.build(tmp_path / "keypad.png") == [tmp_path / "keypad.png"]
    assert QImage(str(tmp_path / "keypad.png")).width() == 1500


def test_the_docs_show_the_picture() -> None:
    assert "screens/keypad-map.png" in (ROOT / "docs" / "accessibility.md").read_text(encoding="utf-8")
