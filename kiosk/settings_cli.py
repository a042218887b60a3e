"""``kiosk settings``: every setting with its value, where that value came from (the
default, a file, the environment) and its help; as text or JSON."""

from __future__ import annotations

import json
from typing import Any

import click

from kiosk import config


def _shown(value: Any) -> str:
    """A value as it would be written in settings.toml."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return repr(value)


def _masked(v: config.Value, show_secrets: bool) -> Any:
    if not v.setting.secret or show_secrets or v.value in ("", None):
        return v.value
    return f"(hidden, {len(str(v.value))} characters)"


@click.command()
@click.argument("names", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print the settings as JSON.")
@click.option("--show-secrets", is_flag=True, help="Show the token and the PIN as they are.")
def settings(names: tuple[str, ...], as_json: bool, show_secrets: bool) -> None:
    """Print every setting (or the NAMES given) with its value, where the value comes from
    and what the setting does.

    Sources, the last one winning: the default, /etc/guichet-kiosk/settings.toml, the
    user's settings.toml, the file named by KIOSK_SETTINGS_FILE, the environment variable
    KIOSK_<NAME>. The token and the PIN are hidden unless --show-secrets.

    \b
    Example:
        kiosk settings hub_url hub_cert_sha256
        kiosk settings --json > settings.json
    """
    known = {s.name for s in config.SETTINGS}
    wrong = [n for n in names if n not in known]
    if wrong:
        raise click.UsageError(f"no such setting: {', '.join(wrong)} (kiosk settings lists them)")
    try:
        values = config.resolve()
        unknown = config.unknown_keys()
    except config.SettingsError as exc:
        raise click.ClickException(str(exc)) from None
    chosen = [values[n] for n in names] if names else list(values.values())
    files = [{"path": str(p), "exists": p.is_file()} for p in config.settings_files()]
    if as_json:
        click.echo(json.dumps({
            "files": files,
            "settings": [{"name": v.setting.name, "value": _masked(v, show_secrets),
                          "source": v.source, "env_var": v.setting.env_var,
                          "type": v.setting.type.__name__, "default": v.setting.default,
                          "help": v.setting.help} for v in chosen],
            "unknown": unknown,
        }, ensure_ascii=False, indent=2))
    else:
        click.echo("# files read, the last one winning:")
        for f in files:
            click.echo(f"#   {f['path']}{'' if f['exists'] else '  (none)'}")
        for v in chosen:
            value = _masked(v, show_secrets)
            shown = value if value is not v.value else _shown(value)
            click.echo(f"\n{v.setting.name} = {shown}    # {v.source}")
            click.echo(f"    {v.setting.help} ({v.setting.env_var})")
    for key in unknown:
        click.echo(f"warning: {key} is not a setting (ignored)", err=True)
