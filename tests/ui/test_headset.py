"""HeadsetWatcher against the tests' own PulseAudio server: a headset sink loaded and
unloaded is seen (never by waiting a fixed time), a plain sink is not a headset, a jack's
headphone port is one when available; no pactl or no server leaves it quiet, saying why;
AudioPlayer plays on the headset, then on the default output again."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from kiosk.ui.audio import AudioPlayer
from kiosk.ui.headset import Headset, HeadsetWatcher, headsets
from tests.conftest import AUDIO

needs_audio = pytest.mark.skipif(not AUDIO, reason="PulseAudio is not installed")


def _pactl(*args: str) -> str:
    return subprocess.run(["pactl", *args], check=True, capture_output=True, text=True,  # noqa: S603,S607
                          timeout=10).stdout.strip()


class Modules:
    """Sinks the test loads, unloaded at its end whatever happened."""

    def __init__(self) -> None:
        self.loaded: list[str] = []

    def load(self, name: str, *props: str) -> str:
        args = ["load-module", "module-null-sink", f"sink_name={name}"]
        if props:
            args.append("sink_properties=" + " ".join(props))
        self.loaded.append(_pactl(*args))
        return self.loaded[-1]

    def unload(self, index: str) -> None:
        self.loaded.remove(index)
        _pactl("unload-module", index)


@pytest.fixture
def modules() -> Iterator[Modules]:
    m = Modules()
    yield m
    for index in m.loaded:
        subprocess.run(["pactl", "unload-module", index], check=False,  # noqa: S603,S607
                       capture_output=True, timeout=10)


@pytest.fixture
def watcher(qtbot: Any) -> Iterator[HeadsetWatcher]:
    w = HeadsetWatcher()
    yield w
    w.stop()


def test_headsets_are_told_from_a_listing() -> None:
    jack = {"name": "alsa_output.pci", "description": "Built-in Audio", "active_port": "speaker",
            "properties": {}, "ports": [
                {"name": "speaker", "type": "Speaker", "availability": "availability unknown"},
                {"name": "analog-output-headphones", "type": "Headphones",
                 "availability": "not available"}]}
    usb = {"name": "alsa_output.usb-Logitech", "description": "USB Headset",
           "properties": {"device.form_factor": "headset"}, "ports": []}
    plain = {"name": "null", "description": "Null Output", "properties": {}, "ports": []}
    assert headsets([jack, plain]) == []  # the jack's plug is out
    assert headsets([jack, usb, plain]) == [Headset("alsa_output.usb-Logitech")]
    jack["ports"][1]["availability"] = "available"  # type: ignore[index]
    found = headsets([jack, plain])
    assert found == [Headset("alsa_output.pci", "analog-output-headphones")]
    assert not found[0].active  # the watcher makes it the sink's active port
    assert found[0].description == "Built-in Audio"


@needs_audio
def test_a_headset_plugged_in_then_out_is_seen(qtbot: Any, watcher: HeadsetWatcher,
                                               modules: Modules) -> None:
    with qtbot.waitSignal(watcher.ready, timeout=10000):
        assert watcher.start()
    assert watcher.current is None
    assert not watcher.problem
    routed: list[object] = []
    watcher.headsetChanged.connect(routed.append)
    with qtbot.waitSignal(watcher.plugged, timeout=10000) as plugged:
        index = modules.load("test-headset", "device.form_factor=headset")
    assert plugged.args == [Headset("test-headset")]
    assert routed == [Headset("test-headset")]  # told before: speech goes there first
    assert watcher.current == Headset("test-headset")
    with qtbot.waitSignal(watcher.unplugged, timeout=10000):
        modules.unload(index)
    assert watcher.current is None


@needs_audio
def test_a_sink_that_is_no_headset_changes_nothing(qtbot: Any, watcher: HeadsetWatcher,
                                                   modules: Modules) -> None:
    with qtbot.waitSignal(watcher.ready, timeout=10000):
        watcher.start()
    plugged: list[object] = []
    watcher.plugged.connect(plugged.append)
    with qtbot.waitSignal(watcher.listed, timeout=10000,
                          check_params_cb=lambda: any(s.get("name") == "test-speaker"
                                                      for s in watcher.sinks)):
        modules.load("test-speaker")
    assert not plugged
    assert watcher.current is None


@needs_audio
def test_a_headset_there_at_start_is_used_not_announced(qtbot: Any, watcher: HeadsetWatcher,
                                                        modules: Modules) -> None:
    modules.load("test-headset-2", "device.form_factor=headphone")
    plugged: list[object] = []
    watcher.plugged.connect(plugged.append)
    with qtbot.waitSignal(watcher.ready, timeout=10000):
        watcher.start()
    assert watcher.current == Headset("test-headset-2")
    assert not plugged


def test_without_pactl_the_watcher_stays_quiet(qtbot: Any) -> None:
    w = HeadsetWatcher(pactl="/nonexistent/pactl")
    with qtbot.waitSignal(w.unavailable) as why:
        assert not w.start()
    assert why.args[0] == w.problem
    assert "pactl is not installed" in w.problem
    assert w.current is None
    w.stop()


def test_without_a_sound_server_the_watcher_stays_quiet(qtbot: Any) -> None:
    w = HeadsetWatcher(server="unix:/nonexistent/pulse/native", retry_ms=60_000)
    with qtbot.waitSignal(w.unavailable, timeout=10000):
        assert w.start()  # pactl is there; the server is not: said, never raised
    qtbot.waitUntil(lambda: w.retry.isActive(), timeout=10000)
    assert w.problem.startswith("no sound server")
    assert w.current is None
    assert not w.is_ready
    w.stop()
    assert not w.retry.isActive()


@needs_audio
def test_the_player_plays_on_the_headset_then_on_the_default_output(qtbot: Any,
                                                                    modules: Modules) -> None:
    player = AudioPlayer()
    default = player.device  # "": Qt's default output, whichever it is
    modules.load("test-headset-3", "device.form_factor=headset")
    player.use_device("test-headset-3")
    qtbot.waitUntil(lambda: player.device == "test-headset-3", timeout=10000)
    player.use_device("")
    assert player.device == default
