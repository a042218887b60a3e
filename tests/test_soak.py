"""The soak benchmark's robot, kiosk, link, outbox and hub agree: a few hundred customer
sessions with help calls end with no error and every help call and event in the hub's
database exactly once. Correctness only: its times and memory are judged by ``make
bench``, never here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_soak_delivers_every_call_and_event_exactly_once() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "soak.py"), "--quick"],
                          capture_output=True, text=True, timeout=600, check=True, cwd=ROOT)
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["errors"] == 0, report
    calls, events = report["help_calls"], report["events"]
    assert calls["robot_taps"] > 0, report
    assert calls["made"] == calls["asked_by_kiosk"] >= calls["robot_taps"], report
    assert calls["stored"] == calls["made_distinct"] == calls["made"], report
    assert events["made"] > 0, report
    assert events["stored"] == events["made_distinct"] == events["made"], report
    assert events["put_in_outbox"] == events["made"], report
    for counts in (calls, events):
        assert counts["missing"] == counts["duplicates"] == counts["unexpected"] == 0, report
    # a cancel the mediator beat (409) is the one allowed difference
    assert calls["cancelled_on_hub"] + calls["cancel_conflicts"] == calls["cancels_sent"], report
    assert report["delivered_exactly_once"], report
