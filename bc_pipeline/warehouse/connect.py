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

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from bc_pipeline.warehouse.ensure import ensure_schema
from bc_pipeline.warehouse.store import StoreIdentity, check_store, claim_store, reset_store

CATALOG = "warehouse"
LOCK_WAIT_S = 60.0
_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")
# Checkpoint the write-ahead log every 256 MB instead of every 16 MB: a sync commits many small batches into
# one connection, and each checkpoint rewrites part of a growing table. Memory is capped so a large
# backfill's peak stays flat as the store grows: DuckDB keeps table blocks cached up to its limit, so its
# share of the peak grows with the file until it reaches the cap (it spills to disk past it). The cap is ample
# for a batch's merges; the benchmark results give the peak per store size.
SETTINGS = {"checkpoint_threshold": "256MB", "memory_limit": "512MB"}


class WarehouseLocked(duckdb.IOException):
    """The DuckDB file stayed held by another process for the whole wait."""


def lock_holder(exc: BaseException) -> str:
    """'PID 123 (/usr/bin/python3)' from DuckDB's lock error, or 'another process' if it does not say."""
    match = _HOLDER.search(str(exc))
    return f"PID {match['pid']} ({match['program']})" if match else "another process"


def open_warehouse(path: str | Path, *, read_only: bool = False,
                   on_locked: Callable[[str], None] | None = None) -> duckdb.DuckDBPyConnection:
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = duckdb.connect(":memory:")
    mode = " (READ_ONLY)" if read_only else ""
    literal = str(path).replace("'", "''")
    try:
        _attach_waiting(conn, f"ATTACH '{literal}' AS {CATALOG}{mode}", path, on_locked)
    except BaseException:
        conn.close()
        raise
    conn.execute(f"USE {CATALOG}")
    conn.execute("SET TimeZone = 'UTC'")
    for name, value in SETTINGS.items():
        conn.execute(f"SET {name} = '{value}'")
    return conn


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
                      on_locked: Callable[[str], None] | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
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
                         on_locked: Callable[[str], None] | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    conn = open_warehouse(path, read_only=read_only, on_locked=on_locked)
    try:
        yield conn
    finally:
        conn.close()
