"""kiosk.ui.widgets.clear: a layout emptied for the next screen frees everything it held
(the items ``takeAt`` hands over, not only the widgets), or a kiosk that draws tens of
thousands of screens grows without end."""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QWidget

from kiosk.ui.widgets import clear


def test_clear_frees_widget_items_spacers_and_nested_layouts(qtbot: Any) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    grid = QGridLayout(host)
    grid.addWidget(QLabel("a"), 0, 0)
    nested = QHBoxLayout()
    nested.addWidget(QLabel("b"))
    nested.addStretch(1)
    grid.addLayout(nested, 1, 0)
    items = [grid.itemAt(i) for i in range(grid.count())] + \
        [nested.itemAt(i) for i in range(nested.count())]
    widgets = [i.widget() for i in items if i.widget() is not None]
    clear(grid)
    assert grid.count() == 0
    qtbot.waitUntil(lambda: not any(shiboken6.isValid(w) for w in widgets))
    qtbot.waitUntil(lambda: not shiboken6.isValid(nested))
    assert not any(shiboken6.isValid(i) for i in items if i is not nested)
