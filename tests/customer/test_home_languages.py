"""The language shown is marked among the language tiles on home: a thicker border, a
check mark, and "chosen" when the tile is said (in the language shown)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel

from kiosk.customer.spoken import describe
from kiosk.i18n import catalog
from kiosk.ui.theme import palette
from tests.customer.conftest import tap

LANGUAGES = ["fr", "en", "ar", "es", "pt"]


def _tiles(window: Any) -> dict[str, Any]:
    return {b.objectName().removeprefix("lang-"): b for b in window.home.language_buttons}


def _border_px(button: Any, colour: str) -> int:
    """How many pixels of the border colour from the tile's left edge, half-way down."""
    image = button.grab().toImage()
    y = image.height() // 2
    want = QColor(colour)
    n = 0
    for x in range(min(20, image.width())):
        pixel = image.pixelColor(x, y)
        if max(abs(pixel.red() - want.red()), abs(pixel.green() - want.green()),
               abs(pixel.blue() - want.blue())) > 40:
            break
        n += 1
    return n


def test_the_language_shown_is_the_one_marked(qtbot: Any, kiosk: Any, clock: Any) -> None:
    ctrl, window = kiosk
    tiles = _tiles(window)
    assert set(tiles) == set(ctrl.languages)
    marked = [code for code, b in tiles.items() if b.property("selected")]
    assert marked == ["fr"]
    assert [code for code, b in tiles.items() if b.findChild(QLabel, "chosen")] == ["fr"]
    tap(qtbot, tiles["ar"], clock)
    assert ctrl.look.language == "ar"
    tiles = _tiles(window)
    assert [code for code, b in tiles.items() if b.property("selected")] == ["ar"]
    assert [code for code, b in tiles.items() if b.findChild(QLabel, "chosen")] == ["ar"]


def test_the_marked_tile_has_a_thicker_border(qtbot: Any, kiosk: Any) -> None:
    ctrl, window = kiosk
    tiles = _tiles(window)
    qtbot.waitUntil(lambda: tiles["fr"].isVisible() and tiles["fr"].width() > 0)
    border = palette("default")["button_border"]
    chosen, other = _border_px(tiles["fr"], border), _border_px(tiles["en"], border)
    assert other >= 3
    assert chosen >= other + 3, (chosen, other)


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_check_mark_sits_on_the_flags_corner_beside_the_name(qtbot: Any, kiosk: Any,
                                                                 lang: str) -> None:
    """On the flag, on the name's side, so that it takes no room from the name: the
    tiles keep their columns."""
    ctrl, window = kiosk
    columns = {b.mapTo(window, b.rect().topLeft()).x() for b in window.home.language_buttons}
    ctrl.set_language(lang)
    window.restyle()
    tile = _tiles(window)[lang]
    qtbot.waitUntil(lambda: tile.isVisible() and tile.width() > 0)
    check = tile.findChild(QLabel, "chosen")
    assert check.isVisible()
    flag, name = tile.icon_label, tile.text_label
    where = check.mapTo(tile, check.rect().center())
    assert flag.geometry().contains(where)
    toward_name = where.x() > flag.geometry().center().x()
    assert toward_name == (name.geometry().center().x() > flag.geometry().center().x())
    assert name.heightForWidth(name.width()) <= name.height() + 1  # the name is not cut
    assert len({b.mapTo(window, b.rect().topLeft()).x()
                for b in window.home.language_buttons}) == len(columns)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_marked_tile_is_said_chosen(kiosk: Any, lang: str) -> None:
    """Said in the language shown (the keys' spoken focus, the audio-only mode)."""
    ctrl, window = kiosk
    ctrl.set_language(lang)
    strings = catalog(lang)
    chosen = strings.t("focus.selected")
    assert chosen
    for code, b in _tiles(window).items():
        said = describe(b, strings)
        assert said.startswith(catalog(code).name), said
        assert (chosen in said.split(", ")) == (code == lang), (code, said)


def test_chosen_is_in_every_catalog() -> None:
    words = {lang: catalog(lang).t("focus.selected") for lang in LANGUAGES}
    assert words["fr"] == "choisi"
    assert len(set(words.values())) == len(LANGUAGES)


def test_the_language_picker_marks_the_language_shown(kiosk: Any) -> None:
    """Over a step, the bottom bar's Language panel marks and says the current one too."""
    ctrl, window = kiosk
    ctrl.set_language("ar")
    ctrl.start_flow("send-parcel")
    window.pick_language()
    picks = {b.objectName().removeprefix("pick-"): b for b in window.languages.buttons}
    assert [code for code, b in picks.items() if b.property("selected")] == ["ar"]
    assert describe(picks["ar"], catalog("ar")).count(catalog("ar").t("focus.selected")) == 1
    assert catalog("ar").t("focus.selected") not in describe(picks["fr"], catalog("ar"))
