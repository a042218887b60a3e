"""The manager app's editor page (placeholder until it is built)."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.client.staff import StaffClient


class EditorPage(QWidget):
    def __init__(self, client: StaffClient, language: str) -> None:
        super().__init__()
        self.client = client
        self.language = language
        QVBoxLayout(self)

    def refresh(self) -> None:
        """Read what the page shows from the hub again."""
