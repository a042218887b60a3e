"""tools/poster.py: the A4 poster beside the kiosk builds as a one-page PDF with its
fonts and picture, and its PNG preview is an A4 page that is not blank."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from PySide6.QtGui import QColor, QImage

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def poster() -> ModuleType:
    spec = importlib.util.spec_from_file_location("poster", ROOT / "tools" / "poster.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def colours(image: QImage, step: int = 7) -> set[int]:
    return {image.pixel(x, y) for x in range(0, image.width(), step)
            for y in range(0, image.height(), step)}


def test_the_poster_is_one_a4_page_with_its_fonts_and_picture(
        qapp: Any, poster: ModuleType, tmp_path: Path) -> None:
    pdf, png = tmp_path / "poster.pdf", tmp_path / "poster.png"
    assert poster.build(pdf, png) == [pdf, png]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(data) > 50_000
    assert len(re.findall(rb"/Type\s*/Page\b", data)) == 1
    assert b"DejaVuSans" in data
    from PySide6.QtPdf import QPdfDocument

    document = QPdfDocument()
    assert document.load(str(pdf)) == QPdfDocument.Error.None_
    assert document.pageCount() == 1
    size = document.pagePointSize(0)  # A4: 595 x 842 points
    assert (round(size.width()), round(size.height())) == (595, 842)
    document.close()
    image = QImage(str(png))
    assert (image.width(), image.height()) == (1240, 1754)
    assert len(colours(image)) > 50  # text, the band, the picture: not a blank page
    band = QColor(image.pixel(image.width() // 2, 10)).name().upper()
    assert band == poster.palette("default")["bar"]


def test_without_qtpdf_the_preview_is_painted_the_same_way(
        qapp: Any, poster: ModuleType, tmp_path: Path) -> None:
    pdf = poster.write_pdf(tmp_path / "poster.pdf")
    png = poster.write_png(pdf, tmp_path / "painted.png", width=620, use_pdf=False)
    image = QImage(str(png))
    assert (image.width(), image.height()) == (620, 877)
    assert len(colours(image, 5)) > 50


def test_the_buttons_are_named_as_on_the_kiosk(poster: ModuleType) -> None:
    assert poster.words("ar")["help"] == "اطلب وسيطًا"
    assert poster.words("fr")["listen"] == "Écouter les choix"
    assert poster.french("« Aide » ?") == "«\u00a0Aide\u00a0»\u00a0?"
