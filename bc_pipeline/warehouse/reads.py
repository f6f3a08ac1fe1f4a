"""What the packages above the warehouse read from it besides the sync state (state.py): row counts for
the Dagster metadata and `bc-pipeline status`, a preview of a table's newest rows, and the products the
daily variants listing plans its batches from. Table names come from the contract only."""

from __future__ import annotations

from typing import Any

from bc_pipeline.warehouse.errors import Connection
from bc_pipeline.warehouse.schema import TABLES
from bc_pipeline.warehouse.schema import table as contract_table
from bc_pipeline.warehouse.sql import run

# Every product the warehouse holds (live, or named by a live variant) and how many live variants it has.
_VARIANT_COUNTS = """
WITH parents AS (
    SELECT id FROM {products} WHERE _deleted_at IS NULL
    UNION SELECT product_id FROM {variants} WHERE _deleted_at IS NULL AND product_id IS NOT NULL)
SELECT parents.id, count(v.id) FROM parents
LEFT JOIN {variants} v ON v.product_id = parents.id AND v._deleted_at IS NULL
GROUP BY parents.id ORDER BY parents.id
"""


def row_counts(conn: Connection, table: str) -> tuple[int, int]:
    """(rows, rows marked deleted) of one raw table."""
    [(total, deleted)] = run(conn, f"SELECT count(*), count(_deleted_at) FROM {contract_table(table).qualified}")
    return int(total), int(deleted)


def all_row_counts(conn: Connection) -> dict[str, tuple[int, int]]:
    """(rows, rows marked deleted) of every raw table, in contract order."""
    return {table: row_counts(conn, table) for table in TABLES}


def newest_rows(conn: Connection, table: str, *, rows: int, columns: int) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The last-written rows of a table (its first non-JSON columns): (column names, rows)."""
    t = contract_table(table)
    names = [c.name for c in t.columns if not c.type.upper().startswith("JSON")][:columns]
    listed = ", ".join(f'"{c}"' for c in names)
    return names, run(conn, f"SELECT {listed} FROM {t.qualified} ORDER BY _synced_at DESC, id LIMIT {int(rows)}")


def variant_counts(conn: Connection) -> list[tuple[int, int]]:
    """(product id, live variants) of every product the warehouse holds; empty while it holds no live product."""
    products, variants = contract_table("products").qualified, contract_table("variants").qualified
    [(live,)] = run(conn, f"SELECT count(*) FROM {products} WHERE _deleted_at IS NULL")
    if not live:
        return []
    return [(int(p), int(n)) for p, n in run(conn, _VARIANT_COUNTS.format(products=products, variants=variants))]
