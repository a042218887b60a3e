"""Screenshots of the manager app's flow editor, for the docs and for a look by eye:
form and live preview, the diagram, the YAML view with a validation error and with a
YAML error, the history with a diff, a language being added (French), and the form in
English with the preview in Arabic.

    .venv/bin/python tools/shots_editor.py [FOLDER]     (default: docs/screens/editor)

An embedded hub runs in a temporary folder; the manager app runs offscreen.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


_PAGES: list[Any] = []


def _why() -> str:
    page = _PAGES[-1] if _PAGES else None
    if page is None:
        return "not logged in"
    return (f"message={page.message.text()!r} status={page.status.text()!r} pending={page.pending} "
            f"history={page.history.loading} diff={page.history.diff_text[:80]!r}")


def _wait(app: Any, done: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError(f"the editor did not get there in time: {_why()}")
        app.processEvents()
        time.sleep(0.01)


def _open(app: Any, url: str, language: str) -> Any:
    from kiosk.demo import demo_manager_window

    window = demo_manager_window(url, language)
    _wait(app, lambda: window.stack.currentWidget() is window.tabs)
    window.show_page("flows")
    page = window.page("flows")
    _PAGES.append(page)
    _wait(app, lambda: page.doc is not None and page.idle())
    return window


def _settle(app: Any, page: Any) -> None:
    from kiosk.ui.qt import settle

    _wait(app, page.idle)
    settle()
    page.preview.render()
    settle()


def _save(window: Any, path: Path) -> Path:
    from PySide6.QtWidgets import QApplication

    path.parent.mkdir(parents=True, exist_ok=True)
    preview = window.page("flows").preview
    # the real kiosk screen, not the quick drawing
    _wait(QApplication.instance(), lambda: not preview.timer.isActive()
          and (preview.kiosk is None or not preview.kiosk.busy))
    if not window.grab().save(str(path)):
        raise OSError(f"cannot write {path}")
    return path


def _open_flow(app: Any, page: Any, flow_id: str, step_id: str) -> None:
    page.open_flow(flow_id)
    _wait(app, lambda: page.flow_id == flow_id and page.idle())
    page.select_step_id(step_id)


def shots(folder: Path) -> list[Path]:
    """Write the editor's screenshots into ``folder``; returns the files."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from kiosk.demo import start_hub
    from kiosk.ui.qt import application

    app = application(offscreen=True)
    out: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="editor-shots-") as tmp:
        hub = start_hub(Path(tmp))
        windows: list[Any] = []
        try:
            window = _open(app, hub.server.url, "fr")
            windows.append(window)
            page = window.page("flows")
            _open_flow(app, page, "send-parcel", "weigh")
            page.tabs.setCurrentWidget(page.form)
            _settle(app, page)
            out.append(_save(window, folder / "editor-form-fr.png"))

            page.tabs.setCurrentWidget(page.graph_tab)
            _settle(app, page)
            out.append(_save(window, folder / "editor-graph-fr.png"))

            _open_flow(app, page, "digital-skills", "intro")
            _settle(app, page)
            out.append(_save(window, folder / "editor-graph-workshops-fr.png"))
            _open_flow(app, page, "send-parcel", "weigh")

            page.tabs.setCurrentWidget(page.yaml)
            text = page.yaml.text().replace("next: destination", "next: destinaton", 1)
            page.yaml.editor.setPlainText(text)
            _wait(app, lambda: page.idle() and any("destinaton" in p for p in page.problems.texts()))
            page.problems.click(0)
            _settle(app, page)
            out.append(_save(window, folder / "editor-yaml-error-fr.png"))

            broken = text.replace("  - id: weigh", "  - id: weigh\n   text: [", 1)
            page.yaml.editor.setPlainText(broken)
            _wait(app, lambda: page.idle() and bool(page.yaml.error_text))
            _settle(app, page)
            out.append(_save(window, folder / "editor-yaml-syntax-fr.png"))

            page.yaml.editor.setPlainText(text.replace("next: destinaton", "next: destination", 1))
            _wait(app, lambda: page.idle() and not page.yaml.error_text)
            page.tabs.setCurrentWidget(page.form)
            page.form.fields["text.fr"].setPlainText("Posez le colis sur la balance. Le poids s'affiche ?")
            _wait(app, page.idle)
            page.publish("Phrase de la pesée plus courte")
            _wait(app, lambda: page.idle() and "2" in page.status.text())
            page.tabs.setCurrentWidget(page.history)
            _wait(app, lambda: page.idle() and "@@" in page.history.diff_text)
            _settle(app, page)
            out.append(_save(window, folder / "editor-history-fr.png"))

            _open_flow(app, page, "buy-stamps", "")
            page.select_step(1)
            page.add_language("de")
            page.form.fields["text.de"].setPlainText("Wählen Sie die Briefmarken am Bildschirm.")
            page.tabs.setCurrentWidget(page.form)
            _settle(app, page)
            out.append(_save(window, folder / "editor-new-language-fr.png"))

            english = _open(app, hub.server.url, "en")
            windows.append(english)
            page_en = english.page("flows")
            _open_flow(app, page_en, "collect-parcel", "")
            page_en.select_step(1)
            page_en.preview.set_language("ar")
            page_en.preview.set_scale(1.5)
            _settle(app, page_en)
            out.append(_save(english, folder / "editor-form-en.png"))
        finally:
            for w in windows:
                w.shutdown()
                w.close()
                w.deleteLater()
            app.processEvents()
            hub.server.stop()
    return out


def main() -> int:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screens" / "editor"
    for path in shots(folder):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
