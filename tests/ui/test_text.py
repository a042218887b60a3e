"""Text as shown: a hyphen inside a word never ends a line ("a-t-/elle"), while the text
the kiosk says keeps its plain hyphen (espeak-ng reads "a-t-elle" as one word)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics, QTextLayout
from PySide6.QtWidgets import QLabel

from kiosk import i18n, paths
from kiosk.ui.theme import FONT_FAMILY
from kiosk.ui.widgets import NON_BREAKING_HYPHEN, BigButton, Text, unbroken, words

QUESTION = "Cette aide vous a-t-elle été utile ?"


def _shown(text: str) -> list[str]:
    """Every French text with a hyphen inside a word: the catalog's and the flows'."""
    return [t for t in text.splitlines() if re.search(r"[^\W\d_]-[^\W\d_]", t)]


def _french_texts() -> list[str]:
    texts = [v for v in i18n.flatten(yaml.safe_load(
        (i18n.HERE / "fr.yaml").read_text(encoding="utf-8"))).values()]
    for flow in sorted(Path(paths.builtin_flows_dir()).glob("*.yaml")):
        data = yaml.safe_load(flow.read_text(encoding="utf-8"))
        for step in data.get("steps", []):
            texts.append(str((step.get("text") or {}).get("fr", "")))
    return [t for t in texts if _shown(t)]


def _lines(text: str, width: int, pixel_size: int = 44, bold: bool = False) -> list[str]:
    """``text`` wrapped at ``width`` px in the kiosk's font, as a label wraps it."""
    font = QFont(FONT_FAMILY)
    font.setPixelSize(pixel_size)
    font.setBold(bold)
    layout = QTextLayout(text, font)
    option = layout.textOption()
    option.setWrapMode(option.WrapMode.WordWrap)
    layout.setTextOption(option)
    layout.beginLayout()
    lines = []
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        lines.append(text[line.textStart():line.textStart() + line.textLength()])
    layout.endLayout()
    return lines


def test_the_inverted_questions_are_found() -> None:
    """The texts this is about: the catalog's feedback question and the flows' steps."""
    found = _french_texts()
    assert QUESTION in found
    assert any("s'affiche-t-il" in t for t in found)
    assert any("entre-t-il" in t for t in found)


@pytest.mark.parametrize("text", _french_texts())
def test_no_line_ends_at_a_hyphen_inside_a_word(qapp: Any, text: str) -> None:
    """At every width a label may have, lines break only at spaces."""
    shown = unbroken(text)
    assert "-" not in re.sub(r"[^\w]-|-[^\w]|^-|-$", "", shown)  # none left between letters
    for width in range(120, 1400, 7):
        lines = _lines(shown, width)
        assert "".join(lines) == shown
        for line in lines[:-1]:
            assert line.endswith(" ") or len(line.split()) == 1 and \
                not line.rstrip().endswith(NON_BREAKING_HYPHEN), (width, lines)


def test_a_plain_hyphen_would_break_there(qapp: Any) -> None:
    """(The test above is no accident: Qt does break after a plain hyphen.)"""
    broken = [lines for width in range(120, 1400, 7)
              for lines in [_lines(QUESTION, width)] if any(x.endswith("-") for x in lines)]
    assert broken


def test_the_kiosk_font_has_the_non_breaking_hyphen(qapp: Any) -> None:
    for bold in (False, True):
        font = QFont(FONT_FAMILY)
        font.setBold(bold)
        assert QFontMetrics(font).inFontUcs4(ord(NON_BREAKING_HYPHEN))


def test_a_label_shows_it_and_keeps_the_plain_text(qapp: Any) -> None:
    """What is read aloud (``text()``, a button's accessible name) keeps "-"."""
    label = Text(QUESTION)
    assert QLabel.text(label) == "Cette aide vous a\u2011t\u2011elle été utile\u00a0?"
    assert label.text() == QUESTION
    button = BigButton("Le poids s'affiche-t-il ?", "choice")
    assert button.accessibleName() == "Le poids s'affiche-t-il ?"
    assert button.label_text() == "Le poids s'affiche-t-il ?"
    assert NON_BREAKING_HYPHEN in QLabel.text(button.text_label)
    assert label.textFormat() == Qt.TextFormat.PlainText


def test_a_french_question_mark_never_starts_a_line(qapp: Any) -> None:
    """French puts a space before ? ! : ; and inside « »: shown as a no-break space,
    so that a "?" is never alone on the next line."""
    assert unbroken("Bonjour ! Que voulez-vous faire ?") == \
        "Bonjour\u00a0! Que voulez\u2011vous faire\u00a0?"
    assert unbroken("« oui »") == "«\u00a0oui\u00a0»"
    assert words("Que voulez-vous faire ?") == ["Que", "voulez\u2011vous", "faire\u00a0?"]


def test_only_hyphens_between_letters(qapp: Any) -> None:
    assert unbroken("1-2-3, -5, fin -") == "1-2-3, -5, fin -"
    assert unbroken("Pouvez-vous") == "Pouvez\u2011vous"
    assert unbroken("ajudá-lo") == "ajudá\u2011lo"
    rtl = Text("عائشة - a-t-elle")
    assert "a\u2011t\u2011elle" in QLabel.text(rtl)
    assert rtl.text() == "عائشة - a-t-elle"
