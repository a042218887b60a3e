"""The editor's YAML view (with line numbers and the line of an error marked) and the list
of problems the validator found, each one a click away from its line and its step."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QResizeEvent, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from kiosk.flows.issues import Issue

MONO = "DejaVu Sans Mono"
ERROR_LINE = QColor("#FDE2E1")
FOCUS_LINE = QColor("#E3EEFF")
ERROR_TEXT = QColor("#A3140F")
WARNING_TEXT = QColor("#7A4A00")


class _Gutter(QWidget):
    """Line numbers beside the YAML text."""

    def __init__(self, editor: CodeEdit) -> None:
        super().__init__(editor)
        self.editor = editor

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(self.editor.gutter_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        self.editor.paint_gutter(event)


class CodeEdit(QPlainTextEdit):
    """A plain-text editor with line numbers; Tab types two spaces (YAML forbids tabs)."""

    def __init__(self) -> None:
        super().__init__()
        font = QFont(MONO)
        font.setPixelSize(16)
        self.setFont(font)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.gutter = _Gutter(self)
        self.blockCountChanged.connect(lambda _n: self._fit_gutter())
        self.updateRequest.connect(self._scroll_gutter)
        self._fit_gutter()

    def gutter_width(self) -> int:
        digits = max(3, len(str(self.blockCount())))
        return 14 + self.fontMetrics().horizontalAdvance("9") * digits

    def _fit_gutter(self) -> None:
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)

    def _scroll_gutter(self, rect: QRect, dy: int) -> None:
        if dy:
            self.gutter.scroll(0, dy)
        else:
            self.gutter.update(0, rect.y(), self.gutter.width(), rect.height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        r = self.contentsRect()
        self.gutter.setGeometry(QRect(r.left(), r.top(), self.gutter_width(), r.height()))

    def paint_gutter(self, event: QPaintEvent) -> None:
        painter = QPainter(self.gutter)
        painter.fillRect(event.rect(), QColor("#EEF1F6"))
        painter.setPen(QColor("#5A6270"))
        block = self.firstVisibleBlock()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        height = self.fontMetrics().height()
        while block.isValid() and top <= event.rect().bottom():
            if block.isVisible():
                painter.drawText(0, top, self.gutter.width() - 6, height,
                                 Qt.AlignmentFlag.AlignRight, str(block.blockNumber() + 1))
            top += round(self.blockBoundingRect(block).height())
            block = block.next()
        painter.end()

    def keyPressEvent(self, event: object) -> None:  # noqa: N802 - Qt API
        if getattr(event, "key", lambda: None)() == Qt.Key.Key_Tab:
            self.insertPlainText("  ")
            return
        super().keyPressEvent(event)  # type: ignore[arg-type]


class YamlPane(QWidget):
    """The flow's YAML text. ``edited(text)`` fires once the user paused typing."""

    edited = Signal(str)

    def __init__(self, t: Callable[..., str], pause_ms: int = 350) -> None:
        super().__init__()
        self.t = t
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        self.banner = QLabel()
        self.banner.setObjectName("yamlError")
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.editor = CodeEdit()
        self.editor.setObjectName("yamlText")
        box.addWidget(self.banner)
        box.addWidget(self.editor, 1)
        self.pause = QTimer(self)
        self.pause.setObjectName("yamlPause")
        self.pause.setSingleShot(True)
        self.pause.setInterval(pause_ms)
        self.pause.timeout.connect(self._emit)
        self._setting = False
        self._error_line: int | None = None
        self._focus_line: int | None = None
        self.editor.textChanged.connect(self._typed)

    def text(self) -> str:
        return self.editor.toPlainText()

    def set_text(self, text: str) -> None:
        """Show a text written by the form (no ``edited`` signal); scroll stays put."""
        if text == self.text():
            return
        bar = self.editor.verticalScrollBar()
        where = bar.value()
        self._setting = True
        self.editor.setPlainText(text)
        self._setting = False
        bar.setValue(where)

    def _typed(self) -> None:
        if not self._setting:
            self.pause.start()

    def _emit(self) -> None:
        self.edited.emit(self.text())

    def flush(self) -> bool:
        """Send what was typed now, if a pause is pending; True if it was."""
        if self.pause.isActive():
            self.pause.stop()
            self._emit()
            return True
        return False

    def stop(self) -> None:
        self.pause.stop()

    # -- marks -------------------------------------------------------------------------
    def show_error(self, line: int, message: str) -> None:
        self.banner.setText(self.t("yaml.error", line=line, message=message))
        self.banner.show()
        self._error_line = line
        self._mark()

    def clear_error(self) -> None:
        self.banner.hide()
        self.banner.setText("")
        self._error_line = None
        self._mark()

    @property
    def error_text(self) -> str:
        return self.banner.text() if self._error_line is not None else ""

    def goto_line(self, line: int) -> None:
        block = self.editor.document().findBlockByNumber(max(0, line - 1))
        cursor = QTextCursor(block)
        self.editor.setTextCursor(cursor)
        self.editor.centerCursor()
        self._focus_line = line
        self._mark()

    def _mark(self) -> None:
        marks = []
        for line, colour in ((self._focus_line, FOCUS_LINE), (self._error_line, ERROR_LINE)):
            if line is None:
                continue
            block = self.editor.document().findBlockByNumber(line - 1)
            if not block.isValid():
                continue
            sel = QTextEdit.ExtraSelection()
            sel.format.setBackground(colour)
            sel.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            sel.cursor = QTextCursor(block)
            marks.append(sel)
        self.editor.setExtraSelections(marks)


class ProblemList(QWidget):
    """Errors then warnings, as "line · step — message"; a click gives the line."""

    lineClicked = Signal(int)

    def __init__(self, t: Callable[..., str], language: str = "fr") -> None:
        super().__init__()
        self.t = t
        self.language = language  # the validator's messages are said in it
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(4)
        self.summary = QLabel()
        self.summary.setObjectName("problemSummary")
        self.summary.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("problems")
        self.list.setMinimumHeight(96)  # not Qt's 184 px: the editor fits a 1366x768 screen
        self.list.setWordWrap(True)
        self.list.itemClicked.connect(self._clicked)
        self.list.itemActivated.connect(self._clicked)
        box.addWidget(self.summary)
        box.addWidget(self.list, 1)
        self.issues: list[Issue] = []

    def set_issues(self, issues: list[Issue], step_of: Callable[[int], str | None]) -> None:
        self.issues = sorted(issues, key=lambda i: (i.severity != "error", i.line))
        self.list.clear()
        errors = sum(1 for i in issues if i.severity == "error")
        warnings = len(issues) - errors
        self.summary.setText(self.t("problems.summary", errors=errors, warnings=warnings)
                             if issues else self.t("problems.none"))
        for issue in self.issues:
            step = step_of(issue.line)
            where = (self.t("problems.where_step", line=issue.line, step=step) if step
                     else self.t("problems.where", line=issue.line))
            kind = self.t("problems.error" if issue.severity == "error" else "problems.warning")
            item = QListWidgetItem(f"{kind} · {where} — {issue.text(self.language)}")
            item.setData(Qt.ItemDataRole.UserRole, issue.line)
            item.setForeground(ERROR_TEXT if issue.severity == "error" else WARNING_TEXT)
            self.list.addItem(item)

    def _clicked(self, item: QListWidgetItem) -> None:
        self.lineClicked.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    def click(self, row: int) -> None:
        """Act as if the problem on ``row`` was clicked."""
        self._clicked(self.list.item(row))

    def texts(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]
