"""UI string catalogs: one YAML file per language in this folder, French as reference.

``Catalog("ar").t("bar.help")`` returns the string; a key missing in a language falls
back to French (a test makes sure none is missing in the shipped catalogs).

Count strings: a key whose value is a mapping of CLDR plural categories (``zero``, ``one``,
``two``, ``few``, ``many``, ``other``; ``other`` required) is one string whose form
follows the number given as ``n``: ``t("more_time.countdown", n=3)``. Each catalog
declares its language's CLDR rules once, in ``_meta.plural`` (category: condition, in
CLDR's syntax for whole numbers, e.g. ``few: "n % 100 = 3..10"``); a catalog without
them has ``one: "n = 1"``. A form a catalog lacks is its ``other`` form.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REFERENCE = "fr"


def _cache_file(path: Path) -> Path:
    from kiosk import paths

    st = path.stat()
    name = f"{path.parent.name}-{path.stem}-{st.st_mtime_ns}-{st.st_size}.json"
    return paths.cache_dir() / "i18n" / name


def catalog_path(lang: str, domain: str = "kiosk") -> Path:
    """The customer kiosk's catalogs are in this folder; other apps' in a subfolder."""
    return HERE / f"{lang}.yaml" if domain == "kiosk" else HERE / domain / f"{lang}.yaml"


@cache
def _raw(lang: str, domain: str = "kiosk") -> dict[str, Any]:
    """The catalog as nested dicts; parsed YAML is cached as JSON (start-up speed)."""
    path = catalog_path(lang, domain)
    return cached_yaml(path, _cache_file(path))


def cached_yaml(path: Path, cached: Path) -> dict[str, Any]:
    """A YAML mapping shipped with the package, read from its JSON copy ``cached`` when
    there is one (no YAML parser on the kiosk's start path), else parsed and copied there
    ({} for anything but a mapping). ``cached`` names the file's version (mtime, size)."""
    try:
        data = json.loads(cached.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        import yaml

        loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        with path.open(encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=loader)  # noqa: S506 - a safe loader
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            tmp.replace(cached)
        except OSError:
            pass  # a read-only cache only costs speed
    return data if isinstance(data, dict) else {}


def available() -> list[str]:
    """Language codes that have a catalog, French first (kiosk.languages' table)."""
    from kiosk.languages import catalog_codes

    return list(catalog_codes())


def flatten(data: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """``{"a": {"b": "x"}}`` -> ``{"a.b": "x"}`` (a count string's forms as ``a.b.one``)."""
    out: dict[str, str] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, name + "."))
        else:
            out[name] = str(value)
    return out


CATEGORIES = ("zero", "one", "two", "few", "many", "other")  # CLDR's, in its order


def is_count(value: Any) -> bool:
    """A count string: a mapping of plural categories, ``other`` among them."""
    return isinstance(value, dict) and "other" in value and set(value) <= set(CATEGORIES)


def split(data: dict[str, Any], prefix: str = "") -> tuple[dict[str, str],
                                                            dict[str, dict[str, str]]]:
    """A catalog's plain strings and its count strings, by dotted key."""
    plain: dict[str, str] = {}
    counts: dict[str, dict[str, str]] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if is_count(value):
            counts[name] = {str(k): str(v) for k, v in value.items()}
        elif isinstance(value, dict):
            more, more_counts = split(value, name + ".")
            plain.update(more)
            counts.update(more_counts)
        else:
            plain[name] = str(value)
    return plain, counts


def flat_strings(lang: str, domain: str = "kiosk") -> dict[str, Any]:
    """A catalog flattened for a web page: ``{"queue.claim": "J'y vais", ...}``, a count
    string staying a mapping of its plural forms (``_meta.plural`` gives the rules)."""
    plain, counts = split(_raw(lang, domain))
    return {**plain, **counts}


def _relation(text: str) -> Callable[[int], bool]:
    """One CLDR relation on a whole number: ``n % 100 = 3..10``, ``i != 0,1``."""
    negate = "!=" in text
    left, right = text.split("!=" if negate else "=")
    operand, _, mod = left.partition("%")
    if operand.strip() not in ("n", "i", "v", "f", "t", "e", "c", "w"):
        raise ValueError(f"unknown plural operand in '{text}'")
    zero = operand.strip() not in ("n", "i")  # a whole number has no fraction digits
    modulo = int(mod) if mod.strip() else 0
    ranges = []
    for part in right.split(","):
        low, _, high = part.partition("..")
        ranges.append((int(low), int(high or low)))

    def holds(n: int) -> bool:
        value = 0 if zero else (n % modulo if modulo else n)
        return any(lo <= value <= hi for lo, hi in ranges) != negate

    return holds


def plural_rule(conditions: dict[str, str]) -> Callable[[int], str]:
    """``n -> category`` from CLDR conditions by category (``or`` of ``and`` of
    relations, whole numbers only); ``other`` when none holds."""
    tests = []
    for category in CATEGORIES:
        condition = conditions.get(category)
        if category == "other" or not condition:
            continue
        alternatives = [[_relation(r) for r in part.split(" and ")]
                        for part in condition.split(" or ")]
        tests.append((category, alternatives))

    def category_of(n: int) -> str:
        n = abs(int(n))
        for category, alternatives in tests:
            if any(all(r(n) for r in relations) for relations in alternatives):
                return category
        return "other"

    return category_of


class Catalog:
    """The strings of one language (of one app: ``kiosk`` or ``mediator``)."""

    def __init__(self, lang: str, domain: str = "kiosk") -> None:
        self.lang = lang
        data = _raw(lang, domain)
        self._strings, self._counts = split(data)
        meta = data.get("_meta")
        rules = meta.get("plural") if isinstance(meta, dict) else None
        self.plural = plural_rule(rules if isinstance(rules, dict) else {"one": "n = 1"})
        self._reference = catalog(REFERENCE, domain) if lang != REFERENCE else None
        self._fallback = self._reference._strings if self._reference else self._strings

    @property
    def name(self) -> str:
        """The language's own name (``Français``, ``العربية``)."""
        return self._strings.get("_meta.name", self.lang)

    @property
    def rtl(self) -> bool:
        return self._strings.get("_meta.direction", "ltr") == "rtl"

    def t(self, key: str, **values: Any) -> str:
        """The string ``key`` filled with ``values``; a count string in the form that
        agrees with ``n``."""
        text = self._strings.get(key) or self._fallback.get(key)
        if text is None:
            forms = self._counts.get(key)
            if forms is None:
                if self._reference is not None:
                    return self._reference.t(key, **values)
                raise KeyError(f"no UI string '{key}'")
            if "n" not in values:
                raise KeyError(f"UI string '{key}' is a count: give its number as n")
            text = forms.get(self.plural(values["n"])) or forms["other"]
        return text.format(**values) if values else text

    def keys(self) -> set[str]:
        """Every string's key (a count string's once, not each form's)."""
        return {k for k in self._strings if not k.startswith("_meta.")} | set(self._counts)

    def forms(self, key: str) -> dict[str, str]:
        """A count string's forms by category (empty for a plain string)."""
        return dict(self._counts.get(key, {}))


@cache
def catalog(lang: str, domain: str = "kiosk") -> Catalog:
    """The shared catalog of ``lang``."""
    return Catalog(lang, domain)
