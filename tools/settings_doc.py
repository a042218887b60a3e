"""Regenerate docs/settings.md from the settings declared in kiosk/config.py.

``--check`` writes nothing: it exits 1 when the file is not up to date.
"""

import sys
from pathlib import Path

from kiosk import config

OUT = Path(__file__).resolve().parents[1] / "docs" / "settings.md"

if __name__ == "__main__":
    text = config.markdown()
    if "--check" in sys.argv[1:]:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            sys.exit(f"{OUT} is out of date: run python tools/settings_doc.py")
        sys.exit(0)
    OUT.write_text(text, encoding="utf-8")
    print(OUT)
