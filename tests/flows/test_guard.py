"""Crafted YAML (alias bombs, huge numbers and texts, deep nesting, values YAML cannot
build) ends in a clear ``file:line: message`` for every reader, fast: the command line,
the kiosk's library and the validator."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk import paths
from kiosk.flows import guard
from kiosk.flows.cli import flows
from kiosk.flows.library import FlowLibrary
from kiosk.flows.source import SourceError, parse
from kiosk.flows.validator import validate_text

# "billion laughs": 9 ** 9 strings once expanded, 600 bytes as written
BOMB = ("schema: 1\nid: demo\n"
        + 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        + "".join(f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n"
                  for a, b in zip("abcdefgh", "bcdefghi", strict=True)))


def _flow_with(line: str) -> str:
    """A small flow (no pictures needed) with ``line`` as its third line."""
    return (f"schema: 1\nid: demo\n{line}\ntitle: {{fr: Démo}}\nstart: a\nsteps:\n"
            "  - id: a\n    text: {fr: Fini.}\n    end: true\n")


def _only_error(text: str) -> tuple[int, str]:
    report = validate_text(text, "f.yaml")
    assert report.flow is None
    return report.errors[0].line, report.errors[0].message


def test_the_alias_bomb_is_small_as_written() -> None:
    assert len(BOMB) < 700
    assert BOMB.count("*") == 72


def test_flows_validate_refuses_an_alias_bomb_at_once(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BOMB, encoding="utf-8")
    started = time.perf_counter()
    result = CliRunner().invoke(flows, ["validate", str(bomb)])
    assert time.perf_counter() - started < 5
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"{bomb}:3: error: YAML anchors and aliases" in result.output
    assert "0/1 flows valid, 1 error," in result.output


def test_the_library_keeps_the_last_good_version_over_a_bomb(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             ) -> None:
    monkeypatch.setenv("KIOSK_ASSETS_DIR", str(paths.assets_dir()))
    folder = tmp_path / "flows"
    folder.mkdir()
    good = (paths.builtin_flows_dir() / "buy-stamps.yaml").read_text(encoding="utf-8")
    (folder / "buy-stamps.yaml").write_text(good, encoding="utf-8")
    library = FlowLibrary([folder], tmp_path / "cache.json")
    assert [p for p in library.load() if p.severity == "error"] == []
    before = library.flows["buy-stamps"]

    (folder / "buy-stamps.yaml").write_text(BOMB.replace("id: demo", "id: buy-stamps"),
                                            encoding="utf-8")
    started = time.perf_counter()
    problems = library.load()
    assert time.perf_counter() - started < 5
    assert [(p.line, p.severity) for p in problems] == [(3, "error")]
    assert "aliases" in problems[0].message
    assert library.flows["buy-stamps"] == before
    # and after a restart, through the cache
    again = FlowLibrary([folder], tmp_path / "cache.json")
    again.load()
    assert again.flows["buy-stamps"] == before


def test_flows_validate_reports_a_huge_integer_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(_flow_with("summary: {fr: " + "9" * 5000 + "}"), encoding="utf-8")
    result = CliRunner().invoke(flows, ["validate", str(path)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"{path}:3: error: a number of 5,000 characters is too long" in result.output


@pytest.mark.parametrize("number", [
    "9" * 4301,                   # over Python's int-string conversion limit
    "0x" + "f" * 5000,            # hexadecimal: read without limit, too big to print
    ":".join(["59"] * 60),        # YAML 1.1 base 60
    "-" + "1" * 200,
    "1." + "5" * 200,
])
def test_long_numbers_are_refused_at_their_line(number: str) -> None:
    line, message = _only_error(_flow_with(f"machine: {number}"))
    assert line == 3
    assert "is too long" in message
    assert "put it in quotes if it is text" in message


def test_a_number_in_quotes_is_text() -> None:
    located = parse("id: '" + "9" * 5000 + "'\n")
    assert located.data["id"] == "9" * 5000


@pytest.mark.parametrize(("value", "words"), [
    ("2024-02-30", "'2024-02-30' cannot be read as a date"),
    ("!!float abc", "'abc' cannot be read as a number"),
    ("!!int abc", "'abc' cannot be read as a whole number"),
    ("!!bool maybe", "'maybe' cannot be read as true or false"),
    ("!!timestamp soon", "'soon' cannot be read as a date"),
    ("!!binary zz", "malformed YAML"),
    ("!custom x", "malformed YAML"),
])
def test_values_yaml_cannot_build_are_errors_at_their_line(value: str, words: str) -> None:
    line, message = _only_error(_flow_with(f"summary: {{fr: {value}}}"))
    assert line == 3
    assert words in message


def test_a_key_yaml_cannot_build_is_an_error_at_its_line() -> None:
    line, message = _only_error(_flow_with("2024-02-30: x"))
    assert (line, message) == (3, "'2024-02-30' cannot be read as a date; put it in quotes "
                                  "if it is text")


def test_a_huge_text_is_refused_with_its_line() -> None:
    line, message = _only_error(_flow_with("summary: {fr: " + "a" * 10_001 + "}"))
    assert (line, message) == (3, "a key or value of 10,001 characters is too long "
                                  "(at most 10,000)")
    # a long but reasonable text is only a reading-ease matter
    report = validate_text(_flow_with("summary: {fr: " + "a" * 10_000 + "}"), "f.yaml")
    assert report.errors == []


def test_a_huge_key_is_refused_too() -> None:
    line, message = _only_error(_flow_with("? " + "k" * 20_000 + "\n: 1"))
    assert line == 3
    assert "20,000 characters is too long" in message


@pytest.mark.parametrize(("nested", "line"), [
    ("summary: " + "[" * 65 + "]" * 65, 3),                      # flow style
    ("summary:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 70)) + "   " * 70 + "x", 67),
    ("summary:\n  " + "- " * 65 + "x", 4),                        # one line of '- - -'
    ("summary: " + "[" * 500_000, 3),                             # fast despite its size
])
def test_deep_nesting_is_refused_at_the_line_that_is_too_deep(nested: str, line: int) -> None:
    started = time.perf_counter()
    found = _only_error(_flow_with(nested))
    assert time.perf_counter() - started < 5
    assert found == (line, guard.DEEP)
    assert guard.DEEP == "nested too deeply (over 64 levels)"


def test_too_many_values_are_refused_early() -> None:
    text = _flow_with("summary: [" + "1, " * 20_000 + "1]")
    line, message = _only_error(text)
    assert line == 3
    assert "over 10,000 keys and values" in message
    report = validate_text(text, "f.yaml")
    assert len(report.issues) == 1


def test_a_text_over_one_mebibyte_is_refused() -> None:
    text = _flow_with("# " + "é" * (guard.MAX_TEXT // 2))  # under the limit in characters
    assert len(text) < guard.MAX_TEXT
    assert _only_error(text) == (1, "the flow is larger than 1024 KiB: split it into "
                                    "smaller flows")


def test_parse_raises_source_errors_only() -> None:
    with pytest.raises(SourceError) as info:
        parse("a: &x 1\nb: *x\n")
    assert info.value.line == 1
    assert info.value.message == guard.ALIASES


def test_built_in_flows_are_far_from_every_limit() -> None:
    for path in paths.builtin_flows_dir().glob("*.yaml"):
        assert guard.check(path.read_text(encoding="utf-8")) is None, path


def test_a_lone_surrogate_is_an_error_at_its_line() -> None:
    assert _only_error(_flow_with('summary: {fr: "a\ud800b"}')) == (
        3, "U+D800 is not a character: retype this text")


def test_a_control_character_is_an_error_at_its_line() -> None:
    line, message = _only_error(_flow_with("summary: {fr: a\x07b}"))
    assert (line, message) == (3, "malformed YAML: character #x0007 is not allowed "
                                  "(control characters are not allowed)")


@pytest.mark.parametrize(("value", "words"), [
    ('"no"', "steps[0].end: write true or false, without quotes"),   # "no" was read as false
    ("1", "steps[0].end: write true or false, without quotes"),
])
def test_values_are_never_converted_quietly(value: str, words: str) -> None:
    # the validator's rules read the file's values, the kiosk the converted ones: a quoted
    # "no" read as false passed every rule as an end, and left the customer stuck
    line, message = _only_error(_flow_with("").replace("end: true", f"end: {value}"))
    assert (line, message) == (9, words)


def test_binary_data_is_not_text() -> None:
    line, message = _only_error(_flow_with("summary: {fr: !!binary aGk=}"))
    assert (line, message) == (3, "summary.fr: write a text")


TYPED = ["!!float abc", "!!int x", "!!timestamp y", "!!binary zz", "!!binary aGk=", "!!bool q",
         "!!set {a, b}", "!!omap [{a: 1}]", "!!pairs [{a: 1}]", "!!null x", "!!str 1",
         "!!map x", "!!seq x", "!!omap [1]", "!!python/tuple [1]", "!python/object:os.system {}",
         "9" * 120, "0x" + "f" * 99, "2024-02-30", ".inf", ".nan", "~", "0o777", "0b101",
         "1_000", "190:20:30", "2001-12-14t21:59:43.10-05:00", "2001-13-14", "1.5e999", "-1",
         "!!int 0b" + "1" * 99, "!!int " + "1:" * 40 + "1", "!!timestamp 2001-02-29",
         '"\\ud800"', "'\ud800'", '"\\x00"', "&a x", "*a", "<<: {a: 1}", "[[[]]]", "{}", "yes",
         '"yes"', "1", '"1"', "1.0", "!<tag:yaml.org,2002:int> zz", "\x85", "\t", "|\n  x"]
SOURCE = (paths.builtin_flows_dir() / "frank-letter.yaml").read_text(encoding="utf-8")
VALUE_LINES = [i for i, line in enumerate(SOURCE.splitlines()) if ": " in line]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=st.lists(st.tuples(st.sampled_from(VALUE_LINES), st.sampled_from(TYPED)),
                        min_size=1, max_size=3))
def test_typed_and_tagged_values_never_crash_any_reader(changes: list[tuple[int, str]]) -> None:
    lines = SOURCE.splitlines()
    for i, value in changes:
        lines[i] = lines[i][:lines[i].index(": ") + 2] + value
    text = "\n".join(lines) + "\n"
    report = validate_text(text, "f.yaml")
    for issue in report.issues:
        assert 1 <= issue.line <= len(lines) + 1
        assert issue.message
    if report.flow is not None:  # what passes is what the kiosk runs
        assert report.flow.remaining(report.flow.start) >= 1


def test_a_file_larger_than_a_flow_is_never_read_whole(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_ASSETS_DIR", str(paths.assets_dir()))
    folder = tmp_path / "flows"
    folder.mkdir()
    path = folder / "buy-stamps.yaml"
    path.write_text((paths.builtin_flows_dir() / "buy-stamps.yaml").read_text(encoding="utf-8"),
                    encoding="utf-8")
    library = FlowLibrary([folder])
    library.load()
    before = library.flows["buy-stamps"]
    with path.open("ab") as fh:
        fh.write(b"#" * (guard.MAX_TEXT + 1))
    assert [(p.line, p.message) for p in library.load()] == [(1, guard.TOO_LARGE)]
    assert library.flows["buy-stamps"] == before
    result = CliRunner().invoke(flows, ["validate", str(path)])
    assert result.exit_code == 1
    assert f"{path}:1: error: {guard.TOO_LARGE}" in result.output


def test_a_pipe_among_the_flows_is_reported_and_never_waited_for(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "folder.yaml").mkdir()
    problems = FlowLibrary([tmp_path]).load()
    assert sorted(p.message.rsplit("/", 1)[-1] for p in problems) == [
        "folder.yaml is not a regular file", "pipe.yaml is not a regular file"]
    result = CliRunner().invoke(flows, ["validate", str(tmp_path / "pipe.yaml")])
    assert result.exit_code == 1
    assert "pipe.yaml is not a regular file" in result.output
