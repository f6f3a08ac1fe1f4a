"""What a store's publish (lake/publish.py) sends to the lake for one contract table, read from its DuckDB file.

* Since the watermark: the rows written after it (`_synced_at` later than it; marking a row deleted is a
  write). A child table (line items, addresses, variants) is sent by parent: the children of every parent
  that was written or whose children were, since a rewrite of a parent's child list removes the children
  that are gone from DuckDB, and the lake must lose them too. The lake replaces exactly that scope.
* Whole: the first time, after the lake table was re-created, or when the scope is large; the lake then
  replaces the store's whole partition.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa

from bc_pipeline.warehouse.contract import Table
from bc_pipeline.warehouse.errors import Connection
from bc_pipeline.warehouse.schema import TABLES
from bc_pipeline.warehouse.sql import run

# Past this many ids a scoped replace costs more than replacing the store's partition.
WHOLE_PARTITION_ABOVE = 50_000


@dataclass(frozen=True)
class Batch:
    """Rows to put in the lake and what they replace there: `scope` ids of `scope_column`, or None: all."""

    table: Table
    rows: pa.Table
    scope_column: str
    scope: list[int] | None
    synced_through: datetime | None

    @property
    def is_whole(self) -> bool:
        return self.scope is None


def rows_sql(table: Table) -> str:
    """The store's label as `store`, then the contract's columns (JSON as its text)."""
    columns = ", ".join(
        f'CAST("{c.name}" AS VARCHAR) AS "{c.name}"' if c.type == "JSON" else f'"{c.name}"' for c in table.columns
    )
    return f"SELECT CAST(? AS VARCHAR) AS store, {columns} FROM {table.qualified}"


def read_batch(conn: Connection, table: Table, label: str, since: datetime | None) -> Batch | None:
    """The batch to publish, or None when nothing was written since `since`."""
    newest = run(conn, f"SELECT max(_synced_at) FROM {table.qualified}")[0][0]
    if newest is None or (since is not None and newest <= since):
        return None
    column = table.parent[1] if table.parent else table.key[0]
    scope = None if since is None else _scope(conn, table, column, since)
    if scope is not None and len(scope) > WHOLE_PARTITION_ABOVE:
        scope = None
    if scope is None:
        rows = conn.sql(rows_sql(table), params=[label]).to_arrow_table()
    else:
        where = f' WHERE "{column}" IN (SELECT unnest(CAST(? AS BIGINT[])))'
        rows = conn.sql(rows_sql(table) + where, params=[label, scope]).to_arrow_table()
    return Batch(table, rows, column, scope, newest)


def _scope(conn: Connection, table: Table, column: str, since: datetime) -> list[int]:
    changed = f'SELECT DISTINCT "{column}" FROM {table.qualified} WHERE _synced_at > ?'
    params: list = [since]
    if table.parent:
        parent = TABLES[table.parent[0]]
        changed += f" UNION SELECT {parent.key[0]} FROM {parent.qualified} WHERE _synced_at > ?"
        params.append(since)
    return sorted(r[0] for r in run(conn, changed, params) if r[0] is not None)
