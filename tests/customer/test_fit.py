"""Every kiosk screen fits the screens offices have (kiosk.customer.audit): a sample of
the grid here (each flow's first and last step, the help and workshop screens, every
panel); ``python tools/fit_grid.py`` runs all of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.customer.audit import SCREENS, check

SAMPLE = [((1366, 768), 2.0, "fr", "normal"), ((1080, 1920), 2.0, "ar", "high"),
          ((1920, 1080), 2.0, "ar", "normal"), ((1280, 1024), 1.5, "fr", "high")]


@pytest.mark.parametrize(("size", "scale", "lang", "theme"), SAMPLE,
                         ids=["1366x768-x2-fr", "portrait-x2-ar-high", "1080p-x2-ar",
                              "1280x1024-x1.5-fr-high"])
def test_every_screen_fits(qapp: object, size: tuple[int, int], scale: float, lang: str,
                           theme: str) -> None:
    problems = [f"{name}: {problem}" for name, report in check(size, scale, lang, theme, True)
                for problem in report.problems]
    assert problems == []


@pytest.mark.parametrize("size", SCREENS, ids=[f"{w}x{h}" for w, h in SCREENS])
def test_a_screenshot_is_exactly_the_screen(qapp: object, tmp_path: Path,
                                            size: tuple[int, int]) -> None:
    """``kiosk screenshot --size WxH`` at the largest text: a picture of exactly WxH (the
    window never grows past the screen, whatever the step)."""
    from PySide6.QtGui import QImage

    from kiosk import config
    from kiosk.customer.shots import Shot, render_shots

    settings = config.load({"screen_size": f"{size[0]}x{size[1]}"})
    shots = [Shot(tmp_path / "collect.png", "collect-parcel", None, "fr", 2.0),
             Shot(tmp_path / "home-ar.png", None, None, "ar", 2.0, True)]
    for made in render_shots(settings, shots):
        image = QImage(str(made))
        assert (image.width(), image.height()) == size, made.name
