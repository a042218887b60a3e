from __future__ import annotations

import json
from pathlib import Path

from kiosk import paths
from kiosk.flows.library import BUILTIN_ORDER, FlowLibrary


def test_builtin_library_orders_flows(tmp_path: Path) -> None:
    lib = FlowLibrary([paths.builtin_flows_dir()], tmp_path / "cache.json")
    problems = lib.load()
    assert [p for p in problems if p.severity == "error"] == []
    assert [f.id for f in lib.ordered()] == list(BUILTIN_ORDER)


def test_cache_is_used_and_last_good_version_is_kept(tmp_path: Path, valid_text: str,
                                                     monkeypatch) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "flows"
    folder.mkdir()
    monkeypatch.setenv("KIOSK_ASSETS_DIR", str(paths.assets_dir()))
    text = (valid_text.replace("a.svg", "check-done.svg").replace("i.svg", "yes.svg"))
    (folder / "demo.yaml").write_text(text)
    cache = tmp_path / "cache.json"
    lib = FlowLibrary([folder], cache)
    assert lib.load() == []
    assert "demo" in lib.flows
    assert cache.is_file()

    # a broken file: the problem is reported, the last good version stays
    (folder / "demo.yaml").write_text(text.replace("start: first", "start: nowhere"))
    problems = lib.load()
    assert any(p.line == 7 and "nowhere" in p.message for p in problems)
    assert lib.flows["demo"].start == "first"

    # and it stays across a restart, through the cache
    fresh = FlowLibrary([folder], cache)
    fresh.load()
    assert fresh.flows["demo"].start == "first"

    # the cached entry is what makes a restart skip validation
    data = json.loads(cache.read_text())
    assert list(data) == [str(folder / "demo.yaml")]


def test_office_folder_overrides_builtin(tmp_path: Path) -> None:
    folder = tmp_path / "office"
    folder.mkdir()
    source = (paths.builtin_flows_dir() / "buy-stamps.yaml").read_text(encoding="utf-8")
    changed = source.replace("Acheter des timbres", "Timbres", 1)
    (folder / "buy-stamps.yaml").write_text(changed, encoding="utf-8")
    lib = FlowLibrary([paths.builtin_flows_dir(), folder])
    lib.load()
    assert lib.flows["buy-stamps"].title["fr"] == "Timbres"
