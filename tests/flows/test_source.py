from __future__ import annotations

import pytest

from kiosk.flows.source import SourceError, parse


def test_lines_of_keys_and_values() -> None:
    located = parse("schema: 1\nid: x\nsteps:\n  - id: a\n    text: {fr: salut}\n    next: b\n")
    assert located.data["steps"][0]["next"] == "b"
    assert located.line(("steps", 0, "next")) == 6
    assert located.value_line(("steps", 0)) == 4
    assert located.line(("steps", 0, "text", "fr")) == 5


def test_duplicate_keys_are_remembered_at_the_second() -> None:
    located = parse("id: a\nid: b\n")
    assert located.duplicate_keys == [(("id",), 2)]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("id: [unclosed\nother: 1\n", 2, "malformed YAML"),
        ("- a\n- b\n", 1, "not a list"),
        ("just text\n", 1, "not a single value"),
        ("", 1, "empty"),
        ("a: 1\n---\nb: 2\n", 3, "second document"),
        ("a: 1\n  b: 2\n", 2, "malformed YAML"),
    ],
)
def test_bad_files_raise_with_line(text: str, line: int, words: str) -> None:
    with pytest.raises(SourceError) as info:
        parse(text)
    assert info.value.line == line
    assert words in info.value.message
