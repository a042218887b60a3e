"""``GET /metrics`` against a real hub: the gauges read from the database agree with the
API, claims feed the wait histogram, requests are counted by route template, and only a
manager's token (or the hub's own machine, without a token) may read them."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample
from starlette.types import Message, Receive, Scope, Send

from kiosk.hub.db import connect
from kiosk.hub.guard import Guard
from kiosk.hub.metrics import Meter, Metrics
from kiosk.hub.routes_metrics import is_local
from kiosk.hub.store import Store
from tests.hub.conftest import Hub

Families = dict[str, list[Sample]]


def scrape(hub: Hub, who: str | None = None) -> Families:
    headers = {"Authorization": f"Bearer {hub.tokens[who]}"} if who else {}
    answer = httpx.get(f"{hub.url}/metrics", headers=headers, timeout=10)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain")
    return {f.name: f.samples for f in text_string_to_metric_families(answer.text)}


def value(families: Families, name: str, **labels: str) -> float | None:
    """The sample ``name`` with exactly these labels (None: no such sample)."""
    family = name.removesuffix("_total").removesuffix("_count").removesuffix("_bucket")
    for sample in families.get(family, []):
        if sample.name == name and sample.labels == labels:
            return float(sample.value)
    return None


def eventually(hub: Hub, check: Callable[[Families], bool], timeout: float = 5.0) -> Families:
    """Scrape until ``check`` holds (a request is counted once its answer is sent)."""
    pause = threading.Event()
    deadline = time.monotonic() + timeout
    while True:
        families = scrape(hub)
        if check(families) or time.monotonic() > deadline:
            return families
        pause.wait(0.02)


def call(kiosk: str = "k1") -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "kiosk_id": kiosk, "language": "fr", "kind": "help"}


def waiting(hub: Hub) -> int:
    with hub.client("aicha") as a:
        return len(a.get("/help-requests", params={"status": "queued"}).json()["items"])


def test_queue_length_is_what_the_api_lists_as_waiting(shared_hub: Hub) -> None:
    calls = [call() for _ in range(4)]
    with shared_hub.client("k1") as k, shared_hub.client("aicha") as a:
        for body in calls:
            assert k.post("/help-requests", json=body).status_code == 201
        assert value(scrape(shared_hub), "guichet_help_queue_length") == waiting(shared_hub)
        assert a.post(f"/help-requests/{calls[0]['id']}/claim").status_code == 200
        assert k.post(f"/help-requests/{calls[1]['id']}/cancel").status_code == 200
        assert value(scrape(shared_hub), "guichet_help_queue_length") == waiting(shared_hub)
        assert a.post(f"/help-requests/{calls[0]['id']}/release").status_code == 200
        now = waiting(shared_hub)
        assert value(scrape(shared_hub, "manon"), "guichet_help_queue_length") == now >= 3


def test_a_claim_is_observed_in_the_wait_histogram(shared_hub: Hub) -> None:
    before = value(scrape(shared_hub), "guichet_help_wait_seconds_count") or 0.0
    body = call("k2")
    with shared_hub.client("k2") as k, shared_hub.client("bruno") as b:
        assert k.post("/help-requests", json=body).status_code == 201
        assert value(scrape(shared_hub), "guichet_help_wait_seconds_count") == before
        assert b.post(f"/help-requests/{body['id']}/claim").status_code == 200
    families = scrape(shared_hub)
    assert value(families, "guichet_help_wait_seconds_count") == before + 1
    # seconds-to-half-an-hour buckets; a claim at once falls in the first
    assert value(families, "guichet_help_wait_seconds_bucket", le="5.0") == before + 1
    assert value(families, "guichet_help_wait_seconds_bucket", le="1800.0") == before + 1


def test_requests_are_counted_by_route_template_never_by_raw_path(shared_hub: Hub) -> None:
    body = call()
    route = "/api/v1/help-requests/{request_id}"
    with shared_hub.client("k1") as k:
        before = value(scrape(shared_hub), "guichet_requests_total", route=route,
                       method="GET", status="200") or 0.0
        assert k.post("/help-requests", json=body).status_code == 201  # the fast lane
        assert k.get(f"/help-requests/{body['id']}").status_code == 200
        assert k.get(f"/no-such-thing/{body['id']}").status_code == 404
    families = eventually(shared_hub, lambda f: value(
        f, "guichet_requests_total", route=route, method="GET", status="200") == before + 1)
    assert value(families, "guichet_requests_total", route=route, method="GET",
                 status="200") == before + 1
    assert (value(families, "guichet_requests_total", route="/api/v1/help-requests",
                  method="POST", status="201") or 0) >= 1
    assert (value(families, "guichet_requests_total", route="unmatched", method="GET",
                  status="404") or 0) >= 1
    routes = {s.labels["route"] for s in families["guichet_requests"]}
    assert not any(body["id"] in r for r in routes), routes
    assert "/metrics" in routes


def test_outbox_and_kiosks_online_come_from_heartbeats(hub: Hub) -> None:
    families = scrape(hub)
    assert value(families, "guichet_kiosks_online") == 0
    assert value(families, "guichet_outbox_items", kiosk="k2") is None  # never heard of
    with hub.client("k2") as k, hub.client("manon") as m:
        assert k.post("/kiosks/k2/heartbeat", json={"outbox": 5}).status_code == 200
        families = scrape(hub)
        assert value(families, "guichet_outbox_items", kiosk="k2") == 5
        listed = m.get("/kiosks").json()
        online = sum(1 for kiosk in listed if kiosk["online"])
        assert value(families, "guichet_kiosks_online") == online == 1
        assert value(families, "guichet_kiosk_online", kiosk="k2") == 1
        assert value(families, "guichet_kiosk_online", kiosk="k1") == 0
        assert k.post("/kiosks/k2/heartbeat", json={"outbox": 0}).status_code == 200
        assert value(scrape(hub), "guichet_outbox_items", kiosk="k2") == 0
    assert value(families, "guichet_help_wait_seconds_count") == 0  # this hub's own registry


@pytest.mark.parametrize(("who", "status"), [("aicha", 403), ("k1", 403), (None, 401)])
def test_only_a_manager_or_the_hubs_own_machine_may_read(shared_hub: Hub, who: str | None,
                                                         status: int) -> None:
    headers = {"Authorization": f"Bearer {shared_hub.tokens[who]}"} if who else {
        "X-Forwarded-For": "192.0.2.7"}  # relayed by a proxy: not the hub's own machine
    answer = httpx.get(f"{shared_hub.url}/metrics", headers=headers, timeout=10)
    assert answer.status_code == status
    assert answer.json()["detail"]
    assert "guichet_" not in answer.text


def test_an_unknown_token_is_refused_even_from_loopback(shared_hub: Hub) -> None:
    answer = httpx.get(f"{shared_hub.url}/metrics", timeout=10,
                       headers={"Authorization": "Bearer not-a-token"})
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == "Bearer"


def test_openmetrics_when_the_scraper_asks(shared_hub: Hub) -> None:
    answer = httpx.get(f"{shared_hub.url}/metrics", timeout=10, headers={
        "Accept": "application/openmetrics-text; version=1.0.0; charset=utf-8"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/openmetrics-text")
    assert answer.text.endswith("# EOF\n")


@pytest.mark.parametrize(("client", "headers", "local"), [
    ("127.0.0.1", {}, True),
    ("127.0.0.53", {}, True),
    ("::1", {}, True),
    ("::ffff:127.0.0.1", {}, True),
    ("192.168.1.20", {}, False),
    ("10.0.0.1", {}, False),
    ("2001:db8::1", {}, False),
    ("::ffff:192.168.1.20", {}, False),
    (None, {}, False),
    ("", {}, False),
    ("/run/hub.sock", {}, False),
    ("127.0.0.1", {"x-forwarded-for": "192.0.2.7"}, False),
    ("127.0.0.1", {"forwarded": "for=192.0.2.7"}, False),
    ("::1", {"x-real-ip": "192.0.2.7"}, False),
])
def test_who_counts_as_the_hubs_own_machine(client: str | None, headers: dict[str, str],
                                           local: bool) -> None:
    assert is_local(client, headers) is local


def test_a_request_that_fails_is_counted_as_500_and_still_raises(tmp_path: Path) -> None:
    db = tmp_path / "hub.sqlite3"
    connect(db).close()
    store = Store(db)
    try:
        metrics = Metrics(store)

        async def failing(scope: Scope, receive: Receive, send: Send) -> None:
            raise RuntimeError("a bug")

        async def never(message: Message) -> None:
            raise AssertionError(message)

        async def nothing() -> Message:
            return {"type": "http.request"}

        meter = Meter(failing, metrics, Guard(store))
        scope = {"type": "http", "method": "GET", "path": "/api/v1/x", "headers": []}
        with pytest.raises(RuntimeError, match="a bug"):
            asyncio.run(meter(scope, nothing, never))
        assert metrics.registry.get_sample_value(
            "guichet_requests_total", {"route": "unmatched", "method": "GET", "status": "500"}) == 1
    finally:
        store.close()
