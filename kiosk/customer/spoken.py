"""What an element of the kiosk is, said aloud: its label, its role and its place among
the elements beside it ("Envoyer un colis, bouton, 2 sur 9"), and the order in which the
elements of a screen or panel are read and reached by keys.

Reading order is layout order: a grid's cells row by row, a box's items first to last.
In a right-to-left layout Qt draws a row from the right, so the first item is still the
first one read. The spoken focus (kiosk.customer.keypad) and the audio-only mode (the
element under the finger) both describe elements with ``describe``; a panel said whole
reads its ``texts``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QGridLayout,
    QLabel,
    QLayout,
    QScrollArea,
    QStackedWidget,
    QWidget,
)

from kiosk.i18n import Catalog


def element_of(widget: QWidget | None) -> QWidget | None:
    """The element a widget belongs to: the button it is part of (its icon or its text),
    else the widget itself."""
    w = widget
    while w is not None:
        if isinstance(w, QAbstractButton):
            return w
        w = w.parentWidget()
    return widget


def shown(widget: QWidget) -> bool:
    """Not hidden on purpose. A widget just put into a layout (a screen drawn again) is
    hidden until the event loop shows it, a moment later: it counts as shown already."""
    return not widget.isHidden() or not widget.testAttribute(
        Qt.WidgetAttribute.WA_WState_ExplicitShowHide)


def focusable(widget: QWidget) -> bool:
    """A button that keys can reach: it takes focus, is enabled and is not hidden."""
    return (isinstance(widget, QAbstractButton) and widget.isEnabled()
            and widget.focusPolicy() != Qt.FocusPolicy.NoFocus and shown(widget))


def _items(layout: QLayout) -> list[tuple[QWidget | None, QLayout | None]]:
    """A layout's widgets and nested layouts in reading order (a grid: row by row)."""
    order = list(range(layout.count()))
    if isinstance(layout, QGridLayout):
        grid = layout

        def cell(i: int) -> tuple[int, int]:
            position: Any = grid.getItemPosition(i)  # (row, column, row span, column span)
            return int(position[0]), int(position[1])

        order.sort(key=cell)
    out: list[tuple[QWidget | None, QLayout | None]] = []
    for i in order:
        item = layout.itemAt(i)
        if item is not None:
            out.append((item.widget(), item.layout()))
    return out


def _collect(widget: QWidget, out: list[QWidget]) -> None:
    if not shown(widget):
        return
    if isinstance(widget, QAbstractButton):
        if focusable(widget):
            out.append(widget)
        return
    if isinstance(widget, QStackedWidget):
        current = widget.currentWidget()
        if current is not None:
            _collect(current, out)
        return
    if isinstance(widget, QScrollArea):
        inner = widget.widget()
        if inner is not None:
            _collect(inner, out)
        return
    layout = widget.layout()
    if layout is not None:
        _walk(layout, out)


def _walk(layout: QLayout, out: list[QWidget]) -> None:
    for widget, sub in _items(layout):
        if sub is not None:
            _walk(sub, out)
        elif widget is not None:
            _collect(widget, out)


def elements(container: QWidget) -> list[QWidget]:
    """The elements of ``container`` that keys can reach, in reading order (through its
    layouts, scroll areas and the current page of a stack; panels laid over it are not in
    its layout and are not counted)."""
    out: list[QWidget] = []
    layout = container.layout()
    if layout is not None:
        _walk(layout, out)
    return out


def _read(widget: QWidget, out: list[str]) -> None:
    if not shown(widget):
        return
    if isinstance(widget, (QAbstractButton, QLabel)):
        words = label_of(widget)
        if words:
            out.append(words)
        return
    layout = widget.layout()
    if layout is not None:
        _read_layout(layout, out)


def _read_layout(layout: QLayout, out: list[str]) -> None:
    for widget, sub in _items(layout):
        if sub is not None:
            _read_layout(sub, out)
        elif widget is not None:
            _read(widget, out)


def texts(container: QWidget) -> list[str]:
    """What a panel shows, in reading order: its texts and its buttons' labels (what is
    hidden left out), for saying the whole panel aloud."""
    out: list[str] = []
    layout = container.layout()
    if layout is not None:
        _read_layout(layout, out)
    return out


def _find_layout(layout: QLayout, widget: QWidget) -> QLayout | None:
    if layout.indexOf(widget) >= 0:
        return layout
    for _child, sub in _items(layout):
        if sub is not None:
            found = _find_layout(sub, widget)
            if found is not None:
                return found
    return None


def siblings(widget: QWidget) -> list[QWidget]:
    """The elements in the same layout as ``widget`` (a grid of tiles, a bar, a panel's
    buttons), in reading order; ``widget`` itself is among them even if keys skip it."""
    parent = widget.parentWidget()
    layout = parent.layout() if parent is not None else None
    home = _find_layout(layout, widget) if layout is not None else None
    if home is None:
        return [widget]
    out = [w for w, sub in _items(home)
           if sub is None and w is not None and (w is widget or focusable(w))]
    return out if widget in out else [widget]


def label_of(widget: QWidget) -> str:
    """An element's words: its accessible name, else its text."""
    name = widget.accessibleName().strip()
    if name:
        return name
    text_label = getattr(widget, "text_label", None)
    if isinstance(text_label, QLabel):
        return text_label.text().strip()
    if isinstance(widget, (QLabel, QAbstractButton)):
        return widget.text().strip()
    return ""


def describe(widget: QWidget, strings: Catalog) -> str:
    """An element said aloud in the language of ``strings``: its label, its role and its
    place among its siblings ("Envoyer un colis, bouton, 2 sur 9"); the chosen one of a
    set says so ("Français, bouton, choisi, 1 sur 5"); a button that cannot be used says
    so; a text says its words; a picture says it is one."""
    from kiosk.ui.widgets import Picture  # a widget of the kiosk's own

    element = element_of(widget)
    if element is None:
        return ""
    t = strings.t
    if isinstance(element, QAbstractButton):
        parts = [label_of(element), t("focus.button")]
        group = siblings(element)
        if element.property("selected"):  # the language shown, among the languages
            parts.append(t("focus.selected"))
        if len(group) > 1:
            parts.append(t("focus.position", n=group.index(element) + 1, total=len(group)))
        if not element.isEnabled():
            parts.append(t("focus.unavailable"))
        return ", ".join(p for p in parts if p)
    if isinstance(element, Picture):
        return t("focus.picture")
    if isinstance(element, QLabel):
        return label_of(element)
    return element.accessibleName().strip()
