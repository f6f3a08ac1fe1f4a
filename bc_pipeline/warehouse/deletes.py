"""Marking rows deleted after a complete listing: ids the store no longer returns get `_deleted_at`.

Used by the full listings of the sync (categories, brands, variants, attribute definitions) and by the id-only
reconciliation; a listing by parent (variants by product) judges only the children of the parents it listed.
Rows are never dropped; children are marked with their parent (Warehouse.mark_deleted); a row that comes
back later is un-marked by the merge itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bc_pipeline.warehouse.errors import Connection
from bc_pipeline.warehouse.load import Warehouse
from bc_pipeline.warehouse.schema import table as contract_table
from bc_pipeline.warehouse.sql import run


def unseen(conn: Connection, table: str, seen_ids: Iterable[int], *,
           within: tuple[str, Iterable[int]] | None = None) -> list[int]:
    """The ids of the live rows of `table` that are not in `seen_ids`, in order.

    `within=(column, parent ids)`: the listing covered only the children of those parents (variants listed by
    `product_id:in`), so only rows whose `column` is one of them can be judged gone."""
    t = contract_table(table)  # only contract names reach the SQL
    if within is None:
        stored = {r[0] for r in run(conn, f"SELECT id FROM {t.qualified} WHERE _deleted_at IS NULL")}
    else:
        column, parents = t.column(within[0]).name, {int(p) for p in within[1]}  # KeyError for a foreign name
        rows = run(conn, f'SELECT id, "{column}" FROM {t.qualified} WHERE _deleted_at IS NULL')
        stored = {r[0] for r in rows if r[1] in parents}
    return sorted(stored - set(seen_ids))


def mark_gone(conn: Connection, table: str, seen_ids: Iterable[int], at: datetime, *,
              within: tuple[str, Iterable[int]] | None = None) -> tuple[list[int], int]:
    """Mark the live rows of `table` whose id is not in `seen_ids` (see `unseen`). Returns (those ids, rows
    newly marked)."""
    gone = unseen(conn, table, seen_ids, within=within)
    return gone, (Warehouse(conn).mark_deleted(table, gone, at) if gone else 0)
