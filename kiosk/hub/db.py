"""The hub's SQLite database: schema migrations, the check at start, and the one writer.

All writes go through :class:`Writer`, one thread that runs queued operations in
batches (or, for a help call while it is idle, the event loop itself, under the same
lock): each batch is one transaction (each operation inside it a savepoint, so one
failing operation does not undo the others). A syncer thread fsyncs the WAL before any
caller is answered, so a 201 from the hub means the row survives a power cut, and many
concurrent calls share one fsync. Reads use their own connections (WAL lets them run
beside the writer).

When the disk is full or failing, an operation, a commit or an fsync fails with
:class:`StorageError` (the API answers 503, so kiosks keep the call and retry), and the
writer remembers why (:attr:`Writer.failure`) until a write succeeds again: ``/health``
tells the truth. A database that is damaged or not a database at all is refused at start
with :class:`DamagedDatabase` (one line, no traceback).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import queue
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future, InvalidStateError
from pathlib import Path
from typing import Any, TypeVar

import sqlite_utils

from kiosk.hub.migrations import MIGRATIONS

T = TypeVar("T")
log = logging.getLogger(__name__)
Operation = Callable[[sqlite_utils.Database], Any]



CHECKPOINT_SECONDS = 1.0  # how often the write-ahead log is copied into the database
BACKSTOP_PAGES = 16384  # SQLite's own checkpoint, only if the log reaches 64 MiB


class StorageError(Exception):
    """The hub could not write (or make durable) what it was asked to: disk full, I/O
    error, read-only file. Nothing was stored; the API answers 503."""


class DamagedDatabase(Exception):
    """The database file is damaged or is not a hub database (found at start)."""


def check(db: sqlite_utils.Database, path: Path) -> None:
    """``PRAGMA quick_check``; raises :class:`DamagedDatabase` with what SQLite found."""
    try:
        found = [str(row[0]) for row in db.execute("PRAGMA quick_check(5)").fetchall()]
    except sqlite3.DatabaseError as exc:
        raise DamagedDatabase(f"{path}: {exc}") from None
    if found != ["ok"]:
        raise DamagedDatabase(f"{path}: damaged ({'; '.join(found)[:300]})")


def connect(path: Path) -> sqlite_utils.Database:
    """A connection with the hub's pragmas (WAL, FULL sync, foreign keys, busy wait).
    A file that is not an SQLite database raises :class:`DamagedDatabase`."""
    conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30,
                           isolation_level=None)
    db = sqlite_utils.Database(conn)
    try:
        db.execute("PRAGMA journal_mode=WAL")
    except sqlite3.DatabaseError as exc:
        conn.close()
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            raise
        raise DamagedDatabase(f"{path}: {exc}") from None
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA foreign_keys=ON")
    return db


def migrate(db: sqlite_utils.Database) -> int:
    """Apply the migrations not applied yet; returns the schema version."""
    version: int = db.execute("PRAGMA user_version").fetchone()[0]
    for number, script in enumerate(MIGRATIONS, start=1):
        if number > version:
            with db.atomic():
                for statement in script.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {number}")
            version = number
    return version


Waiter = Future[Any] | asyncio.Future[Any]  # a thread's, or an event loop's
Result = tuple[Waiter, Any, BaseException | None]


class Writer:
    """The one thread that writes, in batched transactions, and the one that makes them
    durable. (A help call may be written by the event loop instead, under the same lock:
    :meth:`submit_here`.)

    The writer commits with ``synchronous=NORMAL`` (in WAL mode: no fsync at commit) and
    hands the batch's answers to a syncer thread, which fsyncs the WAL file and only then
    answers the callers. The next batch is written while the previous one is being
    synced, so no operation waits for someone else's fsync; every answer still means
    "this survives a power cut" (DESIGN.md: NORMAL plus an fsync before answering).
    """

    def __init__(self, path: Path, max_batch: int = 256,
                 on_commit: Callable[[bool], None] | None = None) -> None:
        """``on_commit(ok)`` runs in the writer thread after each batch: ``ok`` when it was
        committed, False when it was rolled back (its operations stored nothing)."""
        self.path = path
        self.max_batch = max_batch
        self.on_commit = on_commit
        self._write_failure: str | None = None  # the last commit's, None once one works
        self._sync_failure: str | None = None  # the last fsync's, None once one works
        self._failed_now = False  # a storage failure in the batch being written
        self._queue: queue.SimpleQueue[tuple[Operation, Waiter] | None] = queue.SimpleQueue()
        self._synced: queue.SimpleQueue[list[Result] | None] = queue.SimpleQueue()
        self._db = connect(path)
        try:
            check(self._db, path)
            migrate(self._db)
        except BaseException:
            self._db.close()
            raise
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}")
        self._checkpointer = Checkpointer(path)
        self._wal_fd: int | None = None
        self._lock = threading.Lock()  # held while a batch is written, by whichever thread
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="hub-writer", daemon=True)
        self._syncer = threading.Thread(target=self._sync, name="hub-syncer", daemon=True)
        self._thread.start()
        self._syncer.start()

    def submit(self, operation: Callable[[sqlite_utils.Database], T]) -> Future[T]:
        """Queue ``operation(db)``; the future resolves once its batch is durable."""
        future: Future[T] = Future()
        self._queue.put((operation, future))
        return future

    def submit_async(self, operation: Callable[[sqlite_utils.Database], T]) -> asyncio.Future[T]:
        """:meth:`submit` for a coroutine, called on its event loop: the answers of a whole
        batch reach the loop in one wake-up (no thread-safe future per operation)."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.put((operation, future))
        return future

    def submit_here(self, operation: Callable[[sqlite_utils.Database], T]) -> asyncio.Future[T]:
        """:meth:`submit_async`, but written at once by the calling thread (the event loop)
        when the writer is idle, as a batch of its own; queued as usual when it is busy
        (waiting for its batch would hold up the loop: measured, fewer help operations
        per second and no better latency).

        For the one operation whose latency matters most (a kiosk's help call): it is
        committed, and the consoles are told, without waking the writer thread and then
        the loop again (on a busy 2-core machine each wake-up can wait for a core). The
        caller is still answered only once the syncer has made the commit durable."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        if self._lock.acquire(blocking=False):
            try:
                if self._closed:
                    raise RuntimeError("the database writer is closed")
                self._commit([(operation, future)])
            finally:
                self._lock.release()
        else:
            self._queue.put((operation, future))
        return future

    def run(self, operation: Callable[[sqlite_utils.Database], T]) -> T:
        """Submit and wait (for callers that are not async)."""
        return self.submit(operation).result()

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=10)
        with self._lock:
            self._closed = True
        self._synced.put(None)
        self._syncer.join(timeout=10)
        self._checkpointer.close()
        if self._wal_fd is not None:
            os.close(self._wal_fd)
        self._db.close()

    def _run(self) -> None:
        while (batch := _take(self._queue, self.max_batch)) is not None:
            with self._lock:
                self._commit(batch)

    @property
    def failure(self) -> str | None:
        """Why the last write or sync failed; None once both work again."""
        if not self.alive:
            return "the database writer has stopped"
        return self._write_failure or self._sync_failure

    @property
    def alive(self) -> bool:
        return self._thread.is_alive() and self._syncer.is_alive()

    def _commit(self, batch: list[tuple[Operation, Waiter]]) -> None:
        results: list[Result] = []
        self._failed_now = False
        conn = self._db.conn  # the same statements every time: SQLite's cache keeps them
        try:
            conn.execute("BEGIN")
            for operation, future in batch:
                conn.execute("SAVEPOINT op")  # one failure stays alone
                try:
                    results.append((future, operation(self._db), None))
                except Exception as exc:  # reported to that caller only
                    failure = self._storage(exc)
                    conn.execute("ROLLBACK TO op")
                    results.append((future, None, failure))
                conn.execute("RELEASE op")
            conn.execute("COMMIT")
        except Exception as exc:  # the commit itself failed: nobody is told "stored"
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            # (a full disk can undo the whole transaction, savepoints included: then the
            # cause is the operation's error, not the "no such savepoint" that follows)
            error = StorageError(self._write_failure) if self._failed_now else self._storage(exc)
            self._after(False)
            _answer([(future, None, error) for _, future in batch])
            return
        self._synced.put(results)  # the fsync starts before the consoles are told
        self._after(True)

    def _storage(self, exc: Exception) -> Exception:
        """An operation's exception as the caller should get it: the database's own
        failures (disk full, I/O error, read-only) become :class:`StorageError` and are
        remembered for ``/health``; the rest (the hub's rules: 404, 409...) as they are."""
        if _storage_failure(exc):
            self._write_failure = str(exc) or exc.__class__.__name__
            self._failed_now = True
            return StorageError(self._write_failure)
        return exc

    def _after(self, committed: bool) -> None:
        if committed and not self._failed_now:
            self._write_failure = None  # writing works again
        if self.on_commit is not None:
            self.on_commit(committed)

    def _sync(self) -> None:
        # one fsync answers every batch committed so far
        while (waiting := _take(self._synced, 10_000)) is not None:
            error = self._fsync()
            _answer([(future, result, failure or error) for results in waiting
                     for future, result, failure in results])

    def _fsync(self) -> BaseException | None:
        try:
            if self._wal_fd is None:
                self._wal_fd = os.open(f"{self.path}-wal", os.O_RDONLY)
            os.fsync(self._wal_fd)
        except OSError as exc:  # not durable: the caller must not be told "stored"
            self._sync_failure = f"cannot sync the database to disk: {exc.strerror or exc}"
            return StorageError(self._sync_failure)
        self._sync_failure = None
        return None


class Checkpointer:
    """Copies the write-ahead log into the database file every :data:`CHECKPOINT_SECONDS`,
    on a thread and a connection of its own (a PASSIVE checkpoint: it never blocks the
    writer nor readers).

    Left to SQLite, the checkpoint runs inside the commit that crosses 1,000 pages of log:
    that commit, and any help call behind it, waits for several megabytes to be copied and
    the database file synced (measured: commits of 2-5 ms instead of 0.1 under a hundred
    kiosks' events). The writer keeps SQLite's own checkpoint only as a backstop, at
    :data:`BACKSTOP_PAGES`, should this thread fall far behind."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hub-checkpointer", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        conn = sqlite3.connect(str(self.path), check_same_thread=False, timeout=0,
                               isolation_level=None)
        try:
            while not self._stop.wait(CHECKPOINT_SECONDS):
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error as exc:  # a full disk: the writer reports it; retried
                    log.debug("checkpoint failed: %s", exc)
        finally:
            conn.close()


# SQLite's primary result codes that mean "the file or the disk", not "the hub's SQL"
_STORAGE_CODES = {5, 6, 7, 8, 10, 11, 13, 14, 15, 26}  # BUSY LOCKED NOMEM READONLY IOERR
#                                                    CORRUPT FULL CANTOPEN PROTOCOL NOTADB


def _storage_failure(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return True
    if isinstance(exc, sqlite3.OperationalError | sqlite3.DatabaseError) and \
            not isinstance(exc, sqlite3.IntegrityError | sqlite3.ProgrammingError):
        code = getattr(exc, "sqlite_errorcode", None)
        return code is None or (code & 0xFF) in _STORAGE_CODES
    return False


def _take(q: queue.SimpleQueue[Any], most: int) -> list[Any] | None:
    """Wait for one item, then take whatever else is already queued (up to ``most``);
    None once the queue has been closed (a None was put in it)."""
    first = q.get()
    if first is None:
        return None
    items = [first]
    while len(items) < most:
        try:
            more = q.get_nowait()
        except queue.Empty:
            break
        if more is None:
            q.put(None)  # seen again by the next call, which stops
            break
        items.append(more)
    return items


def _answer(results: list[Result]) -> None:
    """Settle every waiter: threads' futures here, event loops' in one call on each loop."""
    loops: dict[asyncio.AbstractEventLoop, list[Result]] = {}
    for item in results:
        future = item[0]
        if isinstance(future, asyncio.Future):
            loops.setdefault(future.get_loop(), []).append(item)
        else:
            _settle(future, item[1], item[2])
    for loop, items in loops.items():
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody waits
            loop.call_soon_threadsafe(_settle_all, items)


def _settle_all(results: list[Result]) -> None:
    for future, result, error in results:
        _settle(future, result, error)


def _settle(future: Waiter, result: Any, error: BaseException | None) -> None:
    """Give a caller its answer, unless it stopped waiting (a cancelled request)."""
    with contextlib.suppress(InvalidStateError, asyncio.InvalidStateError):
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)


class Readers:
    """One read connection per thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._all: list[sqlite_utils.Database] = []
        self._lock = threading.Lock()

    def get(self) -> sqlite_utils.Database:
        db: sqlite_utils.Database | None = getattr(self._local, "db", None)
        if db is None:
            db = connect(self.path)
            self._local.db = db
            with self._lock:
                self._all.append(db)
        return db

    def close(self) -> None:
        with self._lock:
            for db in self._all:
                db.close()
            self._all.clear()
