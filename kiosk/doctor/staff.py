"""``kiosk doctor --role staff``: is this PC ready for the mediators' console or the
manager app? Qt (the apps' extra), the display, the fonts of the staff apps' languages,
and the hub: its address, its pinned certificate, its answer and the clocks' gap. Staff
log in with their own password, so no token is tried.
"""

from __future__ import annotations

from kiosk import languages
from kiosk.doctor import network, screen
from kiosk.doctor.common import Check, Settings, apps_check, run_parts


def qt_checks(settings: Settings) -> list[Check]:
    codes = dict.fromkeys([*languages.staff_languages("mediator"),
                           *languages.staff_languages("manager")])
    return screen.screen_checks("PC") + screen.font_checks(codes)


def checks(settings: Settings) -> list[Check]:
    missing = apps_check(("PySide6",), "the console and the manager app")
    if missing is not None:
        return [missing, *run_parts([network.staff_hub_checks], settings)]
    return run_parts([qt_checks, network.staff_hub_checks], settings)
