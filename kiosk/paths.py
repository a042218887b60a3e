"""Where things live: shipped assets and flows, the user's data and cache folders.

Shipped data (assets, built-in flows, UI catalogs, sounds) is found through
``importlib.resources``: inside the installed package wherever it was installed
(``kiosk/assets`` in the wheel). In a source checkout (editable install) the assets are
the repository's ``assets/`` folder beside the package. ``KIOSK_ASSETS_DIR`` overrides
both.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
APP_NAME = "guichet-kiosk"


@cache
def package_root() -> Path:
    """The installed ``kiosk`` package as a folder on disk (Qt and the YAML loaders need
    real files: a zipped install is refused with a clear message)."""
    if (PACKAGE_DIR / "__init__.py").is_file():  # installed as files: the kiosk's start
        return PACKAGE_DIR  # need not load importlib.resources (~5 ms)
    from importlib.resources import files

    root = files("kiosk")
    if not isinstance(root, Path):
        raise RuntimeError(f"the kiosk package must be installed as files, not from {root}")
    return root


def package_data(*parts: str) -> Path:
    """A file or folder shipped inside the package, e.g. ``package_data("flows", "builtin")``."""
    return package_root().joinpath(*parts)


def assets_dir() -> Path:
    """The folder holding icons/, pictures/, flags/, sounds/ and themes/."""
    override = os.environ.get("KIOSK_ASSETS_DIR")
    if override:
        return Path(override)
    inside = package_data("assets")
    if inside.is_dir():
        return inside
    return package_root().parent / "assets"  # a source checkout


def asset(kind: str, name: str) -> Path:
    """Path of one asset, e.g. ``asset("icons", "home.svg")``."""
    return assets_dir() / kind / name


def builtin_flows_dir() -> Path:
    """The flows shipped with the package."""
    return package_data("flows", "builtin")


def hub_flows_dir() -> Path:
    """The flows the office hub published, as this kiosk runs them (after a restart and
    offline too); they override the built-in ones with the same id."""
    return data_dir() / "hub-flows"


def hub_pictures_dir() -> Path:
    """The step pictures the office hub sent for its flows, one file per sha256 (kept
    offline too); a name the running version gives them wins over the shipped assets."""
    return data_dir() / "hub-pictures"


def i18n_dir() -> Path:
    """The UI string catalogs, one YAML file per language (other apps' in subfolders)."""
    return package_data("i18n")


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
