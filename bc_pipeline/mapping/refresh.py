"""Keep a mapped table current by re-mapping only the raw rows written since it was last refreshed.

A full rebuild (rebuild.py) re-maps every raw row on every run: seconds at a million orders for a sync that
changed nothing. `refresh_entity` instead reads a watermark per entity from `mapped._refresh_state`: the
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

import duckdb

from bc_pipeline.mapping.checks import id_column
from bc_pipeline.mapping.compile import PARENTS, rebuild_sql, select_sql
from bc_pipeline.mapping.load import Mapping
from bc_pipeline.mapping.raw_schema import MAPPED_SCHEMA, RAW_SCHEMA
from bc_pipeline.mapping.rebuild import (
    RebuildResult,
    attribute_ids,
    database_columns,
    in_transaction,
    raw_columns_of,
    result_of,
    write_full,
)
from bc_pipeline.mapping.sql_text import ident, literal

STATE = f"{MAPPED_SCHEMA}._refresh_state"
_CHANGED = "_refresh_changed_ids"
_CREATE_STATE = f"""CREATE TABLE IF NOT EXISTS {STATE} (
    entity VARCHAR PRIMARY KEY,
    version VARCHAR NOT NULL,
    synced_to TIMESTAMPTZ,
    parent_synced_to TIMESTAMPTZ,
    refreshed_at TIMESTAMPTZ NOT NULL,
    how VARCHAR NOT NULL
)"""


def refresh_entity(conn: duckdb.DuckDBPyConnection, mapping: Mapping, entity: str) -> RebuildResult:
    """Bring mapped.<entity> up to date: incrementally when its state allows, else by a full rebuild."""
    raw = raw_columns_of(conn, entity)
    sql = rebuild_sql(mapping, entity, raw, attribute_ids(conn, raw))
    version = f"{mapping.code_version(entity)}-{hashlib.sha256(sql.encode()).hexdigest()[:16]}"
    conn.execute(f"CREATE SCHEMA IF NOT EXISTS {MAPPED_SCHEMA}")
    conn.execute(_CREATE_STATE)
    parent = PARENTS.get(entity) if PARENTS.get(entity, ("",))[0] in raw else None
    changed = [0]

    def work() -> None:
        if _state_version(conn, entity) == version and entity in database_columns(conn, MAPPED_SCHEMA):
            changed[0] = _apply_changes(conn, mapping, entity, raw, parent)
            how = "incremental"
        else:
            write_full(conn, mapping, entity, sql)
            changed[0] = -1
            how = "full"
        _write_state(conn, entity, version, parent, how)

    in_transaction(conn, work)
    result = result_of(conn, entity, sql)
    return RebuildResult(result.entity, result.table, result.row_count, result.sql, result.columns,
                         refreshed="full" if changed[0] < 0 else "incremental",
                         changed_ids=None if changed[0] < 0 else changed[0])


def _state_version(conn: duckdb.DuckDBPyConnection, entity: str) -> str | None:
    row = conn.execute(f"SELECT version FROM {STATE} WHERE entity = ?", [entity]).fetchone()
    return row[0] if row else None


def _since(column: str, entity: str) -> str:
    """Raw rows written after the recorded watermark (all of them when none is recorded)."""
    return (f"_synced_at > coalesce((SELECT {column} FROM {STATE} WHERE entity = {literal(entity)}), "
            "'-infinity'::TIMESTAMPTZ)")


def _apply_changes(conn: duckdb.DuckDBPyConnection, mapping: Mapping, entity: str,
                   raw: dict[str, dict[str, str]], parent: tuple[str, str] | None) -> int:
    """Re-map the raw rows written since the watermark; returns how many ids were re-mapped."""
    table, raw_table = f"{MAPPED_SCHEMA}.{ident(entity)}", f"{RAW_SCHEMA}.{ident(entity)}"
    wanted = f"SELECT id FROM {raw_table} WHERE {_since('synced_to', entity)}"
    parents_written = 0
    if parent is not None:
        parent_table, parent_key = f"{RAW_SCHEMA}.{ident(parent[0])}", ident(parent[1])
        parents = f"SELECT id FROM {parent_table} WHERE {_since('parent_synced_to', entity)}"
        conn.execute(f"CREATE OR REPLACE TEMP TABLE _refresh_parents AS {parents}")
        parents_written = conn.execute("SELECT count(*) FROM _refresh_parents").fetchone()[0]
        if parents_written:
            wanted += f" UNION SELECT id FROM {raw_table} WHERE {parent_key} IN (SELECT id FROM _refresh_parents)"
    conn.execute(f"CREATE OR REPLACE TEMP TABLE {_CHANGED} AS {wanted}")
    count = int(conn.execute(f"SELECT count(*) FROM {_CHANGED}").fetchone()[0])
    key = ident(id_column(mapping, entity))
    if parents_written:  # children a rewritten parent no longer lists are gone from the raw table
        gone = f"NOT EXISTS (SELECT 1 FROM {raw_table} r WHERE r.id = m.{key})"
        by_parent = _mapped_from(mapping, entity, parent[1]) if parent else None
        if by_parent is not None:  # only the rewritten parents' children can be gone
            gone += f" AND m.{ident(by_parent)} IN (SELECT id FROM _refresh_parents)"
        conn.execute(f"DELETE FROM {table} m WHERE {gone}")
    if count:
        conn.execute(f"DELETE FROM {table} WHERE {key} IN (SELECT id FROM {_CHANGED})")
        only = f"r.id IN (SELECT id FROM {_CHANGED})"
        conn.execute(f"INSERT INTO {table} " + select_sql(mapping, entity, raw, attribute_ids(conn, raw), only))
    conn.execute(f"DROP TABLE IF EXISTS {_CHANGED}; DROP TABLE IF EXISTS _refresh_parents")
    return count


def _mapped_from(mapping: Mapping, entity: str, source: str) -> str | None:
    """The mapped column that holds a raw column unchanged, if the mapping keeps one."""
    columns = mapping.file.entities[entity].columns.items()
    return next((t for t, c in columns if c.source == source and c.type is None), None)


def _write_state(conn: duckdb.DuckDBPyConnection, entity: str, version: str,
                 parent: tuple[str, str] | None, how: str) -> None:
    parent_max = (f"(SELECT max(_synced_at) FROM {RAW_SCHEMA}.{ident(parent[0])})" if parent else "NULL")
    conn.execute(
        f"INSERT OR REPLACE INTO {STATE} SELECT ?, ?, "
        f"(SELECT max(_synced_at) FROM {RAW_SCHEMA}.{ident(entity)}), {parent_max}, now(), ?",
        [entity, version, how],
    )
