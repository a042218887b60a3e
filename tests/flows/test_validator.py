from __future__ import annotations

import time
from pathlib import Path

import pytest

from kiosk.flows.validator import validate_file, validate_paths, validate_text


def errors(text: str, assets: Path) -> list[tuple[int, str]]:
    report = validate_text(text, "f.yaml", assets)
    return [(i.line, i.message) for i in report.errors]


def test_the_valid_flow_has_no_issue(valid_text: str, assets: Path) -> None:
    report = validate_text(valid_text, "f.yaml", assets)
    assert report.issues == []
    assert report.ok
    assert report.flow is not None
    assert report.flow.step("ask").choices[1].next == "@help"


# (replace this, by that) -> (line, words in the message)
CASES = [
    (("  - id: done\n", "  - id: first\n"), 19, "duplicate step id 'first'"),
    (("start: first", "start: firts"), 7, "start step 'firts' does not exist; did you mean 'first'"),
    (("next: done}", "next: dne}"), 17, "target 'dne' does not exist"),
    (("    image: a.svg\n    next: ask", "    imag: a.svg\n    next: ask"), 11,
     "unknown key 'imag'; did you mean 'image'"),
    (("machine: postage", "machine: rocket"), 6, "machine"),
    (("schema: 1", "schema: 2"), 1, "unsupported schema 2"),
    (('{fr: "Merci !", en:', '{de: "Danke", en:'), 20, "no French text"),
    (("    image: a.svg\n    end", "    image: nope.svg\n    end"), 21,
     "picture 'nope.svg' not found in assets/pictures"),
    (("icon: i.svg\nmachine", "icon: x.svg\nmachine"), 5, "icon 'x.svg' not found"),
    (('      - {label: {fr: "Non", en: "No"}, next: "@help"}\n', ""), 16,
     "has 1 choice: a question needs 2 to 6"),
    (('next: "@help"', 'next: "@workshop:advanced"'), 18, "unknown workshop level 'advanced'"),
    (('next: "@help"', 'next: "@pub"'), 18, "unknown special target '@pub'"),
    (("    end: true\n", "    next: done\n"), 19, "can never reach an end: every path from it loops"),
    (("    next: ask\n", "    end: true\n"), 13, "step 'ask' can never be reached"),
    (("    next: ask\n", "    next: ask\n    end: true\n"), 9, "needs exactly one of next, choices, end"),
    (('en: "Yes"}', "en: Yes}"), 17, "YAML read this word as true/false; put it in quotes"),
    (('{fr: "Oui", en: "Yes"}', '{fr: "", en: "Yes"}'), 17, "is empty in 'fr'"),
    (("id: demo", "id: Demo Flow"), 2, "must be a slug"),
    (("title: {fr:", 'title: {FR: "x", fr:'), 3, "'FR' is not a language code"),
    (("  - id: first\n", '  - id: first\n    text: {fr: "x"}\n'), 11, "key 'text' appears twice"),
    (('title: {fr: "Démo", en: "Demo"}', "title: 3"), 3,
     "title: write keys and values (key: value)"),
]


@pytest.mark.parametrize(("change", "line", "words"), CASES,
                         ids=[c[2][:40] for c in CASES])
def test_each_error_is_clear_and_at_its_line(valid_text: str, assets: Path,
                                             change: tuple[str, str], line: int,
                                             words: str) -> None:
    old, new = change
    assert old in valid_text
    found = errors(valid_text.replace(old, new, 1), assets)
    assert any(words in message and at == line for at, message in found), found


def test_seven_choices_are_too_many(valid_text: str, assets: Path) -> None:
    extra = "".join(f'      - {{label: {{fr: "C{i}", en: "C{i}"}}, next: done}}\n'
                    for i in range(5))
    text = valid_text.replace('      - {label: {fr: "Non"', extra + '      - {label: {fr: "Non"')
    assert (16, "step 'ask' has 7 choices: a question needs 2 to 6") in errors(text, assets)


def test_missing_key_points_at_the_step(valid_text: str, assets: Path) -> None:
    text = valid_text.replace('    text: {fr: "Posez la lettre.", en: "Put the letter down."}\n',
                              "")
    assert (9, "missing key 'text' in step 'first'") in errors(text, assets)


def test_warnings_for_easy_to_read_rules(valid_text: str, assets: Path) -> None:
    long = " ".join(["mot"] * 16) + "."
    text = valid_text.replace('"Posez la lettre."', f'"{long} Deux. Trois. Veuillez payer."')
    report = validate_text(text, "f.yaml", assets)
    assert report.ok  # warnings only
    messages = [w.message for w in report.warnings]
    assert any("sentence of 16 words in 'fr'" in m for m in messages)
    assert any("4 sentences in 'fr'" in m for m in messages)
    assert any("jargon 'veuillez'" in m for m in messages)
    assert all(w.line == 10 for w in report.warnings)


def test_partly_covered_language_is_a_warning(valid_text: str, assets: Path) -> None:
    text = valid_text.replace(', en: "Thank you!"', "")
    report = validate_text(text, "f.yaml", assets)
    assert report.ok
    assert [(w.line, w.message) for w in report.warnings] == [
        (20, "language 'en' is only partly covered: missing in 1 text")]


def test_unreadable_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "bin.yaml"
    path.write_bytes(b"\xff\xfe\x00bad")
    report = validate_file(path)
    assert not report.ok
    assert "cannot read" in report.errors[0].message


def test_flow_ids_are_unique_across_files(tmp_path: Path, valid_text: str,
                                          assets: Path) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(valid_text)
    b.write_text(valid_text)
    reports = validate_paths([a, b], assets)
    assert reports[0].ok
    assert "already used by" in reports[1].errors[0].message


def test_issue_prints_as_file_line_message(valid_text: str, assets: Path) -> None:
    report = validate_text(valid_text.replace("start: first", "start: nope"), "x/f.yaml", assets)
    assert str(report.errors[0]).startswith("x/f.yaml:7: error: start step 'nope'")


LONG = "a" * 64


@pytest.mark.parametrize(("old", "new", "line", "words"), [
    ("id: demo", "id: " + "x" * 5000, 2, "flow id '" + "x" * 64 + "…' is 5,000 characters "
                                          "long: at most 64"),
    ("id: demo", f"id: {LONG}b", 2, "is 65 characters long: at most 64"),
    ("id: demo", "id: demo_flow", 2, "flow id 'demo_flow' must be a slug"),
    ("id: demo", "id: Demo", 2, "flow id 'Demo' must be a slug"),
    ("id: demo", "id: -demo", 2, "flow id '-demo' must be a slug"),
    ("id: demo", 'id: "demo\\n"', 2, "must be a slug"),
    ("first", "f" * 65, 9, "step id '" + "f" * 64 + "…' is 65 characters long: at most 64"),
    ("ask", "ask.me", 13, "step id 'ask.me' must be a slug"),
    ("ask", "ask--me", 13, "step id 'ask--me' must be a slug"),
    ("done", "done now", 19, "step id 'done now' must be a slug"),
])
def test_ids_the_hub_would_refuse_are_errors_at_their_line(valid_text: str, assets: Path,
                                                           old: str, new: str, line: int,
                                                           words: str) -> None:
    text = valid_text.replace(old, new)  # every use of a step id, so only the id is wrong
    found = errors(text, assets)
    assert any(at == line and words in message for at, message in found), found


def test_ids_of_64_characters_are_fine(valid_text: str, assets: Path) -> None:
    text = valid_text.replace("id: demo", f"id: {LONG}").replace("first", "f" * 64)
    report = validate_text(text, "f.yaml", assets)
    assert report.errors == []
    assert report.flow is not None
    assert report.flow.id == LONG


def test_long_values_keep_messages_short_and_the_validator_fast(valid_text: str,
                                                                assets: Path) -> None:
    # 50 steps whose ids and targets are long and alike: no "did you mean" over them
    body = "".join(f"  - id: {'ab' * 4000}{i:03d}\n    text: {{fr: Oui.}}\n"
                   f"    next: {'ab' * 4000}zzz\n" for i in range(50))
    text = valid_text.split("steps:\n")[0] + "steps:\n" + body
    started = time.perf_counter()
    report = validate_text(text, "f.yaml", assets)
    assert time.perf_counter() - started < 5
    assert report.errors
    assert max(len(i.message) for i in report.issues) < 300
