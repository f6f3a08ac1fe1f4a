"""Opening the warehouse file: always attached under the catalog name `warehouse`.

The contract's schema is `bigcommerce`; opened directly, DuckDB names the file's catalog after the file, and
in a file called `bigcommerce.duckdb` (the default of earlier versions) every `bigcommerce.orders` becomes an
"ambiguous reference to catalog or schema". Attaching the file as `warehouse` (and `USE warehouse`) makes
`bigcommerce.orders` and `mapped.orders` mean what they say, whatever the file is called. (Opened directly,
the same tables are `bigcommerce.bigcommerce.orders`.)

A file held by another process (DuckDB allows one writer, and no reader beside it) is retried with backoff
for LOCK_WAIT_S, like dagster-duckdb's resource, then refused with WarehouseLocked: one line naming the
holder's PID and program (parsed from DuckDB's lock error) and what to do. `on_locked` hears about the
holder once, when the wait starts, so a command can say what it is waiting for.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from bc_pipeline.warehouse.ensure import ensure_schema
from bc_pipeline.warehouse.store import StoreIdentity, check_store, claim_store, reset_store

CATALOG = "warehouse"
log = logging.getLogger(__name__)
LOCK_WAIT_S = 60.0
_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")
# Checkpoint the write-ahead log every 256 MB instead of every 16 MB: a sync commits many small batches into
# one connection, and each checkpoint rewrites part of a growing table. Memory is capped so a large
# backfill's peak stays flat as the store grows: DuckDB keeps table blocks cached up to its limit, so its
# share of the peak grows with the file until it reaches the cap (it spills to disk past it). The cap is ample
# for a batch's merges; the benchmark results give the peak per store size.
# One DuckDB worker thread: a sync's statements are many and small (a batch of 5,000 records), and its fetch
# threads already keep the cores busy; with a worker per core they contend with them (less CPU per row, fewer
# page faults, smaller checkpoints: docs/performance-history.md has the figures).
SETTINGS = {"checkpoint_threshold": "256MB", "memory_limit": "512MB", "threads": "1"}


class WarehouseLocked(duckdb.IOException):
    """The DuckDB file stayed held by another process for the whole wait."""


def lock_holder(exc: BaseException) -> str:
    """'PID 123 (/usr/bin/python3)' from DuckDB's lock error, or 'another process' if it does not say."""
    match = _HOLDER.search(str(exc))
    return f"PID {match['pid']} ({match['program']})" if match else "another process"


class _Attached:
    """This process's DuckDB instance for one file: the file attached as `warehouse` while anyone uses it.

    Every connection to the file in this process is a cursor of this one instance, so two threads of a run
    (the dated and the reference streams, a step and its metadata) share the file through DuckDB's own
    transactions, where two instances attaching one file would be refused ("unique file handle conflict").
    An in-memory instance costs tens of milliseconds to create and a run opens the file a dozen times: it is
    made once per file and kept; the file is detached (checkpointed, its lock released for other processes)
    when its last connection closes, as a connection of its own would have done.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.db: duckdb.DuckDBPyConnection | None = None
        self.users = 0
        self.read_only = False

    def open(self, path: Path, read_only: bool, on_locked: Callable[[str], None] | None) -> WarehouseConnection:
        with self.lock:
            if self.users and self.read_only and not read_only:  # a writer beside this process's readers:
                return _private(path, read_only, on_locked)     # refused by DuckDB as before
            if not self.users:
                self.db = self.db or _instance()
                _attach(self.db, path, read_only, on_locked)
                self.read_only = read_only
            self.users += 1
            try:
                cursor = _session(self.db.cursor())
            except BaseException:
                self._release()
                raise
        return WarehouseConnection(cursor, self.release)

    def release(self) -> None:
        with self.lock:
            self._release()

    def _release(self) -> None:
        self.users -= 1
        if not self.users:
            try:
                self.db.execute(f"DETACH {CATALOG}")
            except duckdb.Error as exc:
                # DuckDB detaches even when the checkpoint on the way out fails (a full disk): what was
                # committed stays in the file's write-ahead log, replayed by the next open. The failure that
                # matters is the one being raised (or already reported); this one must not replace it. The
                # instance is dropped, so the next open starts from a fresh one.
                log.warning(f"closing the warehouse file: {str(exc).splitlines()[0]}")
                self.db.close()
                self.db = None


def _session(conn: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    conn.execute(f"USE {CATALOG}")
    conn.execute("SET TimeZone = 'UTC'")
    return conn


def _instance() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB instance with the warehouse's settings, to attach the file in."""
    db = duckdb.connect(":memory:")
    for name, value in SETTINGS.items():
        db.execute(f"SET {name} = '{value}'")
    return db


def _attach(db: duckdb.DuckDBPyConnection, path: Path, read_only: bool,
            on_locked: Callable[[str], None] | None) -> None:
    literal = str(path).replace("'", "''")
    mode = " (READ_ONLY)" if read_only else ""
    _attach_waiting(db, f"ATTACH '{literal}' AS {CATALOG}{mode}", path, on_locked)


def _private(path: Path, read_only: bool, on_locked: Callable[[str], None] | None) -> WarehouseConnection:
    """A connection of its own (a writer while this process holds the file read-only: DuckDB refuses it)."""
    conn = _instance()
    try:
        _attach(conn, path, read_only, on_locked)
    except BaseException:
        conn.close()
        raise
    return WarehouseConnection(_session(conn), lambda: None)


class WarehouseConnection:
    """A connection to the warehouse file: a DuckDB connection (every method of one), whose close() also
    lets the file go when it is this process's last (see _Attached)."""

    def __init__(self, conn: duckdb.DuckDBPyConnection, release: Callable[[], None]) -> None:
        self._conn = conn
        self._release: Callable[[], None] | None = release

    def __getattr__(self, name: str):
        return getattr(self._conn, name)

    def close(self) -> None:
        release, self._release = self._release, None
        if release is None:
            return
        try:
            self._conn.close()
        finally:
            release()

    def __enter__(self) -> WarehouseConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_ATTACHED: dict[str, _Attached] = {}
_ATTACHED_LOCK = threading.Lock()


def open_warehouse(path: str | Path, *, read_only: bool = False,
                   on_locked: Callable[[str], None] | None = None) -> WarehouseConnection:
    """The warehouse file, attached as catalog `warehouse` (current), in UTC; close() when done."""
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    with _ATTACHED_LOCK:
        attached = _ATTACHED.setdefault(str(path.resolve()), _Attached())
    return attached.open(path, read_only, on_locked)


def _attach_waiting(conn: duckdb.DuckDBPyConnection, attach: str, path: Path,
                    on_locked: Callable[[str], None] | None) -> None:
    delay, deadline = 0.1, time.monotonic() + LOCK_WAIT_S
    while True:
        try:
            conn.execute(attach)
            return
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            if time.monotonic() >= deadline:
                raise WarehouseLocked(
                    f"the DuckDB file {path} is held by {lock_holder(exc)}: close that connection (DuckDB allows "
                    f"one writer and no reader beside it) or stop that process, then run again (waited "
                    f"{LOCK_WAIT_S:.0f} s)"
                ) from None
            if on_locked is not None and delay == 0.1:
                on_locked(lock_holder(exc))
            time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
            delay = min(delay * 2, 10.0)


@contextmanager
def writer_connection(path: str | Path, store: StoreIdentity,
                      on_locked: Callable[[str], None] | None = None) -> Iterator[WarehouseConnection]:
    """The file opened to write `store`'s data: refused if it holds another store's (before anything is
    created in it), then the tables ensured (ensure.py) and the store claimed (store.py). Every writer opens
    the warehouse this way."""
    with warehouse_connection(path, on_locked=on_locked) as conn:
        held = check_store(conn, store, path)
        ensure_schema(conn)
        claim_store(conn, store, held, path)
        yield conn


def emptied_for(path: str | Path, store: StoreIdentity) -> None:
    """Empty the file and make it hold `store` (`bc-pipeline sync --reset-store`, see store.reset_store)."""
    with warehouse_connection(path) as conn:
        ensure_schema(conn)
        reset_store(conn, store)


@contextmanager
def warehouse_connection(path: str | Path, *, read_only: bool = False,
                         on_locked: Callable[[str], None] | None = None) -> Iterator[WarehouseConnection]:
    conn = open_warehouse(path, read_only=read_only, on_locked=on_locked)
    try:
        yield conn
    finally:
        conn.close()
