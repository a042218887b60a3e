"""The languages the product speaks are one table, and it is data: the customer
catalogs, each with its flag and its voice; a new catalog is a new language, with no code;
no module lists them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from kiosk import i18n, languages

ROOT = Path(__file__).resolve().parents[1]
#: modules allowed to name several languages: per-language data, not the list
DATA_BY_LANGUAGE = {
    "kiosk/languages.py": "the table itself",
    "kiosk/flows/falc.py": "jargon words per language (a language without any is fine)",
    "kiosk/demo_data.py": "how often the demo's customers pick each language",
    "kiosk/customer/shots.py": "which languages the documentation's screenshots show",
}


def test_every_language_has_its_catalog_flag_and_voice() -> None:
    assert languages.CODES == ("fr", "en", "ar", "es", "pt")  # the catalogs' _meta.order
    assert languages.REFERENCE == "fr"
    for row in languages.LANGUAGES:
        assert i18n.catalog_path(row.code).is_file(), row.code
        assert (ROOT / "assets" / "flags" / f"{row.code}.svg").is_file(), row.code
        assert row.voice
        assert row.sample
        assert row.english
        assert row.name == i18n.catalog(row.code).name != row.code  # its own name
    assert languages.get("ar").rtl
    assert languages.get("xx") is None


def test_every_customer_catalog_is_in_the_table() -> None:
    catalogs = {p.stem for p in i18n.catalog_path("fr").parent.glob("*.yaml")}
    assert catalogs == set(languages.CODES)


def test_staff_languages_are_their_catalogs_french_first() -> None:
    assert languages.staff_languages("mediator") == ("fr", "en")
    assert languages.staff_languages("manager")[0] == "fr"


def test_the_settings_and_the_voices_follow_the_table() -> None:
    from kiosk import config
    from kiosk.voice.speaker import preferred_voice

    assert config.setting("languages").default == ""  # every language, in the table's order
    assert languages.chosen("") == list(languages.CODES)
    assert languages.chosen(" ar, fr ") == ["ar", "fr"]
    for row in languages.LANGUAGES:
        assert config.setting(f"vosk_model_{row.code}").name
        assert preferred_voice(row.code) == row.voice
    assert preferred_voice("ko") == "ko"  # the tests' Korean: no catalog, a voice all the same


def _literal_codes(node: ast.AST) -> set[str]:
    if isinstance(node, ast.Dict):
        items: list[ast.AST | None] = list(node.keys)
    elif isinstance(node, ast.Tuple | ast.List | ast.Set):
        items = list(node.elts)
    else:
        return set()
    return {i.value for i in items if isinstance(i, ast.Constant) and i.value in languages.CODES}


def test_no_other_module_lists_the_languages() -> None:
    found = []
    for path in sorted((ROOT / "kiosk").rglob("*.py")):
        name = str(path.relative_to(ROOT))
        if name in DATA_BY_LANGUAGE:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if len(_literal_codes(node)) >= 3:
                found.append(f"{name}:{getattr(node, 'lineno', '?')}")
    assert not found, f"languages listed outside kiosk/languages.py: {found}"


def test_a_sixth_language_is_a_catalog_and_no_code(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A German catalog in a copy of the catalogs' folder: the table has a sixth row, in
    its declared place, with its voice and sample; nothing else was told."""
    import shutil

    folder = tmp_path / "i18n"
    shutil.copytree(ROOT / "kiosk" / "i18n", folder)
    german = (folder / "fr.yaml").read_text(encoding="utf-8")
    german = german.replace('order: 1', 'order: 3').replace('english: "French"', 'english: "German"')
    german = german.replace('voice: "roa/fr"', 'voice: "gmw/de"').replace('name: "Français"',
                                                                        'name: "Deutsch"')
    (folder / "de.yaml").write_text(german, encoding="utf-8")
    monkeypatch.setattr(languages, "_FOLDER", folder)
    monkeypatch.setattr(i18n, "HERE", folder)
    for cached in (languages.catalog_codes, languages.get, languages.ordered, i18n._raw):
        cached.cache_clear()
    try:
        assert languages.CODES == ("fr", "en", "ar", "de", "es", "pt")  # order 3: beside ar
        row = languages.get("de")
        assert row is not None
        assert (row.name, row.english, row.voice, row.rtl) == ("Deutsch", "German", "gmw/de", False)
    finally:
        for cached in (languages.catalog_codes, languages.get, languages.ordered, i18n._raw):
            cached.cache_clear()
