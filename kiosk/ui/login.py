"""LoginForm: the staff apps' login page (mediator console, manager app): user name,
password, the button, and the hub's refusal said in the app's language."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from kiosk.i18n import Catalog
from kiosk.ui.widgets import BigButton, label


class LoginForm(QWidget):
    """Logs in through ``client`` (a StaffClient); the catalog needs ``login.title``,
    ``login.user``, ``login.password``, ``login.submit``, ``login.wrong``,
    ``login.locked``, ``login.unreachable``, ``login.insecure`` and ``login.ended``."""

    def __init__(self, strings: Catalog, client: Any) -> None:
        super().__init__()
        t = strings.t
        self.strings, self.client = strings, client
        box = QVBoxLayout(self)
        box.addStretch(1)
        box.addWidget(label(t("login.title"), "title"))
        self.user = QLineEdit()
        self.user.setPlaceholderText(t("login.user"))
        self.password = QLineEdit()
        self.password.setPlaceholderText(t("login.password"))
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.returnPressed.connect(self.log_in)
        self.submit = BigButton(t("login.submit"), "primary")
        self.submit.clicked.connect(self.log_in)
        self.error = label("", "consoleText")
        for w in (self.user, self.password, self.submit, self.error):
            box.addWidget(w)
        box.addStretch(2)
        client.loginFailed.connect(self.failed)

    def log_in(self) -> None:
        self.error.setText("")
        self.client.login(self.user.text().strip(), self.password.text())

    def session_ended(self) -> None:
        """The hub ended the session: say why, ready for a new login."""
        self.password.clear()
        self.error.setText(self.strings.t("login.ended"))
        self.password.setFocus()

    def failed(self, status: int | None, detail: str) -> None:
        key = {None: "login.unreachable", 401: "login.wrong", 429: "login.locked"}.get(status)
        if status is None and ("certificate" in detail or "plain HTTP" in detail):
            key = "login.insecure"  # pinning refused the server: not "it does not answer"
        self.error.setText(self.strings.t(key) if key else detail)
