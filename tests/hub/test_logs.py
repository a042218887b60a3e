"""The hub's log lines against a real hub: one per request (route template, status,
duration, caller; never a token or a password), one per change of a help call; and the
logging set up by ``kiosk hub`` (the level setting, the journal's format)."""

from __future__ import annotations

import io
import logging
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from kiosk.hub.metrics import logfmt
from kiosk.hub.server import LOG_HANDLER, configure_logging
from tests.hub.conftest import PASSWORD, Hub


class Lines(logging.Handler):
    """The messages logged under ``kiosk.hub``, and a way to wait for one."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.changed = threading.Condition()

    def emit(self, record: logging.LogRecord) -> None:
        with self.changed:
            self.lines.append(record.getMessage())
            self.changed.notify_all()

    def wait_for(self, found: Callable[[str], bool], timeout: float = 5.0) -> str:
        with self.changed:
            self.changed.wait_for(lambda: any(found(line) for line in self.lines), timeout)
            return next((line for line in self.lines if found(line)), "")


@pytest.fixture
def lines() -> Iterator[Lines]:
    logger = logging.getLogger("kiosk.hub")
    handler, level = Lines(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


@pytest.fixture
def root_logging() -> Iterator[None]:
    """configure_logging changes the root logger: put it back as it was."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


def fields(line: str) -> dict[str, str]:
    return dict(part.partition("=")[::2] for part in line.split()[1:])


def test_a_request_line_has_route_status_time_and_caller_but_no_token(shared_hub: Hub,
                                                                      lines: Lines) -> None:
    body = {"id": str(uuid.uuid4()), "kiosk_id": "k1", "language": "fr"}
    with shared_hub.client("k1") as k, shared_hub.client("aicha") as a:
        assert k.post("/help-requests", json=body).status_code == 201
        assert a.get(f"/help-requests/{body['id']}").status_code == 200
    created = lines.wait_for(lambda s: s.startswith("request ") and "status=201" in s)
    got = lines.wait_for(lambda s: s.startswith("request method=GET") and "who=mediator:aicha" in s)
    assert fields(created) | {"ms": "?"} == {"method": "POST", "route": "/api/v1/help-requests",
                                            "status": "201", "ms": "?", "who": "kiosk:k1"}
    assert float(fields(created)["ms"]) >= 0
    assert fields(got)["route"] == "/api/v1/help-requests/{request_id}"
    assert body["id"] not in got
    logged = "\n".join(lines.lines)
    for token in shared_hub.tokens.values():
        assert token not in logged


def test_a_login_line_names_nobody_and_shows_no_password(shared_hub: Hub, lines: Lines) -> None:
    with httpx.Client(base_url=f"{shared_hub.url}/api/v1", timeout=30) as c:
        wrong = c.post("/auth/login", json={"username": "bruno", "password": "not-his"})
        assert wrong.status_code == 401
        good = c.post("/auth/login", json={"username": "bruno", "password": PASSWORD})
        assert good.status_code == 200
        token = good.json()["token"]
        assert c.post("/auth/logout", headers={"Authorization": f"Bearer {token}"}).status_code \
            == 200
        assert c.get("/kiosks", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    line = lines.wait_for(lambda s: "route=/api/v1/kiosks" in s and "status=401" in s)
    assert line.endswith("who=-")
    logged = "\n".join(lines.lines)
    assert "route=/api/v1/auth/login status=401" in logged
    assert "route=/api/v1/auth/login status=200" in logged
    for secret in (PASSWORD, "not-his", token):
        assert secret not in logged


def test_a_refused_role_names_the_caller(shared_hub: Hub, lines: Lines) -> None:
    with shared_hub.client("k2") as k:
        assert k.get("/dead-letters").status_code == 403
    line = lines.wait_for(lambda s: "route=/api/v1/dead-letters" in s)
    assert fields(line)["status"] == "403"
    assert fields(line)["who"] == "kiosk:k2"


def test_each_change_of_a_help_call_has_its_line(shared_hub: Hub, lines: Lines) -> None:
    body = {"id": str(uuid.uuid4()), "kiosk_id": "k2", "language": "fr",
            "step_text_fr": "Je cherche mon colis"}
    rid = body["id"]
    with shared_hub.client("k2") as k, shared_hub.client("aicha") as a, \
            shared_hub.client("bruno") as b:
        assert k.post("/help-requests", json=body).status_code == 201
        assert a.post(f"/help-requests/{rid}/claim").status_code == 200
        assert a.post(f"/help-requests/{rid}/handover", json={"to": "bruno"}).status_code == 200
        assert b.post(f"/help-requests/{rid}/accept").status_code == 200
        assert b.post(f"/help-requests/{rid}/resolve",
                      json={"outcome": "helped", "note": "colis au guichet 2"}).status_code == 200
    mine = [fields(s) for s in lines.lines if s.startswith("help ") and f"id={rid}" in s]
    assert [f["change"] for f in mine] == ["created", "claimed", "handover", "accepted",
                                           "resolved"]
    claimed = mine[1]
    assert claimed["by"] == "aicha"
    assert claimed["kiosk"] == "k2"
    assert float(claimed["waited_s"]) >= 0
    assert mine[2]["to"] == "bruno"
    assert mine[4] | {"waited_s": ""} == {"change": "resolved", "id": rid, "kiosk": "k2",
                                          "status": "resolved", "by": "bruno",
                                          "outcome": "helped", "waited_s": ""}
    logged = "\n".join(lines.lines)
    assert "colis au guichet" not in logged  # a note, a call's words: never in the log
    assert "Je cherche" not in logged


def test_the_level_setting_is_respected(shared_hub: Hub, root_logging: None,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.StringIO()
    monkeypatch.setenv("KIOSK_HUB_LOG_LEVEL", "warning")
    configure_logging(stream=out)
    assert not logging.getLogger("kiosk.hub.requests").isEnabledFor(logging.INFO)
    with shared_hub.client("manon") as m:
        assert m.get("/kiosks").status_code == 200
        assert m.get("/kiosks").status_code == 200  # the first one's line is written by now
    assert "request " not in out.getvalue()
    monkeypatch.setenv("KIOSK_HUB_LOG_LEVEL", "info")
    handler = configure_logging(stream=out)  # replaces the first handler
    assert [h.get_name() for h in logging.getLogger().handlers].count(LOG_HANDLER) == 1
    with shared_hub.client("manon") as m:
        assert m.get("/kiosks").status_code == 200
        assert m.get("/kiosks").status_code == 200
    handler.flush()
    request = next(s for s in out.getvalue().splitlines() if " request " in s)
    assert request.split(" ")[0][:2] == "20"  # a date first: not under systemd
    assert "INFO request method=GET route=/api/v1/kiosks status=200" in request


def test_under_systemd_lines_carry_a_priority_and_no_time(tmp_path: Path, root_logging: None,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    with (tmp_path / "journal").open("w") as journal:
        st = os.fstat(journal.fileno())
        monkeypatch.setenv("JOURNAL_STREAM", f"{st.st_dev}:{st.st_ino}")
        configure_logging("info", stream=journal)
        log = logging.getLogger("kiosk.hub.requests")
        log.info("request %s", logfmt({"method": "GET", "who": "manager:Zoé Dupont"}))
        log.warning("the disk is nearly full")
        log.debug("not at info")
    assert (tmp_path / "journal").read_text().splitlines() == [
        '<6>request method=GET who="manager:Zoé Dupont"', "<4>the disk is nearly full"]


def test_logfmt_quotes_what_could_forge_a_field_or_a_line() -> None:
    assert logfmt({"a": "x y", "b": 'say "hi"', "c": "k=v", "d": "two\nlines", "e": None,
                   "f": 3}) == 'a="x y" b="say \\"hi\\"" c="k=v" d="two\\nlines" e=- f=3'
