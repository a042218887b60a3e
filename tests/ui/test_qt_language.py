"""Qt's own words (standard buttons, file dialogs) follow the staff app's language."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog

from kiosk.ui.qt import use_qt_language


@pytest.fixture
def french(qapp: QApplication) -> Iterator[None]:
    assert use_qt_language("fr")
    yield
    use_qt_language("en")


def _cancel_text() -> str:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    button = box.button(QDialogButtonBox.StandardButton.Cancel)
    text = button.text().replace("&", "")
    box.deleteLater()
    return text


@pytest.mark.usefixtures("french")
def test_standard_buttons_and_file_dialogs_speak_french() -> None:
    assert _cancel_text() == "Annuler"
    dialog = QFileDialog(None, "", "")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    labels = dialog.labelText(QFileDialog.DialogLabel.LookIn)
    dialog.deleteLater()
    assert labels.replace("&", "").replace("\xa0", " ") == "Voir dans :"


def test_english_takes_qt_s_own_words_back(qapp: QApplication) -> None:
    use_qt_language("fr")
    use_qt_language("en")
    assert _cancel_text() == "Cancel"
    assert not use_qt_language("xx")
