"""Budget: kiosk memory after 1,000 customer sessions (no voice model): RSS <= 180 MB and
growth <= 10 % between session 100 and session 1,000.

A robot walks every built-in flow in turn, in every language, with text size and
contrast changes, feedback, help calls and inactivity resets, like a day at the office.
Baseline in the same run: the RSS of the same process right after the kiosk first
painted (what the kiosk costs before any customer).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import emit, pump, quick, rss_mb  # noqa: E402

BUDGET_MB = 180.0
BUDGET_GROWTH = 0.10



def session(ctrl, window, app, rng: random.Random) -> None:  # type: ignore[no-untyped-def]
    ctrl.set_language(rng.choice(ctrl.languages))
    if rng.random() < 0.2:
        ctrl.cycle_text_size()
    if rng.random() < 0.1:
        ctrl.toggle_contrast()
    flow = rng.choice(ctrl.flows())
    ctrl.start_flow(flow.id)
    for _ in range(40):
        pump(app)
        if ctrl.screen != "step" or ctrl.session is None:
            break
        step = ctrl.session.current
        if step.kind == "end":
            ctrl.give_feedback(rng.choice(["good", "neutral", "bad"]))
            break
        if step.kind == "choices":
            ctrl.choose(rng.randrange(len(step.choices)))
        else:
            ctrl.advance()
        if rng.random() < 0.05:
            ctrl.back()
    if ctrl.screen == "outcome" and rng.random() < 0.5:
        ctrl.resume()
    pump(app)
    ctrl.reset("inactivity")
    pump(app)


def main() -> None:
    from kiosk import config
    from kiosk.customer.app import build
    from kiosk.ui.qt import application

    total = 200 if quick() else 1000
    warm_at = total // 10
    app = application(offscreen=True)
    ctrl, window = build(config.load(), lockdown=False)
    window.resize(1920, 1080)
    window.show()
    pump(app)
    start = rss_mb()
    rng = random.Random(11)
    warm = 0.0
    for i in range(1, total + 1):
        session(ctrl, window, app, rng)
        if i == warm_at:
            warm = rss_mb()
    end = rss_mb()
    growth = (end - warm) / warm
    window.shutdown()
    emit({"benchmark": "memory_after_sessions", "sessions": total, "events": len(ctrl.events),
          "rss_first_paint_mb": round(start, 1), f"rss_after_{warm_at}_mb": round(warm, 1),
          f"rss_after_{total}_mb": round(end, 1), "growth": round(growth, 3),
          "budget_mb": BUDGET_MB, "budget_growth": BUDGET_GROWTH,
          "ok": end <= BUDGET_MB and growth <= BUDGET_GROWTH})


if __name__ == "__main__":
    main()
