"""Settings, each declared once: name, type, default, help. Nothing else defines one.

Where a value comes from, the last one found winning, setting by setting:

1. the default declared here;
2. the machine's file, ``/etc/guichet-kiosk/settings.toml`` (the folder can be moved
   with ``KIOSK_SYSTEM_CONFIG_DIR``);
3. the user's file, ``settings.toml`` in the user config folder
   (``~/.config/guichet-kiosk/``, or ``KIOSK_CONFIG_DIR``);
4. the file named by ``KIOSK_SETTINGS_FILE``, if set (it must exist);
5. an environment variable ``KIOSK_<NAME>``;
6. a command-line option (``overrides``).

``kiosk settings`` shows every value with where it came from. Also here: the checks of
the values that more than one part needs (the hub's address, a certificate fingerprint).
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from kiosk import languages, paths

SYSTEM_CONFIG_DIR = Path("/etc/guichet-kiosk")
FILE_NAME = "settings.toml"
DEFAULT = "default"
COMMAND_LINE = "command line"


#: the exit status of a command refused for its settings (sysexits.h's EX_CONFIG): the
#: units do not restart what only a fixed settings file cures
CONFIG_EXIT = 78


class SettingsError(ValueError):
    """A settings file or value that cannot be used; the message says where."""


def _choice(value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"'{value}' is not one of {', '.join(allowed)}")


#: the PIN of 'kiosk demo' and of windowed runs without admin_pin (never a real kiosk's)
DEMO_PIN = "2468"


def _pin(value: str) -> None:
    if value and not (value.isascii() and value.isdigit() and 4 <= len(value) <= 8):
        raise ValueError("not a PIN: give 4 to 8 digits")


def _office_id(value: str) -> None:
    if value and not (re.match(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", value) and len(value) <= 64):
        raise ValueError("not an office id: lower-case letters, digits and dashes, "
                         "e.g. saint-etienne-wilson")


class Setting(NamedTuple):  # not a dataclass: the kiosk's start need not import dataclasses
    """One setting: its name, type, default value and a sentence of help."""

    name: str
    type: type
    default: Any
    help: str
    check: Callable[[Any], object] | None = None  # raises ValueError on a bad value
    secret: bool = False  # shown masked by 'kiosk settings'

    @property
    def env_var(self) -> str:
        return "KIOSK_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("kiosk_id", str, "kiosk-1", "Name of this kiosk, as registered on the hub."),
    Setting("hub_url", str, "",
            "Address of the office hub, e.g. https://hub.office.lan:8765 (plain http:// only "
            "for a hub on this machine: http://127.0.0.1:8765)."),
    Setting("hub_token", str, "", "This kiosk's device token (from 'kiosk hub add-kiosk NAME').",
            secret=True),
    Setting("hub_cert_sha256", str, "",
            "SHA-256 fingerprint of the hub's certificate (hex, colons allowed, as 'kiosk hub "
            "make-cert' prints it): kiosks, consoles and the manager app then accept that "
            "certificate only, self-signed included (empty: the system's authorities decide).",
            check=lambda v: v == "" or parse_sha256(v)),
    Setting("stuck_after", float, 45.0,
            "Seconds on one step before the kiosk offers 'Do you want help?' (0: never)."),
    Setting("help_nohub_keep", float, 300.0,
            "Seconds a help screen that sends the customer to the counter (no hub, no "
            "connection, or a call the hub refused) stays up for staff, through inactivity, "
            "unless staff clear it; then the normal inactivity reset applies."),
    Setting("help_offline_wait", float, 30.0,
            "Seconds a help call waits for a lost hub connection before the kiosk cancels it "
            "and sends the customer to the counter."),
    Setting("admin_pin", str, "",
            "PIN (4 to 8 digits) that lets staff leave the locked-down kiosk; required for "
            "it (no default: 'kiosk demo' and windowed runs use 2468, which the guides print).",
            check=lambda v: _pin(v), secret=True),
    Setting("languages", str, "",
            "Languages offered on the home screen, in order, e.g. fr,ar,en (empty: every "
            "language the kiosk has a catalog for, French first, in their catalogs' order)."),
    Setting("inactivity_seconds", float, 60.0,
            "Seconds without a touch before the kiosk asks 'Do you need more time?'."),
    Setting("more_time_seconds", float, 20.0,
            "Seconds the customer has to answer 'Do you need more time?' before a reset."),
    Setting("double_tap_ms", int, 500,
            "A second tap at the same place within this many milliseconds is ignored (not the "
            "same button pressed again when it is made for it: a PIN digit, louder)."),
    Setting("corner_taps", int, 5,
            "Taps in the staff's corner that ask for the admin PIN: top left, top right in a "
            "right-to-left language (the Home button's side)."),
    Setting("flows_dir", str, "",
            "Extra folder of flow files; a flow there replaces the built-in one with its id."),
    Setting("hub_db", str, "", "Hub database file (default: hub.sqlite3 in the user data folder)."),
    Setting("hub_backup_dir", str, "/var/backups/guichet-kiosk",
            "Folder of the hub's backups: 'kiosk hub backup' writes there without --to, and "
            "'kiosk doctor --role hub' warns when its newest backup is over 26 hours old."),
    Setting("hub_host", str, "127.0.0.1",
            "Address the hub listens on (any other than 127.0.0.1 needs hub_cert_file and "
            "hub_key_file; 0.0.0.0: every network)."),
    Setting("hub_port", int, 8765, "Port the hub listens on."),
    Setting("hub_cert_file", str, "",
            "Certificate (PEM, the server's first, then any chain) the hub serves HTTPS with: "
            "the office's, or one made by 'kiosk hub make-cert' (empty: plain HTTP, on "
            "127.0.0.1 only)."),
    Setting("hub_key_file", str, "",
            "Private key (PEM, unencrypted) of hub_cert_file; readable by the hub's user only."),
    Setting("hub_trusted_proxy", str, "",
            "Addresses of a reverse proxy in front of the hub, comma-separated, whose "
            "X-Forwarded-For the hub believes (empty: none; the address a connection comes "
            "from is the client's, so nobody can dodge the login limiter by posing as another)."),
    Setting("hub_token_idle_minutes", float, 720.0,
            "Minutes a person's token may go unused (no request, no open stream) before it "
            "expires and they log in again (0: never). Kiosk tokens do not expire."),
    Setting("hub_token_max_hours", float, 24.0,
            "Hours after logging in when a person's token expires however much it is used "
            "(0: never); open streams are closed then."),
    Setting("help_realert_after", float, 90.0,
            "Seconds a help call may wait unclaimed before every console is re-alerted."),
    Setting("hub_timezone", str, "Europe/Paris",
            "Time zone of the office (IANA name, e.g. America/Cayenne): days and hours in "
            "statistics, exports and workshop lists."),
    Setting("office_id", str, "",
            "This office's name for its region, as a slug (lower-case letters, digits and "
            "dashes, e.g. saint-etienne-wilson): the office=... folder of the Parquet export "
            "(kiosk hub export --format parquet needs it).",
            check=lambda v: _office_id(v)),
    Setting("hub_office_name", str, "Bureau de poste",
            "The office's name, as reports and the dashboard's printout show it."),
    Setting("hub_log_level", str, "info",
            "How much the hub writes to its log (the journal under systemd): debug, info "
            "(one line per request and per help call's change), warning or error.",
            check=lambda v: _choice(v, ("debug", "info", "warning", "error"))),
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
      for lang, name in ((code, f"the language '{code}'") for code in languages.catalog_codes())),
    Setting("listen_min_confidence", float, 0.6,
            "Voice commands heard with less confidence than this (0 to 1) are not acted on."),
    Setting("listen_max_seconds", float, 6.0,
            "Longest a voice command may last before the kiosk stops listening."),
    Setting("listen_renew_after", int, 0,
            "Utterances after which the vosk model is loaded afresh (0: never; the recognizer "
            "is made afresh for every utterance, which keeps memory flat)."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


class Value(NamedTuple):
    """A setting's value and where it came from: ``"default"``, a file's path,
    ``"environment (KIOSK_X)"`` or ``"command line"``."""

    setting: Setting
    value: Any
    source: str


def setting(name: str) -> Setting:
    return _BY_NAME[name]


def system_settings_file() -> Path:
    folder = os.environ.get("KIOSK_SYSTEM_CONFIG_DIR")
    return (Path(folder) if folder else SYSTEM_CONFIG_DIR) / FILE_NAME


def user_settings_file() -> Path:
    return paths.config_dir() / FILE_NAME


def settings_files() -> list[Path]:
    """The files read, lowest priority first (whether they exist or not)."""
    files = [system_settings_file(), user_settings_file()]
    named = os.environ.get("KIOSK_SETTINGS_FILE")
    if named:
        files.append(Path(named))
    return files


def settings_file() -> Path:
    """The file to edit for this user: the one named by ``KIOSK_SETTINGS_FILE``, else the
    user's."""
    return settings_files()[-1]


def read_file(path: Path) -> dict[str, Any]:
    """A settings file's keys and values ({} when there is no file, except for the one
    ``KIOSK_SETTINGS_FILE`` names, which must exist)."""
    named = os.environ.get("KIOSK_SETTINGS_FILE")
    if not path.is_file():
        if named and Path(named) == path:
            raise SettingsError(f"KIOSK_SETTINGS_FILE names {path}, which is not a file")
        return {}
    import tomllib  # only when there is a file to read

    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise SettingsError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def _bool(raw: str) -> bool:
    word = raw.strip().lower()
    if word in {"1", "true", "yes", "on"}:
        return True
    if word in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError("expected true or false")


def convert(s: Setting, raw: Any) -> Any:
    """``raw`` (from a file, the environment or the command line) as the setting's type;
    ValueError when it cannot be."""
    if isinstance(raw, str):
        value = _bool(raw) if s.type is bool else s.type(raw)
    elif s.type is bool and isinstance(raw, bool):
        value = raw
    elif s.type is float and isinstance(raw, int | float) and not isinstance(raw, bool):
        value = float(raw)
    elif s.type in (int, str) and isinstance(raw, int) and not isinstance(raw, bool):
        value = s.type(raw)
    else:
        raise ValueError(f"expected {s.type.__name__}, not {type(raw).__name__}")
    if s.check is not None:
        s.check(value)
    return value


def _converted(s: Setting, raw: Any, source: str) -> Value:
    try:
        return Value(s, convert(s, raw), source)
    except ValueError as exc:
        raise SettingsError(f"{source}: {s.name} = {raw!r}: {exc}") from None


def resolve(overrides: dict[str, Any] | None = None) -> dict[str, Value]:
    """Every setting's value and its source, the last source winning (see the module's
    documentation); ``overrides`` (from the command line) come last. Keys that are not
    settings are left out (:func:`unknown_keys` lists them)."""
    values = {s.name: Value(s, s.default, DEFAULT) for s in SETTINGS}
    for path in settings_files():
        for key, raw in read_file(path).items():
            if key in _BY_NAME:
                values[key] = _converted(_BY_NAME[key], raw, str(path))
    for s in SETTINGS:
        if s.env_var in os.environ:
            values[s.name] = _converted(s, os.environ[s.env_var], f"environment ({s.env_var})")
    for key, raw in (overrides or {}).items():
        if raw is not None:
            values[key] = _converted(_BY_NAME[key], raw, COMMAND_LINE)
    return values


def unknown_keys() -> list[str]:
    """``path: key`` for every key of a settings file that is no setting (a typo?)."""
    return [f"{path}: {key}" for path in settings_files() for key in read_file(path)
            if key not in _BY_NAME]


def load(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """All settings as a dict, with ``overrides`` (e.g. from the command line) on top."""
    return {name: v.value for name, v in resolve(overrides).items()}


def get(name: str) -> Any:
    """One setting's current value."""
    return load()[name]


# -- checks shared by the hub, its clients and kiosk doctor ---------------------------------
def parse_sha256(text: str) -> str:
    """A SHA-256 fingerprint as 64 lower-case hex digits, from hex with or without colons
    or spaces; ValueError otherwise."""
    digits = re.sub(r"[\s:]", "", text).lower()
    if not re.fullmatch(r"[0-9a-f]{64}", digits):
        raise ValueError("a SHA-256 fingerprint is 64 hex digits (colons allowed), as "
                         "'kiosk hub make-cert' prints it")
    return digits


def format_sha256(digits: str) -> str:
    """64 hex digits as ``AB:CD:...``, the way certificates are shown."""
    upper = digits.upper()
    return ":".join(upper[i:i + 2] for i in range(0, len(upper), 2))


def is_loopback(host: str) -> bool:
    """True for a name or address of this machine only (127.0.0.1, ::1, localhost)."""
    name = host.strip().strip("[]").lower().rstrip(".")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def hub_url_problem(url: str) -> str | None:
    """Why a hub address cannot be used (None when it can): plain HTTP is only allowed to
    a hub on this machine, since tokens and passwords travel in every request."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        return f"hub address {url!r} is not valid ({exc})"
    if parts.scheme not in ("http", "https") or not host:
        return f"hub address {url!r} must start with https:// and name the hub machine"
    if parts.scheme == "http" and not is_loopback(host):
        return (f"refusing plain HTTP to {host}: tokens and passwords would cross the network "
                "in clear. Use https:// (the hub needs a certificate: 'kiosk hub make-cert'), "
                "or http:// only for a hub on this machine (127.0.0.1)")
    return None


def markdown() -> str:
    """The settings reference, ``docs/settings.md`` (regenerated by tools/settings_doc.py)."""
    lines = [
        "# Settings", "",
        "Every setting has a default and can be changed in a `settings.toml` file (one",
        "`name = value` a line) or by an environment variable `KIOSK_<NAME>`. Where a value",
        "comes from, the last one found winning, setting by setting:", "",
        "1. the default (below);",
        "2. the machine's file, `/etc/guichet-kiosk/settings.toml` (where the installer puts",
        "   the office's settings; `KIOSK_SYSTEM_CONFIG_DIR` names another folder);",
        "3. the user's file, `~/.config/guichet-kiosk/settings.toml` (`KIOSK_CONFIG_DIR`",
        "   names another folder);",
        "4. the file named by `KIOSK_SETTINGS_FILE`, if that variable is set (the file must",
        "   exist);",
        "5. the environment variable `KIOSK_<NAME>`;",
        "6. a command-line option, e.g. `kiosk run --hub URL`.", "",
        "`kiosk settings` prints every setting with its value, where it came from and its",
        "help (`kiosk settings --json` for scripts); it also names the keys of a file that",
        "are not settings. A value of the wrong type stops the program with the file and the",
        "key at fault.", "",
        "Example `/etc/guichet-kiosk/settings.toml` for a kiosk:", "",
        "```toml",
        'hub_url = "https://hub.office.lan:8765"',
        'hub_cert_sha256 = "3A:F1:...:9C"   # as printed by kiosk hub make-cert',
        'kiosk_id = "entree-gauche"',
        "```", "",
        "The hub serves HTTPS with `hub_cert_file` and `hub_key_file`: the office's",
        "certificate, or a self-signed one made by `kiosk hub make-cert`, which prints the",
        "fingerprint to give every kiosk, console and manager app as `hub_cert_sha256`.",
        "Plain HTTP is for one machine only: the hub refuses to listen on another address",
        "than 127.0.0.1 without a certificate, and the clients refuse an `http://` hub",
        "address that is not 127.0.0.1 or localhost. `kiosk doctor` checks that the hub",
        "answers with the pinned certificate.", "",
        "| setting | environment variable | default | what it does |", "|---|---|---|---|",
    ]
    lines += [f"| `{s.name}` | `{s.env_var}` | `{s.default!r}` | {s.help} |" for s in SETTINGS]
    return "\n".join(lines) + "\n"
