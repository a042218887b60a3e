"""Small pieces of the editor's form: a text field per language (right-to-left for Arabic,
highlighted while untranslated), target and icon drop-downs. (Pictures, built-in and
from the hub, and their import: ``editor_pictures``.)"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QLocale, QSize, Qt
from PySide6.QtGui import QIcon, QTextOption
from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget

from kiosk import paths
from kiosk.i18n import catalog
from kiosk.languages import CODES
from kiosk.manager.editor_doc import SPECIAL_TARGETS
from kiosk.ui.widgets import svg_pixmap

#: a step's text box's least width (about 12 characters): narrower, a word per line
TEXT_MIN_WIDTH = 120


def shrinkable(combo: QComboBox, chars: int = 8) -> QComboBox:
    """A drop-down that may be narrower than its longest item (the form must fit)."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(chars)
    return combo


def is_rtl(language: str) -> bool:
    """Written right to left: a customers' language as its catalog says (``_meta.direction``),
    another one (added in the editor, without a catalog) as Qt's locale data says."""
    if language in CODES:
        return catalog(language).rtl
    return QLocale(language).textDirection() == Qt.LayoutDirection.RightToLeft


def set_missing(widget: QWidget, missing: bool) -> None:
    """Mark a field as still to translate (the page's stylesheet colours it)."""
    changed = bool(widget.property("missing")) != missing
    widget.setProperty("missing", missing)
    if changed:
        widget.style().unpolish(widget)
        widget.style().polish(widget)


class LineField(QLineEdit):
    """One line of text in one language; ``changed(text)`` on every edit."""

    def __init__(self, language: str, value: str, on_change: Callable[[str], None],
                 counted: bool = True) -> None:
        super().__init__(value)
        self.language, self.counted = language, counted
        self.setObjectName(f"field-{language}")
        if is_rtl(language):
            self.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
            self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.setCursorPosition(0)  # show the start of a long text
        self.setMinimumWidth(60)
        self.textEdited.connect(lambda text: (on_change(text), self.mark()))
        self.mark()

    def mark(self) -> None:
        set_missing(self, self.counted and not self.text().strip())


class TextField(QPlainTextEdit):
    """A few lines of text in one language (a step's text, or what to say)."""

    def __init__(self, language: str, value: str, on_change: Callable[[str], None],
                 counted: bool = True, placeholder: str = "", height: int = 116) -> None:
        super().__init__()
        self.language, self.counted = language, counted
        self.setObjectName(f"text-{language}")
        self.setPlainText(value)
        self.setPlaceholderText(placeholder)
        self.setTabChangesFocus(True)
        self.setFixedHeight(height)
        self.setMinimumWidth(TEXT_MIN_WIDTH)  # words stay readable; the form scrolls sideways
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        option = QTextOption(self.document().defaultTextOption())
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)  # long words too
        if is_rtl(language):
            self.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
            option.setTextDirection(Qt.LayoutDirection.RightToLeft)
            option.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.document().setDefaultTextOption(option)
        self._on_change = on_change
        self.textChanged.connect(self._changed)
        self.mark()

    def _changed(self) -> None:
        self._on_change(self.toPlainText())
        self.mark()

    def text(self) -> str:
        return self.toPlainText()

    def setText(self, text: str) -> None:  # noqa: N802 - like QLineEdit
        self.setPlainText(text)

    def mark(self) -> None:
        set_missing(self, self.counted and not self.toPlainText().strip())


def target_combo(targets: list[str], current: str, labels: dict[str, str],
                 on_change: Callable[[str], None]) -> QComboBox:
    """A drop-down of step ids then special targets (an unknown current one is kept,
    so that the validator can point at it)."""
    combo = shrinkable(QComboBox())
    combo.setObjectName("target")
    options = list(targets)
    if current and current not in options:
        options.insert(0, current)
    for value in options:
        combo.addItem(labels.get(value, value), value)
        if value in SPECIAL_TARGETS:
            combo.setItemData(combo.count() - 1, value, Qt.ItemDataRole.ToolTipRole)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    combo.currentIndexChanged.connect(lambda _i: on_change(str(combo.currentData())))
    return combo


def asset_names(kind: str) -> list[str]:
    folder = paths.assets_dir() / kind
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.suffix.lower() == ".svg")


def asset_combo(kind: str, current: str | None, none_label: str,
                on_change: Callable[[str | None], None], icon_px: int = 36) -> QComboBox:
    """A drop-down of the icons in the assets, each with a thumbnail."""
    combo = shrinkable(QComboBox())
    combo.setObjectName(f"{kind}Combo")
    combo.setIconSize(QSize(icon_px, icon_px))
    combo.setMaxVisibleItems(14)
    combo.addItem(none_label, None)
    names = asset_names(kind)
    if current and current not in names:
        names.insert(0, current)
    for name in names:
        combo.addItem(QIcon(svg_pixmap(kind, name, icon_px)), name, name)
    combo.setCurrentIndex(max(0, combo.findData(current)) if current else 0)
    combo.currentIndexChanged.connect(lambda _i: on_change(combo.currentData()))
    return combo
