"""A synthetic region of realistic size for timing the report (not a test): per office and
day about 1,500 events, 110 walks, 12 help calls and 0-1 workshop, every file written as
``tests.region.fixtures.write_part`` does.

    .venv/bin/python -m tests.region.synthetic /tmp/region 50 90
"""

from __future__ import annotations

import random
import sys
from datetime import date, timedelta
from multiprocessing import Pool
from pathlib import Path
from typing import Any

from tests.region.fixtures import write_part

FLOWS = {f"flow-{i}": [f"step-{j}" for j in range(1, 9)] for i in range(1, 13)}
KIOSKS = ("kiosk-1", "kiosk-2", "kiosk-3")
LANGS = ("fr", "fr", "fr", "ar", "en", "es", "pt")


def office_day(rnd: random.Random, office: str, day: str) -> dict[str, list[dict[str, Any]]]:
    """One office-day's rows in the four tables."""
    events: list[dict[str, Any]] = []
    walks: list[dict[str, Any]] = []
    helps: list[dict[str, Any]] = []
    for visit in range(rnd.randint(85, 110)):
        session = f"{rnd.getrandbits(64):016x}"
        kiosk, lang, hour = rnd.choice(KIOSKS), rnd.choice(LANGS), rnd.randint(8, 18)
        base = {"hour": hour, "kiosk": kiosk, "session": session, "language": lang}
        events.append({**base, "type": "visit.start"})
        for _ in range(1 if visit % 4 else 2):
            flow = rnd.choice(list(FLOWS))
            steps = FLOWS[flow]
            events.append({**base, "type": "flow.start", "flow_id": flow})
            n, calls = rnd.randint(1, len(steps)), 0
            for step in steps[:n]:
                events.append({**base, "type": "step", "flow_id": flow, "step_id": step})
                events.append({**base, "type": "choice", "flow_id": flow, "step_id": step,
                               "choice": rnd.randint(0, 3)})
                if rnd.random() < 0.015:
                    calls += 1
                    events.append({**base, "type": "help", "flow_id": flow, "step_id": step})
                    wait = rnd.uniform(5, 300) if rnd.random() < 0.9 else None
                    helps.append({"hour": hour, "flow_id": flow, "step_id": step,
                                  "kind": "help" if rnd.random() < 0.85 else "workshop",
                                  "status": rnd.choice(("resolved", "resolved", "claimed",
                                                        "cancelled")),
                                  "outcome": rnd.choice(("helped", "workshop", "sent-to-counter")),
                                  "answered": wait is not None, "wait_seconds": wait})
            done = n == len(steps)
            result = "completed" if done else rnd.choice(("quit", "quit", "help"))
            events.append({**base, "type": "flow.end" if done else "flow.abandon", "flow_id": flow})
            walks.append({"hour": hour, "session": session, "flow_id": flow, "language": lang,
                          "result": result, "quit_step": steps[n - 1] if result == "quit" else None,
                          "steps_reached": n, "help_calls": calls, "seconds": n * 20.0})
        if rnd.random() < 0.4:
            events.append({**base, "type": "feedback", "value": rnd.choice(("good", "neutral", "bad"))})
    workshops = [{"hour": 14, "level": "initiation", "minutes": 90, "capacity": 8,
                  "registered": rnd.randint(0, 8), "attended": rnd.randint(0, 5),
                  "cancelled": rnd.random() < 0.1}] if rnd.random() < 0.5 else []
    return {"events": events, "walks": walks, "help": helps, "workshops": workshops}


def _write(args: tuple[str, str, str]) -> int:
    root, office, day = args
    rnd = random.Random(f"{office}/{day}")
    rows = office_day(rnd, office, day)
    for table, table_rows in rows.items():
        write_part(Path(root), table, office, day, table_rows)
    return len(rows["events"])


def generate(root: Path, offices: int, days: int, first: date = date(2024, 1, 1)) -> int:
    """Write ``offices`` x ``days`` office-days under ``root``; returns the events written."""
    jobs = [(str(root), f"office-{o:02d}", (first + timedelta(days=d)).isoformat())
            for o in range(1, offices + 1) for d in range(days)]
    with Pool() as pool:
        return sum(pool.imap_unordered(_write, jobs, chunksize=20))


if __name__ == "__main__":
    target = Path(sys.argv[1])
    print(generate(target, int(sys.argv[2]), int(sys.argv[3])), "events")
