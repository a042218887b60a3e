"""End to end: a manager uploads a picture to the hub and publishes a flow that shows it;
another kiosk, a process of its own with its own data folder, fetches the version and its
picture from the hub, and a fresh kiosk process then draws the step with that picture
(real hub, real kiosk processes, offscreen)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QColor, QImage

from kiosk import paths
from tests.hub.conftest import Hub

MAGENTA_SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 300">'
               b'<rect width="400" height="300" fill="#ff00ff"/></svg>')

# the kiosk's own start, wired to the hub as `kiosk run` wires it; exits once the new
# version runs (its picture fetched before)
SYNC = """
import sys
from PySide6.QtCore import QTimer
from kiosk import config
from kiosk.ui.qt import application
from kiosk.customer.app import make_controller
from kiosk.customer.network import connect_to_hub

app = application(offscreen=True)
settings = config.load({"hub_url": sys.argv[1], "hub_token": sys.argv[2], "kiosk_id": "k2"})
ctrl = make_controller(settings)
network = connect_to_hub(ctrl, settings)

def applied(versions):
    if versions.get("buy-stamps") == 2:
        network.stop()
        app.exit(0)

network.updates.applied.connect(applied)
QTimer.singleShot(30_000, lambda: app.exit(3))
sys.exit(app.exec())
"""


def kiosk_env(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    for var, sub in (("KIOSK_DATA_DIR", "data"), ("KIOSK_CACHE_DIR", "cache"),
                     ("KIOSK_CONFIG_DIR", "config"), ("KIOSK_SYSTEM_CONFIG_DIR", "etc")):
        env[var] = str(folder / sub)
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def magenta_share(png: Path) -> float:
    image = QImage(str(png))
    assert not image.isNull()
    step = 4
    seen = hits = 0
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            seen += 1
            hits += image.pixelColor(x, y) == QColor(255, 0, 255)
    return hits / seen


def test_a_picture_uploaded_to_the_hub_is_drawn_by_another_kiosk(hub: Hub, tmp_path: Path) -> None:
    text = (paths.builtin_flows_dir() / "buy-stamps.yaml").read_text(encoding="utf-8")
    assert "image: automate-start.svg" in text  # the start step's picture
    text = text.replace("image: automate-start.svg", "image: magenta-box.svg", 1)
    with hub.client("manon") as m:
        up = m.put("/pictures/magenta-box.svg", content=MAGENTA_SVG,
                   headers={"Content-Type": "image/svg+xml"})
        assert up.status_code == 201, up.text
        saved = m.put("/flows/buy-stamps", content=text.encode(),
                      headers={"Content-Type": "application/yaml"})
        assert saved.status_code == 200, saved.text
        assert m.post("/flows/buy-stamps/publish", json={"note": "our picture"}).json()[
            "version"] == 2
    env = kiosk_env(tmp_path / "kiosk")
    synced = subprocess.run([sys.executable, "-c", SYNC, hub.url, hub.tokens["k2"]], env=env,
                            capture_output=True, text=True, timeout=60)
    assert synced.returncode == 0, synced.stderr
    kept = list((tmp_path / "kiosk" / "data" / "hub-pictures").iterdir())
    assert [p.read_bytes() for p in kept] == [MAGENTA_SVG]

    shot = tmp_path / "step.png"
    drawn = subprocess.run([sys.executable, "-m", "kiosk", "screenshot", "--flow", "buy-stamps",
                            "--step", "start", "--size", "1280x1024", "--out", str(shot)],
                           env=env, capture_output=True, text=True, timeout=60)
    assert drawn.returncode == 0, drawn.stderr
    assert magenta_share(shot) > 0.05  # the picture takes a good part of the screen

    # the same step on a kiosk that never heard of the hub: the built-in picture
    plain = tmp_path / "plain.png"
    subprocess.run([sys.executable, "-m", "kiosk", "screenshot", "--flow", "buy-stamps",
                    "--step", "start", "--size", "1280x1024", "--out", str(plain)],
                   env=kiosk_env(tmp_path / "other"), check=True, capture_output=True, timeout=60)
    assert magenta_share(plain) == 0
