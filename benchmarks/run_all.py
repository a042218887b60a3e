"""``make bench``: run every benchmark in its own process, print one JSON document.

Each budget of DESIGN.md that exists so far has a script here; each compares against a
baseline measured in the same run. ``--quick`` uses small samples (smoke test).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ["start_time.py", "tap_to_paint.py", "memory.py", "hub_throughput.py",
           "help_latency.py", "login_flood.py", "voice_start.py", "voice_command.py",
           "explore_touch.py", "soak.py", "screen_fit.py", "region.py"]


def main() -> int:
    extra = ["--quick"] if "--quick" in sys.argv else []
    results = []
    for script in SCRIPTS:
        # -X faulthandler: a crash (a signal) still says where, on stderr
        done = subprocess.run([sys.executable, "-X", "faulthandler", str(HERE / script), *extra],
                              capture_output=True, text=True, timeout=1800, check=False)
        if done.returncode != 0:
            # a negative code: killed by that signal (its stderr may then be empty)
            results.append({"benchmark": script, "returncode": done.returncode,
                            "error": done.stderr.strip()[-2000:]})
            continue
        results += [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    print(json.dumps({"results": results, "all_ok": all(r.get("ok") for r in results)},
                     indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
