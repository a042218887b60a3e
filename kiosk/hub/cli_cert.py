"""``kiosk hub make-cert`` and ``kiosk hub renew-cert``: the hub's self-signed certificate,
made once and renewed before it expires, and what every client must then be told.

On a packaged hub the certificate and its key are ``/var/lib/guichet-kiosk/tls/hub-cert.pem``
and ``hub-key.pem`` (settings ``hub_cert_file`` and ``hub_key_file``; packaging/README.md,
"The certificate"). The commands are registered on the ``kiosk hub`` group by
:mod:`kiosk.hub.cli`; the work is done by :mod:`kiosk.hub.tls`.
"""

from __future__ import annotations

from pathlib import Path

import click

from kiosk import config, paths

#: where the packaged hub keeps its certificate (packaging/settings/hub.toml)
PACKAGED_TLS_DIR = "/var/lib/guichet-kiosk/tls"
README = "packaging/README.md, 'The certificate'"


def repin_steps(sha256: str, cert: Path) -> str:
    """What to do on every client once the hub has a new certificate."""
    return (
        f"New certificate {cert}; its SHA-256 fingerprint:\n  {sha256}\n"
        "The hub serves it once restarted; from then on a client with the old fingerprint\n"
        "refuses the hub (a kiosk keeps guiding customers, but its help calls send them to\n"
        "the counter) until it is given the new one. Do it outside opening hours:\n"
        "  1. the hub:  sudo systemctl restart guichet-kiosk-hub\n"
        "  2. each kiosk:  in /etc/guichet-kiosk/settings.toml (sudoedit), set\n"
        f"       hub_cert_sha256 = \"{sha256}\"\n"
        "     then: sudo systemctl restart guichet-kiosk; sudo -u kiosk kiosk doctor\n"
        "  3. each mediator's and the manager's PC: the same setting in\n"
        "     /etc/guichet-kiosk/settings.toml; reopen the app; kiosk doctor --role staff\n"
        f"  4. phones (the phone console): install the new {cert.name} on each and remove the\n"
        "     old one, as docs/guide-mediator.en.md says ('For IT: the address and the\n"
        "     certificate')\n"
        f"The old files stay beside the new ones as *.old ({README})."
    )


@click.command("make-cert")
@click.option("--out", "folder", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for hub-cert.pem and hub-key.pem (default: tls/ in the data folder: "
                   f"{PACKAGED_TLS_DIR} for the packaged hub, through 'sudo guichet-hub').")
@click.option("--name", "names", multiple=True,
              help="Host name or IP address the kiosks use to reach the hub (repeat for each; "
                   "default: this machine's names, localhost and 127.0.0.1).")
@click.option("--days", type=click.IntRange(1, 36500), default=3650, show_default=True,
              help="Days the certificate is valid.")
@click.option("--force", is_flag=True, help="Replace an existing certificate (new fingerprint).")
def make_cert(folder: Path | None, names: tuple[str, ...], days: int, force: bool) -> None:
    """Make a self-signed certificate for the hub and print its SHA-256 fingerprint alone
    on stdout (give it to every kiosk, console and manager app: setting hub_cert_sha256).

    Then run the hub with the settings hub_cert_file and hub_key_file (printed on stderr).
    The packaged hub keeps them in /var/lib/guichet-kiosk/tls/ (packaging/README.md, 'The
    certificate'); renew them before they expire with 'kiosk hub renew-cert'.

    \b
    Example:
        sudo guichet-hub make-cert --name hub.office.lan --name 192.168.1.10
        kiosk hub make-cert --out /var/lib/guichet-kiosk/tls --name hub.office.lan
    """
    from kiosk.hub.tls import TlsError, default_names
    from kiosk.hub.tls import make_cert as make

    out = folder or paths.data_dir() / "tls"
    try:
        made = make(out, list(names) or default_names(), days, force)
    except TlsError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"certificate {made.cert} (for {', '.join(names) or ', '.join(default_names())})\n"
               f"key         {made.key} (keep it secret; readable by the hub's user only)\n"
               "hub settings:     hub_cert_file, hub_key_file (the two files above)\n"
               "clients' setting: hub_cert_sha256 (the fingerprint below)", err=True)
    click.echo(made.sha256)


@click.command("renew-cert")
@click.option("--cert", "cert_file", type=click.Path(dir_okay=False, path_type=Path),
              help="The certificate to renew (default: the setting hub_cert_file).")
@click.option("--key", "key_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Its key (default: the setting hub_key_file).")
@click.option("--days", type=click.IntRange(1, 36500), default=3650, show_default=True,
              help="Days the new certificate is valid.")
@click.option("--force", is_flag=True,
              help="Replace a certificate issued by an authority with a self-signed one.")
def renew_cert(cert_file: Path | None, key_file: Path | None, days: int, force: bool) -> None:
    """Make a new self-signed certificate and key for the same names as the hub's current
    one, in the same files (the old ones kept as *.old), and print the new SHA-256
    fingerprint alone on stdout; the steps to give it to every client go to stderr.

    'kiosk doctor --role hub' warns 30 days before the certificate expires. The running hub
    serves the new certificate once restarted.

    \b
    Example:
        sudo guichet-hub renew-cert
        kiosk hub renew-cert --cert /var/lib/guichet-kiosk/tls/hub-cert.pem \\
            --key /var/lib/guichet-kiosk/tls/hub-key.pem --days 3650
    """
    from kiosk.hub.tls import TlsError, cert_info
    from kiosk.hub.tls import renew_cert as renew

    settings = config.load()
    cert = cert_file or (Path(settings["hub_cert_file"]) if settings["hub_cert_file"] else None)
    key = key_file or (Path(settings["hub_key_file"]) if settings["hub_key_file"] else None)
    if cert is None or key is None:
        raise click.UsageError("no certificate to renew: give --cert and --key, or set "
                               "hub_cert_file and hub_key_file (a first one: kiosk hub make-cert)")
    try:
        names = cert_info(cert).names
        made = renew(cert, key, days, force)
    except (TlsError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"for {', '.join(names)}, valid {days} days; key {made.key}\n"
               + repin_steps(made.sha256, made.cert), err=True)
    click.echo(made.sha256)
