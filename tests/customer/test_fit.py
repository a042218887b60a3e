"""Every kiosk screen fits the screens offices have (kiosk.customer.audit): a sample of
the grid here (each flow's first and last step, the help and workshop screens, every
panel); ``python tools/fit_grid.py`` runs all of it."""

from __future__ import annotations

import pytest

from kiosk.customer.audit import check

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
