"""Settings, each declared once: name, type, default, help. Nothing else defines one.

Values come from, in order of priority: an environment variable ``KIOSK_<NAME>``, the
settings file (``settings.toml`` in the config dir, or ``KIOSK_SETTINGS_FILE``), then
the default declared here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk import paths


@dataclass(frozen=True)
class Setting:
    """One setting: its name, type, default value and a sentence of help."""

    name: str
    type: type
    default: Any
    help: str

    @property
    def env_var(self) -> str:
        return "KIOSK_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("kiosk_id", str, "kiosk-1", "Name of this kiosk, as registered on the hub."),
    Setting("hub_url", str, "", "Address of the office hub, e.g. http://127.0.0.1:8765."),
    Setting("hub_token", str, "", "This kiosk's device token (from 'kiosk hub add-kiosk NAME')."),
    Setting("stuck_after", float, 45.0,
            "Seconds on one step before the kiosk offers 'Do you want help?' (0: never)."),
    Setting("admin_pin", str, "2468", "PIN that lets staff leave the locked-down kiosk."),
    Setting("languages", str, "fr,en,ar,es,pt", "Languages offered on the home screen, in order."),
    Setting("inactivity_seconds", float, 60.0,
            "Seconds without a touch before the kiosk asks 'Do you need more time?'."),
    Setting("more_time_seconds", float, 20.0,
            "Seconds the customer has to answer 'Do you need more time?' before a reset."),
    Setting("double_tap_ms", int, 500, "A second tap within this many milliseconds is ignored."),
    Setting("corner_taps", int, 5, "Taps in the top-left corner that ask for the admin PIN."),
    Setting("flows_dir", str, "",
            "Extra folder of flow files; a flow there replaces the built-in one with its id."),
    Setting("hub_db", str, "", "Hub database file (default: hub.sqlite3 in the user data folder)."),
    Setting("hub_host", str, "127.0.0.1", "Address the hub listens on."),
    Setting("hub_port", int, 8765, "Port the hub listens on."),
    Setting("help_realert_after", float, 90.0,
            "Seconds a help call may wait unclaimed before every console is re-alerted."),
    Setting("hub_timezone", str, "Europe/Paris",
            "Time zone of the office (IANA name, e.g. America/Cayenne): days and hours in "
            "statistics, exports and workshop lists."),
    Setting("workshop_retention_days", int, 90,
            "Days after a workshop starts before the hub erases its registrations' first "
            "names, phones and e-mails (the counts stay)."),
    Setting("screen_size", str, "1920x1080",
            "Window size for --windowed runs and screenshots (WIDTHxHEIGHT)."),
    Setting("speech", bool, True,
            "Say each screen aloud (pyttsx3 with espeak-ng); false keeps the kiosk silent."),
    Setting("speech_cache_mb", float, 256.0,
            "Size limit of the cache of rendered speech (WAV files), in megabytes (every "
            "built-in step in five languages takes about 130)."),
    *(Setting(f"vosk_model_{lang}", str, "",
              f"Folder of the vosk model for voice commands in {name} (empty: no voice commands).")
      for lang, name in (("fr", "French"), ("en", "English"), ("ar", "Arabic"), ("es", "Spanish"),
                         ("pt", "Portuguese"))),
    Setting("listen_min_confidence", float, 0.6,
            "Voice commands heard with less confidence than this (0 to 1) are not acted on."),
    Setting("listen_max_seconds", float, 6.0,
            "Longest a voice command may last before the kiosk stops listening."),
    Setting("listen_renew_after", int, 0,
            "Utterances after which the vosk model is loaded afresh (0: never; the recognizer "
            "is made afresh for every utterance, which keeps memory flat)."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def settings_file() -> Path:
    override = os.environ.get("KIOSK_SETTINGS_FILE")
    return Path(override) if override else paths.config_dir() / "settings.toml"


def _convert(setting: Setting, raw: Any) -> Any:
    if setting.type is bool and isinstance(raw, str):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    return setting.type(raw)


def _file_values() -> dict[str, Any]:
    path = settings_file()
    if not path.is_file():
        return {}
    import tomllib  # only when there is a file to read

    with path.open("rb") as fh:
        return tomllib.load(fh)


def load(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """All settings as a dict, with ``overrides`` (e.g. from the command line) on top."""
    from_file = _file_values()
    values: dict[str, Any] = {}
    for s in SETTINGS:
        if s.env_var in os.environ:
            values[s.name] = _convert(s, os.environ[s.env_var])
        elif s.name in from_file:
            values[s.name] = _convert(s, from_file[s.name])
        else:
            values[s.name] = s.default
    for key, value in (overrides or {}).items():
        if value is not None:
            values[key] = _convert(_BY_NAME[key], value)
    return values


def get(name: str) -> Any:
    """One setting's current value."""
    return load()[name]


def markdown() -> str:
    """The settings reference, ``docs/settings.md`` (regenerated by tools/settings_doc.py)."""
    lines = [
        "# Settings", "",
        "Every setting has a default, can be set in `settings.toml` (in the user config",
        "folder, e.g. `~/.config/guichet-kiosk/settings.toml`, or the file named by",
        "`KIOSK_SETTINGS_FILE`) and overridden by an environment variable `KIOSK_<NAME>`.", "",
        "| setting | environment variable | default | what it does |", "|---|---|---|---|",
    ]
    lines += [f"| `{s.name}` | `{s.env_var}` | `{s.default!r}` | {s.help} |" for s in SETTINGS]
    return "\n".join(lines) + "\n"
