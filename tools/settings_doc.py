"""Regenerate docs/settings.md from the settings declared in kiosk/config.py."""

from pathlib import Path

from kiosk import config

OUT = Path(__file__).resolve().parents[1] / "docs" / "settings.md"

if __name__ == "__main__":
    OUT.write_text(config.markdown(), encoding="utf-8")
    print(OUT)
