"""What a staff app says when the hub refuses a request."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kiosk.client import staff

ITEM = {"loc": ["body"], "line": 8, "msg": "8: unknown key 'imag'", "type": "flow_error",
        "code": "unknown_key", "params": {"name": "imag", "hint": ""}}


@pytest.fixture(autouse=True)
def _french() -> Iterator[None]:
    staff.set_language("fr")
    yield
    staff.set_language("fr")


def test_a_refused_flow_is_said_line_by_line_in_the_apps_language() -> None:
    assert staff.detail(422, {"detail": [ITEM, {**ITEM, "line": 9, "msg": "9: x",
                                                "code": ""}]}) == (
        "8: clé inconnue « imag »\n9: x")
    staff.set_language("en")
    assert staff.detail(422, {"detail": [ITEM]}) == "8: unknown key 'imag'"


def test_other_refusals_keep_the_hubs_words() -> None:
    assert staff.detail(409, {"detail": "flow 'x' has no draft"}) == "flow 'x' has no draft"
    assert staff.detail(500, None) == "HTTP 500"
