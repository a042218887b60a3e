"""The staff login form says why it cannot log in, in the app's language."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QObject, Signal

from kiosk.i18n import catalog
from kiosk.ui.login import LoginForm


class FakeClient(QObject):
    loginFailed = Signal(object, str)

    def login(self, user: str, password: str) -> None:
        self.asked = (user, password)


@pytest.mark.parametrize(("status", "detail", "expected"), [
    (401, "wrong", "Identifiant ou mot de passe incorrect."),
    (None, "hub unreachable: Connection refused", "Le serveur ne répond pas. Vérifiez le réseau."),
    (None, "hub unreachable: the hub's certificate has the SHA-256 fingerprint AB, not the pinned CD",
     "Connexion refusée : ce serveur n’est pas celui du bureau"),
    (None, "refusing plain HTTP to 10.0.0.5", "Connexion refusée"),
])
def test_refusals_are_said_plainly(qtbot: Any, status: int | None, detail: str,
                                   expected: str) -> None:
    client = FakeClient()
    form = LoginForm(catalog("fr", "manager"), client)
    qtbot.addWidget(form)
    form.user.setText(" manon ")
    form.password.setText("secret")
    form.log_in()
    assert client.asked == ("manon", "secret")
    client.loginFailed.emit(status, detail)
    assert form.error.text().startswith(expected)
