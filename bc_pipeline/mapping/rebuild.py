"""Rebuild mapped tables in DuckDB: each entity's `CREATE OR REPLACE TABLE mapped.<entity> AS SELECT ...`
in one transaction, so readers see the old table or the new one, never half of either."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from bc_pipeline.mapping.compile import rebuild_sql
from bc_pipeline.mapping.load import Mapping
from bc_pipeline.mapping.raw_schema import MAPPED_SCHEMA, RAW_SCHEMA
from bc_pipeline.mapping.sql_text import ident, literal
from bc_pipeline.warehouse.transaction import transaction

# Where customer attribute names live, if the warehouse keeps the definitions (GET /v3/customers/attributes).
ATTRIBUTE_DEFINITIONS = "customer_attributes"


@dataclass(frozen=True)
class RebuildResult:
    entity: str
    table: str
    row_count: int
    sql: str
    columns: list[tuple[str, str]]  # (name, duckdb type) of the mapped table
    refreshed: str = "full"  # or "incremental" (refresh.py)
    changed_ids: int | None = None  # ids re-mapped by an incremental refresh


def database_columns(conn: duckdb.DuckDBPyConnection, schema: str = RAW_SCHEMA) -> dict[str, dict[str, str]]:
    """{table: {column: type}} of a schema as it is in this DuckDB file, in column order."""
    rows = conn.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = ? ORDER BY table_name, ordinal_position",
        [schema],
    ).fetchall()
    out: dict[str, dict[str, str]] = {}
    for table, column, data_type in rows:
        out.setdefault(table, {})[column] = str(data_type).upper()
    return out


def attribute_ids(conn: duckdb.DuckDBPyConnection, raw: dict[str, dict[str, str]]) -> dict[str, int]:
    """{attribute name: attribute id} from the store's attribute definitions, when the warehouse has them."""
    table = raw.get(ATTRIBUTE_DEFINITIONS, {})
    if "id" not in table or "name" not in table:
        return {}
    deleted = " WHERE _deleted_at IS NULL" if "_deleted_at" in table else ""
    rows = conn.execute(
        f"SELECT name, id FROM {RAW_SCHEMA}.{ident(ATTRIBUTE_DEFINITIONS)}{deleted}"
    ).fetchall()
    return {str(name): int(id_) for name, id_ in rows}


def rebuild_entity(conn: duckdb.DuckDBPyConnection, mapping: Mapping, entity: str) -> RebuildResult:
    """Rebuild mapped.<entity> from the raw table, in one transaction; returns its row count and SQL."""
    raw = raw_columns_of(conn, entity)
    sql = rebuild_sql(mapping, entity, raw, attribute_ids(conn, raw))
    in_transaction(conn, lambda: write_full(conn, mapping, entity, sql))
    return result_of(conn, entity, sql)


def raw_columns_of(conn: duckdb.DuckDBPyConnection, entity: str) -> dict[str, dict[str, str]]:
    """The raw schema's columns, refusing an entity whose raw table is not there yet."""
    raw = database_columns(conn)
    if entity not in raw:
        raise LookupError(f"{RAW_SCHEMA}.{entity} does not exist in this DuckDB file; sync it first")
    return raw


def in_transaction(conn: duckdb.DuckDBPyConnection, work: Callable[[], None]) -> None:
    """Run `work` in one transaction (warehouse/transaction.py: a failed COMMIT keeps its own reason)."""
    with transaction(conn):
        work()


def write_full(conn: duckdb.DuckDBPyConnection, mapping: Mapping, entity: str, sql: str) -> None:
    """The statements of a full rebuild (the caller holds the transaction)."""
    conn.execute(f"CREATE SCHEMA IF NOT EXISTS {MAPPED_SCHEMA}")
    conn.execute(sql)
    conn.execute(
        f"COMMENT ON TABLE {MAPPED_SCHEMA}.{ident(entity)} IS "
        + literal(f"{RAW_SCHEMA}.{entity} mapped by {mapping.path.name} ({mapping.code_version(entity)})")
    )
    for target, column in mapping.file.entities[entity].columns.items():
        conn.execute(
            f"COMMENT ON COLUMN {MAPPED_SCHEMA}.{ident(entity)}.{ident(target)} IS "
            + literal(f"from {column.source}")
        )


def result_of(conn: duckdb.DuckDBPyConnection, entity: str, sql: str) -> RebuildResult:
    count = conn.execute(f"SELECT count(*) FROM {MAPPED_SCHEMA}.{ident(entity)}").fetchone()
    columns = database_columns(conn, MAPPED_SCHEMA)[entity]
    return RebuildResult(
        entity, f"{MAPPED_SCHEMA}.{entity}", int(count[0]) if count else 0, sql, list(columns.items())
    )


def rebuild_all(conn: duckdb.DuckDBPyConnection, mapping: Mapping) -> dict[str, RebuildResult]:
    return {entity: rebuild_entity(conn, mapping, entity) for entity in mapping.entities}
