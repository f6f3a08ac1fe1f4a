"""Opening the warehouse file: always attached under the catalog name `warehouse`.

The contract's schema is `bigcommerce`; opened directly, DuckDB names the file's catalog after the file, and
in a file called `bigcommerce.duckdb` (the default of earlier versions) every `bigcommerce.orders` becomes an
"ambiguous reference to catalog or schema". Attaching the file as `warehouse` (and `USE warehouse`) makes
`bigcommerce.orders` and `mapped.orders` mean what they say, whatever the file is called. (Opened directly,
the same tables are `bigcommerce.bigcommerce.orders`.)

A file held by another process (DuckDB allows one writer) is retried with backoff for about 100 s, like
dagster-duckdb's resource, before the lock error is raised.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:
    from bc_pipeline.warehouse.store import StoreIdentity

CATALOG = "warehouse"
LOCK_RETRIES = 10
# Checkpoint the write-ahead log every 256 MB instead of every 16 MB: a sync commits many small batches into
# one connection, and each checkpoint rewrites part of a growing table. Memory is capped so a large
# backfill's peak stays flat as the store grows: DuckDB keeps table blocks cached up to its limit, so its
# share of the peak grows with the file until it reaches the cap (it spills to disk past it). 512 MB is ample
# for a batch's merges (a 5,000-order batch stages ~25 MB); see the benchmark for the peak per store size.
SETTINGS = {"checkpoint_threshold": "256MB", "memory_limit": "512MB"}


def open_warehouse(path: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = duckdb.connect(":memory:")
    mode = " (READ_ONLY)" if read_only else ""
    literal = str(path).replace("'", "''")
    delay = 0.1
    for attempt in range(LOCK_RETRIES + 1):
        try:
            conn.execute(f"ATTACH '{literal}' AS {CATALOG}{mode}")
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or attempt == LOCK_RETRIES:
                conn.close()
                raise
            time.sleep(delay)
            delay = min(delay * 2, 20.0)
    conn.execute(f"USE {CATALOG}")
    conn.execute("SET TimeZone = 'UTC'")
    for name, value in SETTINGS.items():
        conn.execute(f"SET {name} = '{value}'")
    return conn


@contextmanager
def writer_connection(path: str | Path, store: StoreIdentity) -> Iterator[duckdb.DuckDBPyConnection]:
    """The file opened to write `store`'s data: refused if it holds another store's, tables created (see
    warehouse/store.py). Every writer opens the warehouse this way."""
    from bc_pipeline.warehouse.store import bind_store

    with warehouse_connection(path) as conn:
        bind_store(conn, store, path)
        yield conn


@contextmanager
def warehouse_connection(path: str | Path, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    conn = open_warehouse(path, read_only=read_only)
    try:
        yield conn
    finally:
        conn.close()
