"""UI string catalogs: one YAML file per language in this folder, French as reference.

``Catalog("ar").t("bar.help")`` returns the string; a key missing in a language falls
back to French (a test makes sure none is missing in the shipped catalogs).
"""

from __future__ import annotations

import json
import os
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
    cached = _cache_file(path)
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
    """Language codes that have a catalog, French first."""
    codes = sorted(p.stem for p in HERE.glob("*.yaml"))
    return [REFERENCE] + [c for c in codes if c != REFERENCE]


def flatten(data: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """``{"a": {"b": "x"}}`` -> ``{"a.b": "x"}``."""
    out: dict[str, str] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, name + "."))
        else:
            out[name] = str(value)
    return out


class Catalog:
    """The strings of one language (of one app: ``kiosk`` or ``mediator``)."""

    def __init__(self, lang: str, domain: str = "kiosk") -> None:
        self.lang = lang
        self._strings = flatten(_raw(lang, domain))
        self._fallback = (flatten(_raw(REFERENCE, domain)) if lang != REFERENCE
                          else self._strings)

    @property
    def name(self) -> str:
        """The language's own name (``Français``, ``العربية``)."""
        return self._strings.get("_meta.name", self.lang)

    @property
    def rtl(self) -> bool:
        return self._strings.get("_meta.direction", "ltr") == "rtl"

    def t(self, key: str, **values: Any) -> str:
        text = self._strings.get(key) or self._fallback.get(key)
        if text is None:
            raise KeyError(f"no UI string '{key}'")
        return text.format(**values) if values else text

    def keys(self) -> set[str]:
        return {k for k in self._strings if not k.startswith("_meta.")}


@cache
def catalog(lang: str, domain: str = "kiosk") -> Catalog:
    """The shared catalog of ``lang``."""
    return Catalog(lang, domain)
