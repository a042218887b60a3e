"""UI catalogs: the same keys and placeholders in every language; strings only."""

from __future__ import annotations

import re
import string
from typing import Any

import pytest
import yaml

from kiosk import i18n

LANGUAGES = ["fr", "en", "ar", "es", "pt"]
REFERENCE = i18n.flatten(yaml.safe_load((i18n.HERE / "fr.yaml").read_text(encoding="utf-8")))


def test_the_five_languages_are_shipped() -> None:
    assert set(LANGUAGES) <= set(i18n.available())
    assert i18n.available()[0] == "fr"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_same_keys_as_french(lang: str) -> None:
    data = i18n.flatten(yaml.safe_load((i18n.HERE / f"{lang}.yaml").read_text(encoding="utf-8")))
    assert i18n.Catalog(lang).keys() == i18n.Catalog("fr").keys()  # a count string: one key
    # a YAML word such as yes/no/on/off as a key turns into a boolean
    assert all(re.fullmatch(r"[A-Za-z_][\w.-]*", k) for k in data), list(data)
    assert not [k for k in data if {"True", "False", "None"} & set(k.split("."))]


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_same_placeholders_as_french(lang: str) -> None:
    cat, fr = i18n.Catalog(lang), i18n.Catalog("fr")
    for key in sorted(cat.keys()):
        if cat.forms(key):  # a count string: {n} and the rest; a form may spell its number
            theirs = _fields(fr.forms(key)["other"])
            assert "n" in theirs, key
            assert _fields(cat.forms(key)["other"]) == theirs, (lang, key)
            assert all(_fields(f) <= theirs for f in cat.forms(key).values()), (lang, key)
        else:
            assert _fields(cat._strings[key]) == _fields(REFERENCE[key]), (lang, key)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_count_strings_have_a_form_for_each_category_of_their_language(lang: str) -> None:
    """Every category the language's rules give for 0..200 has its own form."""
    cat = i18n.Catalog(lang)
    used = {cat.plural(n) for n in range(201)}
    keys = cat.keys()
    counts = [key for key in keys if cat.forms(key)]
    assert "more_time.countdown" in counts
    for key in counts:
        assert set(cat.forms(key)) == used, (lang, key)


@pytest.mark.parametrize(("n", "category", "words"), [
    (0, "zero", "الآن"), (1, "one", "ثانية واحدة"), (2, "two", "ثانيتين"),
    (3, "few", "3 ثوانٍ"), (10, "few", "10 ثوانٍ"), (11, "many", "11 ثانية"),
    (20, "many", "20 ثانية"), (99, "many", "99 ثانية"), (100, "other", "100 ثانية"),
    (103, "few", "103 ثوانٍ"), (111, "many", "111 ثانية")])
def test_arabic_seconds_agree_with_their_number(n: int, category: str, words: str) -> None:
    ar = i18n.catalog("ar")
    assert ar.plural(n) == category
    assert words in ar.t("more_time.countdown", n=n)


@pytest.mark.parametrize(("lang", "one", "many"), [
    ("fr", "dans 1 seconde.", "dans 20 secondes."),
    ("en", "in 1 second.", "in 20 seconds."),
    ("es", "en 1 segundo.", "en 20 segundos."),
    ("pt", "daqui a 1 segundo.", "daqui a 20 segundos.")])
def test_seconds_agree_with_their_number(lang: str, one: str, many: str) -> None:
    t = i18n.catalog(lang).t
    assert t("more_time.countdown", n=1).endswith(one)
    assert t("more_time.countdown", n=20).endswith(many)


def test_french_zero_is_singular_english_zero_plural() -> None:
    """CLDR: French 0 and 1 take the singular, English 1 only."""
    assert i18n.catalog("fr").t("more_time.countdown", n=0).endswith("0 seconde.")
    assert i18n.catalog("en").t("more_time.countdown", n=0).endswith("0 seconds.")


def test_a_count_string_needs_its_number() -> None:
    with pytest.raises(KeyError, match="is a count"):
        i18n.catalog("fr").t("more_time.countdown")


def test_plural_rules_read_cldr_conditions() -> None:
    rule = i18n.plural_rule({"one": "i = 1 and v = 0", "few": "n % 10 = 2..4 and n % 100 != 12..14",
                             "many": "n % 10 = 0 or n % 10 = 5..9 or n % 100 = 11..14"})
    assert [rule(n) for n in (1, 2, 4, 5, 12, 22, 25, 111)] == [
        "one", "few", "few", "many", "many", "few", "many", "many"]
    assert i18n.plural_rule({})(1) == "other"


def test_a_count_string_missing_in_a_language_falls_back_to_french(tmp_path: Any,
                                                                    monkeypatch: Any) -> None:
    monkeypatch.setattr(i18n, "_raw", lambda lang, domain="kiosk": (
        {"_meta": {"plural": {"one": "i = 0,1"}},
         "a": {"other": "{n} choses", "one": "{n} chose"}} if lang == "fr" else {}))
    monkeypatch.setattr(i18n, "catalog", lambda lang, domain="kiosk": i18n.Catalog(lang, domain))
    assert i18n.Catalog("xx").t("a", n=0) == "0 chose"
    assert i18n.Catalog("xx").t("a", n=2) == "2 choses"


def test_the_mediator_claim_is_the_same_for_a_woman_or_a_man() -> None:
    """No word of "{name} is coming" agrees with the mediator (Arabic قادم/قادمة, and the
    like): the same sentence suits Aïcha and Karim."""
    ar = i18n.catalog("ar").t("help.claimed", name="عائشة")
    assert "قادم" not in ar
    assert ar.startswith("عائشة ")
    assert "ajudá-lo" not in i18n.catalog("pt").t("help.claimed", name="Aïcha")


def test_the_place_in_the_queue_is_written_out_for_speech() -> None:
    """"n° 2" is read "n deux" by the French voice: the word is written whole."""
    for lang in LANGUAGES:
        text = i18n.catalog(lang).t("help.queued", position=2)
        assert "n°" not in text, lang
        assert "nº" not in text, lang
    assert "le numéro 2" in i18n.catalog("fr").t("help.queued", position=2)


def test_arabic_is_right_to_left_and_named_in_arabic() -> None:
    assert i18n.catalog("ar").rtl
    assert i18n.catalog("ar").name == "العربية"
    assert not i18n.catalog("fr").rtl


def test_missing_key_is_an_error_not_a_blank() -> None:
    with pytest.raises(KeyError, match="no UI string"):
        i18n.catalog("en").t("nope.nothing")


def test_mediator_console_catalogs_match() -> None:
    fr = i18n.Catalog("fr", "mediator")
    en = i18n.Catalog("en", "mediator")
    assert fr.keys() == en.keys()
    assert en.t("queue.waiting", minutes=2, seconds=5) == "waiting for 2 min 05 s"


def _domains() -> list[str]:
    """Every app catalog folder (mediator, manager, manager/editor, ...)."""
    return sorted(str(p.parent.relative_to(i18n.HERE)) for p in i18n.HERE.rglob("*/fr.yaml"))


@pytest.mark.parametrize("domain", _domains())
def test_app_catalogs_have_the_same_keys_in_every_language(domain: str) -> None:
    folder = i18n.HERE / domain
    reference = i18n.flatten(yaml.safe_load((folder / "fr.yaml").read_text(encoding="utf-8")))
    assert not [k for k in reference if {"True", "False", "None"} & set(k.split("."))]
    for other in sorted(folder.glob("*.yaml")):
        data = i18n.flatten(yaml.safe_load(other.read_text(encoding="utf-8")))
        assert set(data) == set(reference), (domain, other.name,
                                             sorted(set(data) ^ set(reference)))
