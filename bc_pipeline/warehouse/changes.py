"""The change feed: `bigcommerce._changes` says which rows each merge created, updated or deleted.

A downstream tool asks "which customers (subscribers, orders, carts) are new since my last read" without
diffing tables. Each merge of a top-level table (customers, subscribers, orders, products, categories, brands,
order statuses, attribute definitions, abandoned carts) logs its changes in the merge's own transaction
(load.py), and `mark_deleted` logs the rows it marks; a rolled-back batch logs nothing. Child tables (line
items, addresses, variants, cart items) are not logged: they change with their parent, which is.

* `created`: the id was not in the table before; `updated`: a stored row changed in some column (a copy
  re-read unchanged by the lookback is no change); `deleted`: the row was marked `_deleted_at`.
* `seq` numbers the rows in commit order (one writer per file), for readers that resume where they stopped;
  `id` is text (cart ids are UUIDs); `run_id` is the Dagster run's id, which the warehouse resource sets on
  its connections as the DuckDB variable `bc_run_id` (NULL when written outside a run); `changed_at` is the
  merge's `_synced_at` (UTC).
* Retention: rows older than BC_CHANGES_RETENTION_DAYS (default 30) are pruned when the writer opens its
  connection (`prune`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import duckdb

from bc_pipeline.warehouse.contract import SCHEMA, Table, check_identifier
from bc_pipeline.warehouse.sql import run, sql_text

CHANGES_TABLE = f"{SCHEMA}._changes"
CHANGES = ("created", "updated", "deleted")
_RUN_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def create_table(conn: duckdb.DuckDBPyConnection) -> None:
    run(conn, sql_text("create_changes_table"))


def set_run_id(conn: duckdb.DuckDBPyConnection, run_id: str | None) -> None:
    """Label what this connection's merges log with a run id (a Dagster run id: letters, digits, dashes)."""
    if run_id is None:
        run(conn, "RESET VARIABLE bc_run_id")
        return
    if not _RUN_ID.match(run_id):
        raise ValueError(f"not a run id: {run_id!r}")
    run(conn, f"SET VARIABLE bc_run_id = '{run_id}'")


def _q(name: str) -> str:
    return f'"{check_identifier(name)}"'


def record_merge(conn: duckdb.DuckDBPyConnection, t: Table, source: str, written: str, at: datetime,
                 *, any_existed: bool = True) -> None:
    """Log what writing `written` (keys, existed) from `source` over `t` changes; call before the write.
    `any_existed` False (no written key is stored yet: a first sync's batches) logs each key as created without
    comparing copies (the same rows, from a statement a tenth the size for DuckDB to plan)."""
    if not any_existed:
        run(conn, sql_text("record_created_changes").format(written=written), [t.name, at])
        return
    (key,) = t.key
    distinct = " OR ".join(f"s.{_q(c.name)} IS DISTINCT FROM t.{_q(c.name)}"
                           for c in t.columns if c.name != "_synced_at")
    sql = sql_text("record_merge_changes").format(written=written, source=source, target=t.qualified,
                                                  key=_q(key), distinct=f"({distinct})")
    run(conn, sql, [t.name, at])


def record_deleted(conn: duckdb.DuckDBPyConnection, t: Table, ids: list[int], at: datetime) -> None:
    """Log the live rows among `ids` that mark_deleted is about to mark; call before marking."""
    (key,) = t.key
    run(conn, sql_text("record_deleted_changes").format(target=t.qualified, key=_q(key)), [t.name, at, ids])


def record(conn: duckdb.DuckDBPyConnection, table_name: str, rows: list[tuple[str, str]], at: datetime) -> None:
    """Log changes made outside a merge (cart rows from events): (id, change) pairs; inside the caller's
    transaction."""
    for rid, change in rows:
        if change not in CHANGES:
            raise ValueError(f"not a change: {change!r}")
        run(conn, f"INSERT INTO {CHANGES_TABLE} (table_name, id, change, run_id, changed_at) "
                  "VALUES (?, ?, ?, getvariable('bc_run_id'), ?)", [table_name, str(rid), change, at])


def prune(conn: duckdb.DuckDBPyConnection, retention_days: int, now: datetime | None = None) -> int:
    """Drop feed rows older than the retention; returns how many."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=retention_days)
    return int(run(conn, f"DELETE FROM {CHANGES_TABLE} WHERE changed_at < ?", [cutoff])[0][0])


def read(conn: duckdb.DuckDBPyConnection, since: datetime, table: str | None = None) -> Iterator[dict]:
    """Feed rows changed at or after `since`, in commit order (`seq`); table, if given, is a table name."""
    where, params = "changed_at >= ?", [since]
    if table is not None:
        where, params = where + " AND table_name = ?", [since, table]
    cur = conn.execute(f"SELECT seq, table_name, id, change, run_id, changed_at FROM {CHANGES_TABLE} "
                       f"WHERE {where} ORDER BY seq", params)
    names = [d[0] for d in cur.description]
    while batch := cur.fetchmany(1000):
        for row in batch:
            yield dict(zip(names, row, strict=True))
