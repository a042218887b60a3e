"""Files of the manager's **Région** tab (``kiosk.manager.region``): which folder was
opened last on this computer (``manager/region.json`` in the user data folder, never on a
hub), and the report written as the file type chosen (HTML page, CSV table, JSON) through
``kiosk.region.render``, whole or not at all.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from kiosk import paths

log = logging.getLogger(__name__)

#: file type offered when saving -> (what is written, CSV table)
SAVE_KINDS = {"html": ("html", ""), "csv_offices": ("csv", "offices"), "csv_steps": ("csv", "steps"),
              "csv_flows": ("csv", "flows"), "json": ("json", "")}
#: a file's extension -> what is written when no file type was chosen
TYPES = {"html": "html", "csv": "csv_offices", "json": "json"}


def memory_file() -> Path:
    return paths.data_dir() / "manager" / "region.json"


def remembered_folder() -> Path | None:
    """The folder opened last time on this computer, if any."""
    try:
        data = json.loads(memory_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    folder = data.get("folder") if isinstance(data, dict) else None
    return Path(folder) if isinstance(folder, str) and folder else None


def remember_folder(folder: Path) -> None:
    target = memory_file()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"folder": str(folder)}, ensure_ascii=False), encoding="utf-8")
        tmp.replace(target)
    except OSError as exc:  # only costs choosing it again next time
        log.warning("could not remember the region folder: %s", exc)


def report_text(report: dict[str, Any], kind: str, table: str, language: str) -> str:
    """The report as the file type chosen: ``html``, ``csv`` (one ``table``, for a
    spreadsheet in ``language``) or ``json``."""
    from kiosk.region import render

    if kind == "html":
        return str(render.html(report, lang=language))
    if kind == "csv":
        return str(render.csv_text(report, table=table or "offices", lang=language))
    return str(render.json_text(report))


def write_text(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8, as render made it) beside ``path`` then rename it over:
    never half a file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8", newline="")
        tmp.replace(path)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
    return path
