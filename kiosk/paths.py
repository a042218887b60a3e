"""Where things live: shipped assets and flows, the user's data and cache folders.

Installed from a wheel, assets are inside the package (``kiosk/assets``); in a source
checkout (editable install) they are the repository's ``assets/`` folder.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
APP_NAME = "guichet-kiosk"


def assets_dir() -> Path:
    """The folder holding icons/, pictures/, flags/, sounds/ and themes/."""
    override = os.environ.get("KIOSK_ASSETS_DIR")
    if override:
        return Path(override)
    inside = PACKAGE_DIR / "assets"
    if inside.is_dir():
        return inside
    return PACKAGE_DIR.parent / "assets"


def asset(kind: str, name: str) -> Path:
    """Path of one asset, e.g. ``asset("icons", "home.svg")``."""
    return assets_dir() / kind / name


def builtin_flows_dir() -> Path:
    """The flows shipped with the package."""
    return PACKAGE_DIR / "flows" / "builtin"


def hub_flows_dir() -> Path:
    """The flows the office hub published, as this kiosk runs them (after a restart and
    offline too); they override the built-in ones with the same id."""
    return data_dir() / "hub-flows"


def i18n_dir() -> Path:
    """The UI string catalogs, one YAML file per language."""
    return PACKAGE_DIR / "i18n"


def _xdg(var: str, fallback: str) -> Path:
    base = os.environ.get(var) or str(Path.home() / fallback)
    return Path(base) / APP_NAME


def data_dir() -> Path:
    """Per-user data (databases, outbox). ``KIOSK_DATA_DIR`` overrides it."""
    override = os.environ.get("KIOSK_DATA_DIR")
    return Path(override) if override else _xdg("XDG_DATA_HOME", ".local/share")


def cache_dir() -> Path:
    """Per-user cache (validated flows as JSON, speech). ``KIOSK_CACHE_DIR`` overrides it."""
    override = os.environ.get("KIOSK_CACHE_DIR")
    return Path(override) if override else _xdg("XDG_CACHE_HOME", ".cache")


def config_dir() -> Path:
    """Per-user configuration (settings.toml). ``KIOSK_CONFIG_DIR`` overrides it."""
    override = os.environ.get("KIOSK_CONFIG_DIR")
    return Path(override) if override else _xdg("XDG_CONFIG_HOME", ".config")
