"""What every role of ``kiosk doctor`` shares: one :class:`Check` row, running a role's
parts (a part that breaks is a failed check, never a crash), the free disk of a folder,
and whether the apps' extra (Qt, the voices, vosk) is installed.

No Qt here, nor anything of the apps' extra: a hub-only install runs this.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.cli import APPS_EXTRA, missing_modules

#: what a machine without the apps' extra must install (the kiosk, the staff apps)
APPS_INSTALL = f"pip install '{APPS_EXTRA}'"
DISK_FAIL_GB = 0.5

Settings = dict[str, Any]


@dataclass(frozen=True)
class Check:
    """One line of the report: ``status`` is "ok", "warn" (optional part missing, or
    something to do soon) or "fail" (with the ``fix`` to apply)."""

    name: str
    status: str
    detail: str
    fix: str = ""


Part = Callable[[Settings], list[Check]]


def run_parts(parts: Sequence[Part], settings: Settings) -> list[Check]:
    """The checks of each part, in order."""
    checks: list[Check] = []
    for part in parts:
        try:
            checks += part(settings)
        except Exception as exc:  # a check that breaks is a failed check, not a crash
            checks.append(Check(part.__name__.replace("_checks", ""), "fail",
                                f"check failed: {exc.__class__.__name__}: {exc}",
                                "this check itself broke: report the output of "
                                "'kiosk doctor --json'"))
    return checks


def apps_check(modules: Sequence[str], who: str) -> Check | None:
    """One failed line when a module of the apps' extra is missing, else None."""
    missing = missing_modules(*modules)
    if not missing:
        return None
    return Check("apps", "fail", f"{', '.join(missing)} not installed: {who} cannot run here "
                 "(this is a hub-only install)", APPS_INSTALL)


def free_disk(folder: Path, what: str, warn_below_gb: float | None = None) -> Check:
    """Free space in ``folder``: fail under 0.5 GB, warn under ``warn_below_gb``."""
    free = shutil.disk_usage(folder).free / 1e9
    detail = f"{free:.1f} GB free in {folder}"
    if free < DISK_FAIL_GB:
        return Check("free disk", "fail", detail, f"free some space ({what})")
    if warn_below_gb is not None and free < warn_below_gb:
        return Check("free disk", "warn", detail + f" (under {warn_below_gb:g} GB)",
                     f"free some space soon ({what})")
    return Check("free disk", "ok", detail)
