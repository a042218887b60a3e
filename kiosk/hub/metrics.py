"""What the hub tells about itself: its Prometheus metrics (scraped at ``GET /metrics``,
see :mod:`kiosk.hub.routes_metrics`) and its log lines, one per request and one per change
of a help call, as logfmt ``key=value`` pairs through :mod:`logging` (to stderr, which is
the journal under systemd: see :func:`kiosk.hub.server.configure_logging`).

Each app has its own :class:`~prometheus_client.CollectorRegistry` (the tests run many hubs
in one process). What the database knows (the help queue's length, the kiosks online and
their outboxes) is read when scraped, by :class:`StoreCollector`: exact, and the same after
a restart. What passes is counted as it happens: the requests by :class:`Meter`, a pure
ASGI middleware (a few microseconds a request: no task, no copy of the request), and the
claims' waits from the committed stream entries (:meth:`Metrics.follow`, wrapped around
the store's ``on_written``), which also give the help calls' log lines, whichever route
or background task made the change.

Nothing logged here is a token, a password, a note or what a customer's call says: a
request's line names its caller by role and name (``who=kiosk:k1``, ``who=manager:manon``,
``-`` for none), a help call's line its id, kiosk and the staff involved.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, ProcessCollector
from prometheus_client.core import GaugeMetricFamily, Metric
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kiosk.hub.guard import Guard
from kiosk.hub.store import Store

requests_log = logging.getLogger("kiosk.hub.requests")
help_log = logging.getLogger("kiosk.hub.help")
log = logging.getLogger(__name__)

UNMATCHED = "unmatched"  # the route label of a path no route has (bounded: no raw paths)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# ask -> claim: from a few seconds (a mediator at hand) to half an hour (a busy morning)
WAIT_BUCKETS = (5.0, 10.0, 20.0, 30.0, 45.0, 60.0, 90.0, 120.0, 180.0, 300.0, 600.0, 900.0,
                1200.0, 1800.0)
QUIET = frozenset({"noted"})  # changes of a call that are not changes of its state: debug
Entry = dict[str, Any]
Publish = Callable[[list[Entry]], None]


class StoreCollector:
    """The gauges read from the database at each scrape: the help calls waiting (the
    ``queued`` ones, as ``GET /api/v1/help-requests?status=queued`` lists them), the kiosks
    online (as ``GET /api/v1/kiosks`` says: a heartbeat in the last 30 s) and each kiosk's
    outbox, as its last heartbeat gave it."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def describe(self) -> Iterator[Metric]:
        yield from self._families()

    def collect(self) -> Iterator[Metric]:
        db = self.store.readers.get()
        queued = db.execute(
            "SELECT COUNT(*) FROM help_requests WHERE status = 'queued'").fetchone()[0]
        kiosks = self.store.kiosks()
        waiting, online, up, outbox = self._families()
        waiting.add_metric([], float(queued))
        online.add_metric([], float(sum(1 for k in kiosks if k["online"])))
        for kiosk in kiosks:
            up.add_metric([kiosk["name"]], 1.0 if kiosk["online"] else 0.0)
            if kiosk["last_heartbeat"]:  # never heard of: no figure rather than a false 0
                outbox.add_metric([kiosk["name"]], _number(kiosk["info"].get("outbox")))
        yield from (waiting, online, up, outbox)

    @staticmethod
    def _families() -> tuple[GaugeMetricFamily, ...]:
        return (
            GaugeMetricFamily("guichet_help_queue_length",
                              "Help calls waiting for a mediator (queued, not claimed)"),
            GaugeMetricFamily("guichet_kiosks_online",
                              "Kiosks that sent a heartbeat in the last 30 seconds"),
            GaugeMetricFamily("guichet_kiosk_online",
                              "1 when this kiosk sent a heartbeat in the last 30 seconds",
                              labels=["kiosk"]),
            GaugeMetricFamily("guichet_outbox_items",
                              "Items waiting in a kiosk's outbox for the hub, as of its last"
                              " heartbeat", labels=["kiosk"]))


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


class Metrics:
    """One hub's metrics: its registry, what is counted as it happens, and the collector
    of what is read at each scrape."""

    def __init__(self, store: Store) -> None:
        self.registry = CollectorRegistry()
        self.help_wait = Histogram(
            "guichet_help_wait_seconds", "From a customer's call to its claim by a mediator"
            " (observed at each claim)", buckets=WAIT_BUCKETS, registry=self.registry)
        self.requests = Counter(
            "guichet_requests", "HTTP requests answered, by route template, method and status",
            ("route", "method", "status"), registry=self.registry)
        self.registry.register(StoreCollector(store))
        ProcessCollector(registry=self.registry)  # CPU, memory, open files of the hub
        self._counters: dict[tuple[str, str, int], Any] = {}  # labels -> the counter's child

    def count(self, route: str, method: str, status: int) -> None:
        key = (route, method, status)
        child = self._counters.get(key)
        if child is None:  # (labels() takes a lock and builds strings: once per key)
            child = self._counters[key] = self.requests.labels(route, method, str(status))
        child.inc()

    def follow(self, publish: Publish | None) -> Publish:
        """The store's ``on_written``: ``publish`` (the stream), then :meth:`committed`."""
        def on_written(entries: list[Entry]) -> None:
            if publish is not None:
                publish(entries)
            self.committed(entries)

        return on_written

    def committed(self, entries: Iterable[Entry]) -> None:
        """Committed stream entries (called by the writing thread, under the writer's
        lock: short, and never raising): the waits of claims, the help calls' lines."""
        try:
            for entry in entries:
                kind = entry["type"]
                if kind.startswith("help."):
                    self._help(kind[5:], entry["request"])
        except Exception:  # a metric or a log line must never stop the writer
            log.exception("metrics: a committed change could not be counted")

    def _help(self, change: str, request: Mapping[str, Any]) -> None:
        wait = None
        if change == "claimed":
            wait = _seconds(request.get("created_at"), request.get("claimed_at"))
            if wait is not None:
                self.help_wait.observe(wait)
        level = logging.DEBUG if change in QUIET else logging.INFO
        if help_log.isEnabledFor(level):
            write(help_log, level, f"help {logfmt(help_line(change, request, wait))}")


def help_line(change: str, request: Mapping[str, Any], wait: float | None) -> dict[str, Any]:
    """The fields of a help call's log line (no note, no text the customer's call says)."""
    fields: dict[str, Any] = {"change": change, "id": request.get("id"),
                              "kiosk": request.get("kiosk_id"), "status": request.get("status")}
    if request.get("kind", "help") != "help":
        fields["kind"] = request.get("kind")
    for key, name in (("claimed_by", "by"), ("handover_to", "to"), ("outcome", "outcome")):
        if request.get(key):
            fields[name] = request[key]
    if wait is not None:
        fields["waited_s"] = f"{wait:.1f}"
    return fields


def _seconds(start: Any, end: Any) -> float | None:
    """Seconds from one ISO time to another (None when one is missing or unreadable)."""
    try:
        return max(0.0, (datetime.fromisoformat(end) - datetime.fromisoformat(start))
                   .total_seconds())
    except (TypeError, ValueError):
        return None


def write(logger: logging.Logger, level: int, message: str) -> None:
    """``logger.log(level, message)`` without looking up the caller's line, which no
    format of the hub shows (a fifth of a line's cost, and there is one per request).
    The caller has checked ``logger.isEnabledFor(level)``."""
    logger.handle(logger.makeRecord(logger.name, level, __file__, 0, message, (), None))


def logfmt(fields: Mapping[str, Any]) -> str:
    """``key=value`` pairs; a value with a space, a quote, an equals sign or a control
    character is quoted and escaped (a name cannot forge a second line or a field)."""
    return " ".join(f"{key}={quote(value)}" for key, value in fields.items())


def quote(value: Any) -> str:
    text = "-" if value is None or value == "" else str(value)
    if text.isprintable() and not any(c in text for c in ' "=\\'):
        return text
    return json.dumps(text, ensure_ascii=False)


class Meter:
    """ASGI middleware: counts each HTTP request in ``metrics`` by route template (the
    route FastAPI matched, the exact path of a fast-lane route, one of ``routes``, else
    ``unmatched``), method and status, and logs its line when ``kiosk.hub.requests`` logs
    at INFO: ``request method=POST route=/api/v1/help-requests status=201 ms=3.1
    who=kiosk:k1``. WebSockets and the lifespan pass through untouched. Add it after
    (outside) the :class:`~kiosk.hub.fastlane.FastLane`, with the same ``routes``."""

    def __init__(self, app: ASGIApp, metrics: Metrics, guard: Guard,
                 routes: Iterable[tuple[str, str]] = ()) -> None:
        self.app = app
        self.metrics = metrics
        self.guard = guard
        self.hot = frozenset(routes)  # (method, path) of the fast lane's routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 0

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:  # an exception before any answer: the server's error middleware says 500
            try:
                self._done(scope, status or 500, time.perf_counter() - start)
            except Exception:  # counting must never change an answer
                log.exception("metrics: a request could not be counted")

    def _done(self, scope: Scope, status: int, seconds: float) -> None:
        route = scope.get("route")
        method = scope["method"]
        if route is not None:
            template = getattr(route, "path", UNMATCHED)
        elif (method, scope["path"]) in self.hot:
            template = scope["path"]
        else:
            template = UNMATCHED
        if method not in METHODS:
            method = "other"
        self.metrics.count(template, method, status)
        if requests_log.isEnabledFor(logging.INFO):
            write(requests_log, logging.INFO,
                  f"request method={method} route={quote(template)} status={status}"
                  f" ms={seconds * 1000:.1f} who={quote(self._who(scope, status))}")

    def _who(self, scope: Scope, status: int) -> str | None:
        """The caller's role and name, from the token the guard accepted (or, for a 403,
        from the request's header: a known token with the wrong role); None without."""
        state = scope.get("state")
        token = state.get("token") if state else None
        if not token and status == 403:
            for name, value in scope["headers"]:
                if name == b"authorization":
                    scheme, _, rest = value.decode("latin-1").partition(" ")
                    token = rest.strip() if scheme.lower() == "bearer" else None
                    break
        who = self.guard.principal(token) if token else None
        return f"{who.role}:{who.name}" if who is not None else None
