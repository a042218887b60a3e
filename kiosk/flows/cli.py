"""``kiosk flows``: validate and list flow files from the command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kiosk import paths
from kiosk.flows.library import flow_files
from kiosk.flows.messages import DEFAULT, render
from kiosk.flows.messages import languages as _message_languages
from kiosk.flows.model import pick
from kiosk.flows.validator import Report, validate_paths


@click.group()
def flows() -> None:
    """Work with guided flows (YAML files).

    \b
    Example:
        kiosk flows list
    """


def _targets(given: tuple[str, ...]) -> list[Path]:
    if not given:
        return flow_files([paths.builtin_flows_dir()])
    files: list[Path] = []
    for item in given:
        p = Path(item)
        files += flow_files([p]) if p.is_dir() else [p]
    return files


@flows.command()
@click.argument("path", nargs=-1, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
@click.option("--lang", default=DEFAULT, show_default=True,
              type=click.Choice(sorted(_message_languages())),
              help="Language of the messages (the manager's editor shows them in its own).")
def validate(path: tuple[str, ...], as_json: bool, lang: str) -> None:
    """Check flow files; exit 1 when any has an error (warnings are printed only).

    With no PATH, the built-in flows are checked. A folder checks every file in it.

    \b
    Example:
        kiosk flows validate my-office/flows/send-parcel.yaml
        kiosk flows validate --lang fr my-office/flows/
    """
    files = _targets(path)
    if not files:
        raise click.UsageError("no flow files found")
    reports = validate_paths(files)
    errors = sum(len(r.errors) for r in reports)
    if as_json:
        click.echo(json.dumps({"files": [_report_json(r, lang) for r in reports],
                               "errors": errors,
                               "warnings": sum(len(r.warnings) for r in reports)},
                              ensure_ascii=False, indent=2))
    else:
        for r in reports:
            for issue in r.issues:
                severity = render(f"severity.{issue.severity}", lang=lang)
                click.echo(f"{issue.file}:{issue.line}: {severity}: {issue.text(lang)}",
                           err=issue.severity == "error")
        ok = sum(1 for r in reports if r.ok)
        warnings = sum(len(r.warnings) for r in reports)
        click.echo(render("summary", {"ok": ok, "total": len(reports),
                                      "errors": {"code": "errors", "params": {"n": errors}},
                                      "warnings": {"code": "warnings", "params": {"n": warnings}}},
                          lang))
    sys.exit(1 if errors else 0)


def _report_json(r: Report, lang: str) -> dict[str, object]:
    return {"file": r.file, "flow": r.flow.id if r.flow else None, "ok": r.ok,
            "issues": [{**i.as_dict(), "message": i.text(lang)} for i in r.issues]}


@flows.command("list")
@click.argument("path", nargs=-1, type=click.Path())
def list_(path: tuple[str, ...]) -> None:
    """List flows: id, French title, languages, number of steps.

    \b
    Example:
        kiosk flows list
    """
    for r in validate_paths(_targets(path)):
        if r.flow is None:
            click.echo(f"{Path(r.file).name}: invalid ({len(r.errors)} errors)")
            continue
        f = r.flow
        langs = ",".join(sorted(f.languages()))
        click.echo(f"{f.id:<18} {pick(f.title, 'fr'):<44} {langs:<16} {len(f.steps)} steps")
