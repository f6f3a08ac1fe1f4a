"""Marking rows deleted after a complete listing: ids the store no longer returns get `_deleted_at`.

Rows are never dropped (analysts and the mapped tables decide what to show). A row that comes back later is
un-marked by the merge itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import duckdb
import pandas as pd

from bc_pipeline.warehouse.schema import TABLES


def mark_missing(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    seen_ids: Iterable[int],
    at: datetime,
    *,
    parent: tuple[str, Iterable[int]] | None = None,
) -> int:
    """Mark rows of `table` (within `parent`'s ids, if given) whose id is not in `seen_ids`. Returns the count."""
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}")
    seen = pd.DataFrame({"id": pd.Series(sorted(set(seen_ids)), dtype="int64")})
    scope = ""
    params: list = [at]
    conn.register("_seen_ids", seen)
    try:
        if parent is not None:
            column, parent_ids = parent
            if column not in {c.name for c in TABLES[table].columns}:
                raise ValueError(f"{table} has no column {column!r}")
            conn.register("_parent_ids", pd.DataFrame({"id": pd.Series(sorted(set(parent_ids)), dtype="int64")}))
            scope = f' AND "{column}" IN (SELECT id FROM _parent_ids)'
        sql = (
            f'UPDATE bigcommerce."{table}" SET _deleted_at = ? '
            f"WHERE _deleted_at IS NULL AND id NOT IN (SELECT id FROM _seen_ids){scope}"
        )
        conn.execute("BEGIN")
        count = conn.execute(sql, params).fetchone()
        conn.execute("COMMIT")
        return int(count[0]) if count else 0
    except Exception:
        conn.execute("ROLLBACK")
        raise
    finally:
        conn.unregister("_seen_ids")
        if parent is not None:
            conn.unregister("_parent_ids")
