"""``kiosk demo --headless``: the whole path, customer to mediator and back, for real."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.slow
def test_headless_demo_walks_the_whole_path(tmp_path: Path) -> None:
    out = tmp_path / "demo-out"
    done = subprocess.run([sys.executable, "-m", "kiosk.cli", "demo", "--headless", "--out",
                           str(out)], capture_output=True, text=True, timeout=180, check=True)
    lines = done.stdout.splitlines()
    assert any("Vous êtes le numéro 1 dans la file" in line for line in lines), done.stdout
    assert any("Aicha arrive pour vous aider." in line for line in lines)
    assert "console: call resolved (helped)" in lines
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert len(pngs) == 8
    assert pngs[0] == "01-kiosk-home.png"
    assert all((out / p).read_bytes()[:4] == b"\x89PNG" for p in pngs)
