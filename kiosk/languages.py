"""The languages the product speaks: one table, and it is data. Its rows are the customer
catalogs ``kiosk/i18n/<code>.yaml``; each one's ``_meta`` block says what code cannot
guess about its language:

- ``name``: its own name (``Français``, ``العربية``), on the home screen;
- ``direction``: ``ltr`` or ``rtl``; ``plural``: its CLDR plural rules (kiosk.i18n);
- ``order``: its place on the home screen (the setting ``languages`` may choose others);
- ``english``: its name in English (logs, settings' help);
- ``voice``: the espeak-ng voice the kiosk prefers for it (others are searched by code);
- ``sample``: a few words with its special letters, drawn by ``kiosk doctor``.

Adding a sixth language: its catalog (a test checks that every key is there), its flag
``assets/flags/<code>.svg``, and its texts in the flows (the validator lists the steps
that lack them). No code changes.

Staff apps (the mediators' console, the manager app) speak the languages whose catalogs
are in their own folder of ``kiosk/i18n``: :func:`staff_languages`.

Cheap to import (the kiosk's start reads it): the list of codes is a folder listing; a
language's row is read from its catalog when first asked for (``CODES`` in the table's
order, ``LANGUAGES`` and :func:`get`), through the catalogs' cache.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

#: the reference language: every text is written in it first, others fall back to it
REFERENCE = "fr"
_FOLDER = Path(__file__).resolve().parent / "i18n"


class Language(NamedTuple):
    """One customers' language, as its catalog's ``_meta`` describes it."""

    code: str  # ISO 639-1: the catalog's and the flag's file name
    name: str  # its own name
    english: str  # its name in English
    voice: str  # espeak-ng voice id preferred for it ("" : any voice of the language)
    sample: str  # a few words with its special letters
    rtl: bool
    order: int


def _reference_first(codes: list[str]) -> tuple[str, ...]:
    return tuple(sorted(codes, key=lambda c: (c != REFERENCE, c)))


@cache
def catalog_codes() -> tuple[str, ...]:
    """The customers' languages' codes, French first, then by code: a folder listing, no
    catalog read (what the settings are declared with)."""
    return _reference_first([p.stem for p in _FOLDER.glob("*.yaml")])


@cache
def get(code: str) -> Language | None:
    """The row of ``code``, None for a language without a catalog."""
    if code not in catalog_codes():
        return None
    from kiosk.i18n import _raw

    meta: dict[str, Any] = _raw(code).get("_meta") or {}
    try:
        order = int(meta.get("order", 999))
    except (TypeError, ValueError):
        order = 999
    return Language(code, str(meta.get("name") or code), str(meta.get("english") or code),
                    str(meta.get("voice") or ""), str(meta.get("sample") or ""),
                    meta.get("direction") == "rtl", order)


@cache
def ordered() -> tuple[str, ...]:
    """The codes in the table's order (``_meta.order``; French first)."""
    rows = [row for code in catalog_codes() if (row := get(code)) is not None]
    rows.sort(key=lambda r: (r.code != REFERENCE, r.order, r.code))
    return tuple(r.code for r in rows)


def chosen(setting: str) -> list[str]:
    """The languages the setting ``languages`` names, in its order (empty: every one, in
    the table's order)."""
    picked = [c.strip() for c in str(setting).split(",") if c.strip()]
    return picked or list(ordered())


def english_name(code: str) -> str:
    row = get(code)
    return row.english if row is not None else code


def staff_languages(domain: str) -> tuple[str, ...]:
    """The languages of a staff app (``"mediator"``, ``"manager"``): its catalogs' codes,
    French first."""
    return _reference_first([p.stem for p in (_FOLDER / domain).glob("*.yaml")])


def __getattr__(name: str) -> Any:
    """``CODES`` (the codes in the table's order) and ``LANGUAGES`` (their rows), read
    when first used."""
    if name == "CODES":
        return ordered()
    if name == "LANGUAGES":
        return tuple(row for code in ordered() if (row := get(code)) is not None)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
