"""Keep a mapped table current by re-mapping only the raw rows written since it was last refreshed.
This module decides (incremental or full, with which SQL); warehouse/mapped.py runs it.

A full rebuild (rebuild.py) re-maps every raw row on every run: work that grows with the table, even after a
sync that changed nothing. `refresh_entity` instead reads a watermark per entity from `mapped._refresh_state`: the
largest raw `_synced_at` the mapped table reflects (and its parent's, for line items and variants). Every
write to a raw row stamps `_synced_at` (merges, and `mark_deleted`, which stamps the row it marks), so the
rows past the watermark are exactly those to re-map:
* their mapped rows are deleted, then the ones still live are inserted again (a deleted row stays out);
* for a child table, the children of every parent written since are re-mapped too (a deleted parent takes
  its children out), and mapped children whose raw row is gone are dropped (a written parent's complete
  child list replaces its stored one, so a line item removed upstream disappears from the raw table).
The new watermark is written in the same transaction as the rows, read in that transaction's snapshot, so
it never gets ahead of what the mapped table holds.

A full rebuild happens instead when the table or its state is missing, or when what decides the mapped
rows changed: the version recorded is the mapping's code version plus a hash of the compiled SQL (which
also moves with the raw columns and the store's attribute definitions).

Stamps are a run's start time, and one run's writes commit while it holds the DuckDB file (one writer), so
a row written after a refresh carries a later stamp than every row that refresh saw, as long as two runs
do not write the raw tables in between each other's refreshes with stamps out of order.
"""

from __future__ import annotations

import hashlib

from bc_pipeline.mapping.checks import id_column
from bc_pipeline.mapping.compile import PARENTS, rebuild_sql, select_sql
from bc_pipeline.mapping.load import Mapping
from bc_pipeline.mapping.rebuild import RebuildResult, in_transaction, raw_columns_of, result_of, write_full
from bc_pipeline.warehouse import mapped
from bc_pipeline.warehouse.errors import Connection


def refresh_entity(conn: Connection, mapping: Mapping, entity: str) -> RebuildResult:
    """Bring mapped.<entity> up to date: incrementally when its state allows, else by a full rebuild."""
    raw = raw_columns_of(conn, entity)
    attributes = mapped.attribute_ids(conn, raw)
    sql = rebuild_sql(mapping, entity, raw, attributes)
    version = f"{mapping.code_version(entity)}-{hashlib.sha256(sql.encode()).hexdigest()[:16]}"
    mapped.ensure_refresh_state(conn)
    parent = PARENTS.get(entity) if PARENTS.get(entity, ("",))[0] in raw else None
    changed = [0]

    def work() -> None:
        if mapped.refresh_version(conn, entity) == version:
            by_parent = _mapped_from(mapping, entity, parent[1]) if parent else None
            changed[0] = mapped.remap_written(
                conn, entity, id_column(mapping, entity), parent, by_parent,
                lambda only: select_sql(mapping, entity, raw, attributes, only),
            )
            how = "incremental"
        else:
            write_full(conn, mapping, entity, sql)
            changed[0] = -1
            how = "full"
        mapped.write_refresh_state(conn, entity, version, parent, how)

    in_transaction(conn, work)
    result = result_of(conn, entity, sql)
    return RebuildResult(result.entity, result.table, result.row_count, result.sql, result.columns,
                         refreshed="full" if changed[0] < 0 else "incremental",
                         changed_ids=None if changed[0] < 0 else changed[0])


def _mapped_from(mapping: Mapping, entity: str, source: str) -> str | None:
    """The mapped column that holds a raw column unchanged, if the mapping keeps one."""
    columns = mapping.file.entities[entity].columns.items()
    return next((t for t, c in columns if c.source == source and c.type is None), None)
