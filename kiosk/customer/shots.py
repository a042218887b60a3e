"""Render kiosk screens to PNG offscreen: ``kiosk screenshot``, ``make screenshots`` and
the headless demo all go through :func:`render_shots`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.customer.controller import Look
from kiosk.flows.session import Outcome


@dataclass(frozen=True)
class Shot:
    out: Path
    flow_id: str | None = None
    step_id: str | None = None
    language: str = "fr"
    scale: float = 1.0
    high_contrast: bool = False
    outcome: str | None = None


def render_shots(settings: dict[str, Any], shots: list[Shot]) -> list[Path]:
    """Render each shot with one offscreen kiosk window; returns the files written."""
    from kiosk.customer.app import build, screen_size
    from kiosk.ui.qt import application, settle

    app = application(offscreen=True)
    ctrl, window = build(settings, lockdown=False, size=screen_size(settings))
    window.show()
    written = []
    try:
        for shot in shots:
            ctrl.reset("screenshot")
            ctrl.look = Look(shot.language, shot.scale, shot.high_contrast)
            if shot.flow_id:
                ctrl.start_flow(shot.flow_id, shot.step_id)
                if shot.outcome and ctrl.session is not None:
                    ctrl.show_outcome(Outcome(
                        shot.outcome, ctrl.session.current_id,  # type: ignore[arg-type]
                        "initiation" if shot.outcome == "workshop" else None))
            window.restyle()
            settle()
            shot.out.parent.mkdir(parents=True, exist_ok=True)
            if not window.grab().save(str(shot.out)):
                raise OSError(f"cannot write {shot.out}")
            written.append(shot.out)
    finally:
        window.shutdown()
        window.close()
        window.deleteLater()
        app.processEvents()
    return written


def docs_shots(folder: Path, library_flows: list[tuple[str, list[str]]]) -> list[Shot]:
    """``docs/screens/``: home and the first two steps of each flow in fr, en and ar,
    plus the help and workshop screens, large text and high contrast."""
    shots = [Shot(folder / f"home-{lang}.png", language=lang) for lang in ("fr", "en", "ar")]
    for flow_id, step_ids in library_flows:
        for step_id in step_ids[:2]:
            shots += [Shot(folder / f"{flow_id}-{step_id}-{lang}.png", flow_id, step_id, lang)
                      for lang in ("fr", "en", "ar")]
    shots += [
        Shot(folder / "help-fr.png", "send-parcel", None, "fr", outcome="help"),
        Shot(folder / "workshop-ar.png", "digital-skills", None, "ar", outcome="workshop"),
        Shot(folder / "home-fr-x2.png", None, None, "fr", 2.0),
        Shot(folder / "send-parcel-ar-x2-contrast.png", "send-parcel", None, "ar", 2.0, True),
    ]
    return shots
