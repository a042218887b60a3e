"""Pictures in the flow editor against a real hub: an imported picture goes to the hub
(never into the package's assets), the step names it, the picker lists the hub's pictures
with thumbnails from the local cache, name clashes get a new name, refusals are said in
plain words; and the file made ready to send (JPEG to PNG, a heavy PNG made lighter)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QComboBox

from kiosk import paths
from kiosk.manager import editor_review
from kiosk.manager.app import ManagerWindow
from kiosk.manager.editor import EditorPage
from kiosk.manager.editor_picture_files import (
    MAX_BYTES,
    PictureError,
    cache_folder,
    free_name,
    prepare,
    slug,
)
from kiosk.ui.pictures import picture_file
from tests.hub.conftest import Hub
from tests.manager.test_editor import editor, pick_step, settled

WAIT = 10_000


@pytest.fixture(autouse=True)
def _own_marks_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(editor_review, "marks_file", lambda: tmp_path / "review-marks.json")


def photo(folder: Path, name: str, colour: str = "#2E7D32", size: tuple[int, int] = (64, 48)) -> Path:
    image = QImage(*size, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    path = folder / name
    assert image.save(str(path))
    return path


def has_colour(image: QImage, colour: QColor) -> bool:
    """Whether some pixel of ``image`` is ``colour`` (within a little)."""
    return any(all(abs(a - b) <= 6 for a, b in zip(image.pixelColor(x, y).getRgb()[:3],
                                                       colour.getRgb()[:3], strict=True))
               for x in range(0, image.width(), 3) for y in range(0, image.height(), 3))


def hub_pictures(hub: Hub) -> dict[str, dict[str, Any]]:
    with hub.client("manon") as m:
        return {i["name"]: i for i in m.get("/pictures").json()["items"]}


def combo_names(combo: QComboBox) -> list[str]:
    return [combo.itemData(i) for i in range(1, combo.count())]


def wait_message(qtbot: Any, page: EditorPage, start: str) -> None:
    qtbot.waitUntil(lambda: page.message.text().startswith(start), timeout=WAIT)


def test_an_imported_picture_goes_to_the_hub_and_every_kiosk_gets_it(
        qtbot: Any, manager: ManagerWindow, hub: Hub, tmp_path: Path) -> None:
    page = editor(qtbot, manager)
    pick_step(qtbot, page, "weigh")
    page.form.use_picture(photo(tmp_path, "Balance du bureau.png"))
    assert page.form.fields["importPicture"].text() == "Envoi en cours…"  # a wait state at once
    assert not page.form.fields["importPicture"].isEnabled()
    qtbot.waitUntil(lambda: page.message.text().startswith("Image « balance-du-bureau.png » enregistrée"),
                    timeout=WAIT)
    settled(qtbot, page)
    item = hub_pictures(hub)["balance-du-bureau.png"]
    assert (item["media_type"], item["uploaded_by"]) == ("image/png", "manon")
    assert "image: balance-du-bureau.png" in page.yaml.text()
    combo = page.form.fields["picture"]
    assert combo.currentData() == "balance-du-bureau.png"
    assert not combo.itemIcon(combo.currentIndex()).isNull()  # its thumbnail, from the cache
    cached = cache_folder() / f"{item['sha256']}.png"
    assert cached.is_file()
    assert picture_file("pictures", "balance-du-bureau.png") == str(cached)  # the preview draws it
    assert has_colour(page.preview.image.pixmap().toImage(), QColor("#2E7D32"))
    assert not (paths.assets_dir() / "pictures" / "balance-du-bureau.png").exists()
    assert page.form.fields["importPicture"].isEnabled()
    assert page.problems.summary.text().startswith("Aucun problème")  # the validator knows it
    page.publish("Photo de la balance du bureau")
    wait_message(qtbot, page, "Version 2 publiée")
    with hub.client("k1") as kiosk:  # what a kiosk reads: the version and its picture
        current = kiosk.get("/flows/send-parcel").json()
        assert current["pictures"] == {"balance-du-bureau.png": item["sha256"]}
        got = kiosk.get("/pictures/balance-du-bureau.png", params={"sha256": item["sha256"]})
    assert got.status_code == 200
    assert got.headers["content-type"] == "image/png"


def test_the_picker_lists_the_hubs_pictures_with_thumbnails(
        qtbot: Any, manager: ManagerWindow, hub: Hub) -> None:
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
           b'<rect width="10" height="10" fill="#0B3D91"/></svg>')
    with hub.client("manon") as m:  # another manager sent it
        sent = m.put("/pictures/boite-aux-lettres.svg", content=svg,
                     headers={"Content-Type": "image/svg+xml"})
    assert sent.status_code == 201
    page = editor(qtbot, manager)
    page.refresh()
    settled(qtbot, page)
    pick_step(qtbot, page, "weigh")
    combo = page.form.fields["picture"]
    names = combo_names(combo)
    assert "boite-aux-lettres.svg" in names
    assert "coins.svg" in names
    index = combo.findData("boite-aux-lettres.svg")
    assert combo.itemText(index) == "boite-aux-lettres.svg · importée"
    assert not combo.itemIcon(index).isNull()
    assert (cache_folder() / f"{sent.json()['sha256']}.svg").read_bytes() == svg
    combo.setCurrentIndex(index)
    settled(qtbot, page)
    assert "image: boite-aux-lettres.svg" in page.yaml.text()
    assert page.problems.summary.text().startswith("Aucun problème")


def test_a_name_taken_by_another_picture_gets_a_new_name(
        qtbot: Any, manager: ManagerWindow, hub: Hub, tmp_path: Path) -> None:
    with hub.client("manon") as m:
        other = photo(tmp_path, "other.png", "#B00020").read_bytes()
        assert m.put("/pictures/balance.png", content=other,
                     headers={"Content-Type": "image/png"}).status_code == 201
    page = editor(qtbot, manager)
    page.refresh()
    settled(qtbot, page)
    pick_step(qtbot, page, "weigh")
    page.form.use_picture(photo(tmp_path, "Balance.png"))
    qtbot.waitUntil(lambda: page.pictures.question is not None and page.pictures.question.isVisible(),
                    timeout=WAIT)
    box = page.pictures.question
    assert "« balance.png »" in box.words.text()
    assert "« balance-2.png »" in box.words.text()
    qtbot.keyClick(box.focusWidget(), Qt.Key.Key_Return)  # a safe default: Enter takes the new name
    wait_message(qtbot, page, "Image « balance-2.png » enregistrée")
    settled(qtbot, page)
    pictures = hub_pictures(hub)
    assert pictures["balance.png"]["sha256"] != pictures["balance-2.png"]["sha256"]  # untouched
    assert "image: balance-2.png" in page.yaml.text()
    # a built-in name: the hub would say 409; the editor offers another name first
    builtin = tmp_path / "Coins.svg"
    builtin.write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"/>')
    page.form.use_picture(builtin)
    qtbot.waitUntil(lambda: page.pictures.question is not box and page.pictures.question.isVisible(),
                    timeout=WAIT)
    qtbot.keyClick(page.pictures.question.focusWidget(), Qt.Key.Key_Escape)
    wait_message(qtbot, page, "Import annulé")
    assert "« coins.svg »" in page.pictures.question.words.text()
    assert "coins-2.svg" not in hub_pictures(hub)
    assert page.form.fields["importPicture"].isEnabled()


def test_a_picture_the_hub_refuses_is_said_in_plain_words(
        qtbot: Any, manager: ManagerWindow, hub: Hub, tmp_path: Path) -> None:
    page = editor(qtbot, manager)
    pick_step(qtbot, page, "weigh")
    before = page.yaml.text()
    hostile = tmp_path / "piege.svg"
    hostile.write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                       encoding="utf-8")
    page.form.use_picture(hostile)
    wait_message(qtbot, page, "Le serveur refuse cette image : ")
    assert "script" in page.message.text()
    assert page.message.property("bad") is True
    settled(qtbot, page)
    assert page.yaml.text() == before
    assert "piege.svg" not in hub_pictures(hub)
    notes = tmp_path / "notes.txt"
    notes.write_text("nothing to see", encoding="utf-8")
    page.form.use_picture(notes)
    wait_message(qtbot, page, "Image non importée : « notes.txt » n’est pas une image")


def test_a_jpeg_becomes_a_png_and_a_heavy_png_is_made_lighter(qtbot: Any, tmp_path: Path) -> None:
    jpeg = photo(tmp_path, "Guichet été.jpg", "#1565C0", (640, 480))
    ready = prepare(jpeg)
    assert (ready.name, ready.media_type) == ("guichet-ete.png", "image/png")
    assert ready.data.startswith(b"\x89PNG")
    assert QImage.fromData(ready.data).size().width() == 640
    noise = QImage(os.urandom(1400 * 1400 * 4), 1400, 1400, QImage.Format.Format_RGB32).copy()
    heavy = tmp_path / "bruit.png"
    assert noise.save(str(heavy))
    assert heavy.stat().st_size > MAX_BYTES
    light = prepare(heavy)
    assert len(light.data) <= MAX_BYTES
    smaller = QImage.fromData(light.data)
    assert 0 < smaller.width() < 1400
    assert smaller.width() == smaller.height()
    with pytest.raises(PictureError) as refused:
        prepare(tmp_path / "absent.gif")
    assert refused.value.key == "not_a_picture"
    assert QApplication.instance() is not None


def test_picture_names_are_slugs_and_free_names_count_up() -> None:
    assert slug("Étiquette d'envoi (2)") == "etiquette-d-envoi-2"
    assert slug("???") == "image"
    assert free_name("balance.png", {"balance.png", "balance-2.png"}) == "balance-3.png"
    assert free_name("balance-2.png", {"balance-2.png"}) == "balance-3.png"
    assert free_name("neuve.svg", {"balance.png"}) == "neuve.svg"


def test_the_real_kiosk_preview_draws_a_hub_picture(qtbot: Any, hub: Hub, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The kiosk itself (another process) gets the hub's pictures with the draft."""
    from kiosk.manager.editor_preview import PreviewPane
    from tests.manager.conftest import open_manager

    with hub.client("manon") as m:
        m.put("/pictures/vert.png", content=photo(tmp_path, "vert.png", "#2E7D32", (400, 300)).read_bytes(),
              headers={"Content-Type": "image/png"}).raise_for_status()
    monkeypatch.setattr(PreviewPane, "REAL_KIOSK", True)
    manager = open_manager(qtbot, hub)
    qtbot.waitUntil(lambda: manager.stack.currentWidget() is manager.tabs, timeout=WAIT)
    try:
        page = editor(qtbot, manager)
        page.refresh()
        settled(qtbot, page)
        pick_step(qtbot, page, "weigh")
        settled(qtbot, page)
        renderer = page.preview.kiosk
        assert renderer is not None
        qtbot.waitUntil(lambda: not renderer.busy, timeout=60_000)  # the step as it was
        with qtbot.waitSignal(renderer.rendered, timeout=60_000) as got:
            combo = page.form.fields["picture"]
            combo.setCurrentIndex(combo.findData("vert.png"))
            qtbot.waitUntil(lambda: renderer.busy, timeout=5_000)  # the preview asked the kiosk
        assert has_colour(got.args[0].toImage(), QColor("#2E7D32"))
    finally:
        manager.shutdown()
