"""UI catalogs: the same keys and placeholders in every language; strings only."""

from __future__ import annotations

import re
import string

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
    assert set(data) == set(REFERENCE)
    # a YAML word such as yes/no/on/off as a key turns into a boolean
    assert all(re.fullmatch(r"[A-Za-z_][\w.-]*", k) for k in data), list(data)
    assert not [k for k in data if {"True", "False", "None"} & set(k.split("."))]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_same_placeholders_as_french(lang: str) -> None:
    cat = i18n.Catalog(lang)
    fields = string.Formatter()
    for key in sorted(cat.keys()):
        ours = {f for _, f, _, _ in fields.parse(cat._strings[key]) if f}
        theirs = {f for _, f, _, _ in fields.parse(REFERENCE[key]) if f}
        assert ours == theirs, (lang, key)


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
