"""The validator's and the easy-to-read lint's messages in the editor's language."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import yaml
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.flows import messages
from kiosk.flows.validator import validate_text
from kiosk.i18n import HERE, flatten

BROKEN = """\
schema: 1
id: essai
title: {fr: "Essai"}
start: debut
steps:
  - id: debut
    text: {fr: "Veuillez payer."}
    imag: x.svg
    next: fin
  - id: fin
    text: {fr: "Fini."}
    end: true
"""


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_english_and_french_say_the_same_things_with_the_same_values() -> None:
    en = flatten(yaml.safe_load((HERE / "flows" / "en.yaml").read_text(encoding="utf-8")))
    fr = flatten(yaml.safe_load((HERE / "flows" / "fr.yaml").read_text(encoding="utf-8")))
    assert set(en) == set(fr)
    for key, text in en.items():
        if not key.startswith("_meta"):
            assert _fields(text) == _fields(fr[key]), key


def test_every_code_the_validator_writes_is_in_the_catalogs() -> None:
    source = "".join(Path(f"kiosk/flows/{m}.py").read_text(encoding="utf-8")
                     for m in ("validator", "falc", "source", "cli"))
    codes = set(re.findall(r'(?:msg|error|warn|of)\([^"\n]*"([a-z_.]+)"', source))
    codes |= set(re.findall(r'"((?:falc|yaml|schema)\.[a-z_]+)"', source))
    codes -= {"yaml.kind", "code", "error", "warning", "schema", "start", "steps"}  # not codes
    en = flatten(yaml.safe_load((HERE / "flows" / "en.yaml").read_text(encoding="utf-8")))
    known = {k.rsplit(".", 1)[0] if k.rsplit(".", 1)[-1] in ("one", "other") else k for k in en}
    assert len(codes) > 30
    assert codes <= known, sorted(codes - known)


def test_an_issue_is_said_in_french_from_its_code_and_values() -> None:
    report = validate_text(BROKEN, "essai.yaml")
    issue = next(i for i in report.errors if i.code == "unknown_key")
    assert issue.message == "unknown key 'imag'; did you mean 'image'?"
    assert issue.text("fr") == "clé inconnue « imag » ; vouliez-vous dire « image » ?"
    assert issue.text("xx") == issue.message  # a language without a catalog: English
    fine = validate_text(BROKEN.replace("    imag: x.svg\n", ""), "essai.yaml")
    jargon = next(i for i in fine.warnings if i.params.get("problem", {}).get("code")
                  == "falc.jargon_rephrase")
    assert "veuillez" in jargon.text("fr")
    assert "mots de tous les jours" in jargon.text("fr")


def test_an_api_item_is_said_in_the_editors_language() -> None:
    item = {"line": 8, "msg": "8: unknown key 'imag'", "code": "unknown_key",
            "params": {"name": "imag", "hint": {"code": "did_you_mean",
                                                 "params": {"word": "image"}}}}
    assert messages.render_item(item, "fr") == "8: clé inconnue « imag » ; vouliez-vous dire « image » ?"
    assert messages.render_item({"line": 3, "msg": "3: old hub"}, "fr") == "3: old hub"
    assert messages.render_item({**item, "code": "no-such-code"}, "fr") == item["msg"]


def test_counts_agree_with_their_number_in_french() -> None:
    assert messages.render("errors", {"n": 1}, "fr") == "1 erreur"
    assert messages.render("errors", {"n": 0}, "fr") == "0 erreur"
    assert messages.render("errors", {"n": 2}, "en") == "2 errors"


def test_flows_validate_speaks_english_unless_told_french(tmp_path: Path) -> None:
    flow = tmp_path / "essai.yaml"
    flow.write_text(BROKEN, encoding="utf-8")
    runner = CliRunner()
    english = runner.invoke(main, ["flows", "validate", str(flow)])
    assert f"{flow}:8: error: unknown key 'imag'" in english.output
    assert "0/1 flows valid, 1 error," in english.output
    french = runner.invoke(main, ["flows", "validate", "--lang", "fr", str(flow)])
    assert french.exit_code == 1
    assert f"{flow}:8: erreur: clé inconnue « imag »" in french.output
    assert "0/1 parcours valides, 1 erreur," in french.output
    as_json = runner.invoke(main, ["flows", "validate", "--lang", "fr", "--json", str(flow)])
    issue = json.loads(as_json.output)["files"][0]["issues"][0]
    assert issue["code"] == "unknown_key"
    assert issue["message"].startswith("clé inconnue")


def test_a_yaml_syntax_error_is_said_in_french_too() -> None:
    report = validate_text("schema: 1\nid: [unclosed\n", "x.yaml")
    (issue,) = report.errors
    assert issue.message.startswith("malformed YAML: ")
    assert issue.text("fr").startswith("YAML mal formé : ")


def test_a_hard_word_the_glossary_does_not_explain_is_a_warning_in_both_languages() -> None:
    text = BROKEN.replace("    imag: x.svg\n", "").replace(
        "Veuillez payer.", "Remplissez le bordereau. Collez l'étiquette.")
    report = validate_text(text, "essai.yaml")
    (warning,) = [i for i in report.warnings
                  if i.params.get("problem", {}).get("code") == "falc.unexplained"]
    assert warning.line == 7
    assert warning.message == ("steps[0].text: 'bordereau' in 'fr' is a hard word the glossary "
                               "does not explain: add it to the glossary, or say it in everyday "
                               "words")
    assert "« bordereau » en « fr » est un mot difficile que le glossaire n'explique pas" in (
        warning.text("fr"))
