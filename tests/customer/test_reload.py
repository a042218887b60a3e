"""Flows edited while the kiosk runs: new versions appear, broken ones never replace
the last good version."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiosk import paths
from kiosk.customer.reload import FlowWatcher
from kiosk.flows.library import FlowLibrary


def test_broken_edit_keeps_last_good_then_fix_is_picked_up(qtbot: Any, tmp_path: Path) -> None:
    office = tmp_path / "office"
    office.mkdir()
    source = (paths.builtin_flows_dir() / "buy-stamps.yaml").read_text(encoding="utf-8")
    target = office / "buy-stamps.yaml"
    target.write_text(source.replace("Acheter des timbres", "Timbres v1", 1), encoding="utf-8")
    library = FlowLibrary([paths.builtin_flows_dir(), office], tmp_path / "cache.json")
    library.load()
    watcher = FlowWatcher(library, delay_ms=10)
    assert library.flows["buy-stamps"].title["fr"] == "Timbres v1"

    with qtbot.waitSignal(watcher.reloaded, timeout=10_000) as blocker:
        target.write_text(source.replace("start: ", "start: missing-", 1), encoding="utf-8")
    problems = blocker.args[0]
    assert any(str(p).startswith(f"{target}:") and "missing-" in p.message for p in problems)
    assert library.flows["buy-stamps"].title["fr"] == "Timbres v1"

    with qtbot.waitSignal(watcher.reloaded, timeout=10_000):
        target.write_text(source.replace("Acheter des timbres", "Timbres v2", 1),
                          encoding="utf-8")
    assert library.flows["buy-stamps"].title["fr"] == "Timbres v2"
    watcher.stop()
