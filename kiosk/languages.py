"""The languages the product speaks: one table, nothing else lists them.

Customers' languages are the rows of :data:`LANGUAGES`, in the home screen's order. Each
row names what code cannot guess: the language's English name (for settings' help), the
espeak-ng voice the kiosk prefers, and a sample word drawn by ``kiosk doctor`` to prove
the fonts have its letters. What the language *looks* like lives with its strings, in the
``_meta`` block of its catalog ``kiosk/i18n/<code>.yaml``: its own name, its direction,
its plural rules.

Adding a sixth language: a row here, its catalog ``kiosk/i18n/<code>.yaml`` (a test
checks that every key is there), its flag ``assets/flags/<code>.svg``, and its texts in
the flows (the validator lists the steps that lack them). Nothing else changes.

Staff apps (the mediators' console, the manager app) speak the languages whose catalogs
are in their own folder of ``kiosk/i18n``: :func:`staff_languages`.

This module is read at the kiosk's start: it imports nothing.
"""

from __future__ import annotations

from typing import NamedTuple


class Language(NamedTuple):
    """One customers' language."""

    code: str  # ISO 639-1, the catalog's and the flag's file name
    english: str  # its name in English, for settings' help and logs
    voice: str  # espeak-ng voice id preferred for it (others are searched by language)
    sample: str  # a few words with its special letters, drawn by 'kiosk doctor'


LANGUAGES: tuple[Language, ...] = (
    Language("fr", "French", "roa/fr", "Étape à l’écran"),
    Language("en", "English", "gmw/en", "Step"),
    Language("ar", "Arabic", "sem/ar", "الخطوة التالية"),
    Language("es", "Spanish", "roa/es", "Señal"),
    Language("pt", "Portuguese", "roa/pt", "Ligação"),
)

#: the customers' languages' codes, in the home screen's order (French first)
CODES: tuple[str, ...] = tuple(lang.code for lang in LANGUAGES)
#: the reference language: every text is written in it first, others fall back to it
REFERENCE = "fr"

_BY_CODE = {lang.code: lang for lang in LANGUAGES}


def get(code: str) -> Language | None:
    """The row of ``code``, None for a language the product does not speak."""
    return _BY_CODE.get(code)


def english_name(code: str) -> str:
    row = _BY_CODE.get(code)
    return row.english if row is not None else code


def staff_languages(domain: str) -> tuple[str, ...]:
    """The languages of a staff app (``"mediator"``, ``"manager"``): its catalogs' codes,
    French first."""
    from pathlib import Path

    folder = Path(__file__).resolve().parent / "i18n" / domain
    codes = sorted(p.stem for p in folder.glob("*.yaml"))
    return tuple(sorted(codes, key=lambda c: (c != REFERENCE, c)))
