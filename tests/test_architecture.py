"""DESIGN.md's import rules, checked by import-linter, and module size and docstrings."""

from __future__ import annotations

import ast
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted((ROOT / "kiosk").rglob("*.py"))


def test_import_contracts_hold() -> None:
    exe = shutil.which("lint-imports") or str(Path(__import__("sys").executable).parent
                                               / "lint-imports")
    done = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "broken" not in done.stdout.lower().replace("0 broken", "")


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_each_module_says_what_it_owns_and_stays_small(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    if source.strip():
        assert ast.get_docstring(ast.parse(source)), "module docstring missing"
    assert source.count("\n") < 500


def test_screens_connect_their_buttons_to_lambdas_not_bound_methods() -> None:
    """A connection to a bound method costs PySide ~100 bytes that outlive the button; a
    screen drawn 20 times a visit, 10,000 visits a month, grew the kiosk without end."""
    source = "\n".join((ROOT / "kiosk" / "customer" / name).read_text(encoding="utf-8")
                       for name in ("screens.py", "scrolling.py"))
    bound = [line.strip() for line in source.splitlines()
             if ".connect(" in line and ".connect(lambda" not in line]
    assert not bound, bound
