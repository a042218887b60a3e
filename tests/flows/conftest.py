from __future__ import annotations

from pathlib import Path

import pytest

VALID = """\
schema: 1
id: demo
title: {fr: "Démo", en: "Demo"}
summary: {fr: "Un essai.", en: "A test."}
icon: i.svg
machine: postage
start: first
steps:
  - id: first
    text: {fr: "Posez la lettre.", en: "Put the letter down."}
    image: a.svg
    next: ask
  - id: ask
    text: {fr: "Est-ce sorti ?", en: "Did it come out?"}
    image: a.svg
    choices:
      - {label: {fr: "Oui", en: "Yes"}, icon: i.svg, next: done}
      - {label: {fr: "Non", en: "No"}, next: "@help"}
  - id: done
    text: {fr: "Merci !", en: "Thank you!"}
    image: a.svg
    end: true
"""


@pytest.fixture
def assets(tmp_path: Path) -> Path:
    root = tmp_path / "assets"
    (root / "pictures").mkdir(parents=True)
    (root / "icons").mkdir()
    (root / "pictures" / "a.svg").write_text("<svg/>")
    (root / "icons" / "i.svg").write_text("<svg/>")
    return root


@pytest.fixture
def valid_text() -> str:
    return VALID
