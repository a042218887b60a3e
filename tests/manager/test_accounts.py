"""The accounts page against a real hub: list, add (checked before sending), reset a
password, disable after a confirmation (the person can no longer log in), enable again,
and the hub's refusals in plain words."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from kiosk.manager.accounts import AccountsPage
from tests.hub.conftest import PASSWORD, Hub
from tests.manager.test_fleet import close_page, open_page


@pytest.fixture
def accounts(qtbot: Any, hub: Hub) -> Iterator[AccountsPage]:
    page = open_page(qtbot, hub, AccountsPage)
    page.refresh()
    qtbot.waitUntil(lambda: page.table.rowCount() == 3, timeout=10_000)
    yield page
    close_page(page)


def log_in(hub: Hub, user: str, password: str) -> int:
    with httpx.Client(base_url=f"{hub.url}/api/v1", timeout=10) as c:
        return c.post("/auth/login", json={"username": user, "password": password}).status_code


def confirm(qtbot: Any, page: AccountsPage, accept: bool = True) -> None:
    box = page.confirm
    assert box is not None
    assert box.isVisible()
    wanted = QMessageBox.ButtonRole.AcceptRole if accept else QMessageBox.ButtonRole.RejectRole
    button = next(b for b in box.buttons() if box.buttonRole(b) == wanted)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_the_list(accounts: AccountsPage) -> None:
    assert [u["name"] for u in accounts.users] == ["aicha", "bruno", "manon"]
    assert accounts.table.item(2, 0).text() == "manon (vous)"
    assert accounts.table.item(0, 1).text() == "Médiateur"
    assert accounts.table.item(2, 1).text() == "Responsable"
    assert accounts.state_of("aicha") == "Actif"
    assert not accounts.toggle_button.isEnabled()  # nobody chosen yet


def test_add_a_mediator_checked_first(qtbot: Any, hub: Hub, accounts: AccountsPage) -> None:
    accounts.name.setText("chloe")
    accounts.password.setText("court")
    accounts.password_again.setText("court")
    qtbot.mouseClick(accounts.add_button, Qt.MouseButton.LeftButton)
    assert accounts.status.text() == "Le mot de passe doit avoir au moins 8 caractères."
    accounts.password.setText("un-long-secret")
    accounts.password_again.setText("un-long-secreT")
    qtbot.mouseClick(accounts.add_button, Qt.MouseButton.LeftButton)
    assert accounts.status.text() == "Les deux mots de passe ne sont pas identiques."
    accounts.name.setText("chloé")
    accounts.password_again.setText("un-long-secret")
    qtbot.mouseClick(accounts.add_button, Qt.MouseButton.LeftButton)
    assert accounts.status.text().startswith("L’identifiant ne peut contenir")
    accounts.name.setText("chloe")
    qtbot.mouseClick(accounts.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: accounts.user("chloe") is not None, timeout=20_000)
    assert accounts.status.text() == "Compte « chloe » ajouté."
    assert accounts.user("chloe")["role"] == "mediator"
    assert accounts.chosen == "chloe"  # the new account is the chosen one
    assert accounts.password.text() == ""
    assert log_in(hub, "chloe", "un-long-secret") == 200
    # the same name again: the hub's 409 in plain words
    accounts.name.setText("chloe")
    accounts.role.setCurrentIndex(accounts.role.findData("manager"))
    accounts.password.setText("un-long-secret")
    accounts.password_again.setText("un-long-secret")
    qtbot.mouseClick(accounts.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "déjà pris" in accounts.status.text(), timeout=20_000)
    assert accounts.status.text() == "L’identifiant « chloe » est déjà pris : choisissez-en un autre."


def test_reset_a_password(qtbot: Any, hub: Hub, accounts: AccountsPage) -> None:
    accounts.table.selectRow(1)
    assert accounts.chosen == "bruno"
    assert accounts.chosen_label.text() == "bruno — Médiateur — Actif"
    accounts.new_password.setText("nouveau-secret")
    accounts.new_password_again.setText("nouveau-secret")
    qtbot.mouseClick(accounts.set_password_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: accounts.status.text() == "Mot de passe de « bruno » changé.",
                    timeout=20_000)
    assert accounts.new_password.text() == ""
    assert log_in(hub, "bruno", "nouveau-secret") == 200
    assert log_in(hub, "bruno", PASSWORD) == 401


def test_disable_then_enable(qtbot: Any, hub: Hub, accounts: AccountsPage) -> None:
    accounts.choose("aicha")
    assert accounts.toggle_button.text() == "Désactiver le compte"
    qtbot.mouseClick(accounts.toggle_button, Qt.MouseButton.LeftButton)
    assert "ne pourra plus se connecter" in accounts.confirm.text()
    confirm(qtbot, accounts, accept=False)  # changed her mind: nothing happens
    assert accounts.state_of("aicha") == "Actif"
    qtbot.mouseClick(accounts.toggle_button, Qt.MouseButton.LeftButton)
    confirm(qtbot, accounts)
    qtbot.waitUntil(lambda: accounts.state_of("aicha") == "✖ Désactivé", timeout=10_000)
    assert accounts.status.text() == "Compte « aicha » désactivé."
    assert log_in(hub, "aicha", PASSWORD) == 401
    with hub.client("aicha") as a:  # her open sessions stop too
        assert a.get("/help-requests").status_code == 401
    assert accounts.toggle_button.text() == "Réactiver le compte"
    qtbot.mouseClick(accounts.toggle_button, Qt.MouseButton.LeftButton)
    confirm(qtbot, accounts)
    qtbot.waitUntil(lambda: accounts.state_of("aicha") == "Actif", timeout=10_000)
    assert log_in(hub, "aicha", PASSWORD) == 200


def test_disabling_yourself_is_refused_by_the_hub(qtbot: Any, hub: Hub,
                                                  accounts: AccountsPage) -> None:
    accounts.choose("manon")
    qtbot.mouseClick(accounts.toggle_button, Qt.MouseButton.LeftButton)
    confirm(qtbot, accounts)
    qtbot.waitUntil(lambda: "propre compte" in accounts.status.text(), timeout=10_000)
    assert accounts.status.text() == ("Le serveur refuse : vous ne pouvez pas désactiver votre "
                                      "propre compte.")
    assert log_in(hub, "manon", PASSWORD) == 200


def test_other_refusals_in_plain_words(qtbot: Any, hub: Hub, accounts: AccountsPage) -> None:
    accounts.toggle("nobody", disable=True)  # an account that is not there (any more)
    qtbot.waitUntil(lambda: accounts.status.text().startswith("Introuvable"), timeout=10_000)
    hub.server.stop()
    accounts.refresh()
    qtbot.waitUntil(lambda: "ne répond pas" in accounts.status.text(), timeout=20_000)
