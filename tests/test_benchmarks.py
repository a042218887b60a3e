"""The benchmarks still run and print their JSON (tiny samples; no verdict asserted:
speed is judged by ``make bench`` against baselines of the same run, never here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_benchmarks_run_and_report() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run_all.py"), "--quick"],
                          capture_output=True, text=True, timeout=600, check=True, cwd=ROOT)
    report = json.loads(done.stdout)
    crashed = [(r["benchmark"], r["error"]) for r in report["results"] if "error" in r]
    assert not crashed, crashed  # a script that failed: its name and the end of its stderr
    names = {r.get("benchmark") for r in report["results"]}
    assert names == {"start_to_first_paint", "tap_to_next_screen_painted_ms",
                     "memory_after_sessions", "hub_throughput",
                     "help_call_to_consoles_ms", "help_call_during_login_flood_ms",
                     "step_to_audio_start_ms", "voice_command_decided_ms",
                     "explore_touch_to_speech_ms", "soak_sessions", "screen_fit",
                     "region_report"}, report
    for r in report["results"]:
        assert "ok" in r, r
