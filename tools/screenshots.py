"""Regenerate docs/screens/: every built-in flow's first two steps in fr, en and ar,
home screens, the help and workshop screens, large text and high contrast.

Run by ``make screenshots``; the README and docs link these files.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kiosk import config, paths
from kiosk.customer.shots import docs_shots, render_shots
from kiosk.flows.library import FlowLibrary

OUT = Path(__file__).resolve().parents[1] / "docs" / "screens"


def main() -> int:
    library = FlowLibrary([paths.builtin_flows_dir()])
    library.load()
    flows = []
    for flow in library.ordered():
        # the start step, then the step a customer reaches next by the first choice
        first = flow.step(flow.start)
        second = first.next or next((c.next for c in first.choices if not c.next.startswith("@")),
                                    flow.start)
        flows.append((flow.id, [flow.start] + ([second] if second != flow.start else [])))
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.png"):
        old.unlink()
    settings = config.load({"screen_size": "1920x1080"})
    files = render_shots(settings, docs_shots(OUT, flows))
    print(f"{len(files)} screenshots in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
