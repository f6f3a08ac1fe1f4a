"""Rebuild mapped tables in DuckDB: each entity's `CREATE OR REPLACE TABLE mapped.<entity> AS SELECT ...`
(compiled here from the mapping, run by warehouse/mapped.py) in one transaction, so readers see the old table
or the new one, never half of either."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bc_pipeline.mapping.compile import rebuild_sql
from bc_pipeline.mapping.load import Mapping
from bc_pipeline.mapping.raw_schema import MAPPED_SCHEMA, RAW_SCHEMA
from bc_pipeline.warehouse import mapped
from bc_pipeline.warehouse.errors import Connection
from bc_pipeline.warehouse.transaction import transaction


@dataclass(frozen=True)
class RebuildResult:
    entity: str
    table: str
    row_count: int
    sql: str
    columns: list[tuple[str, str]]  # (name, duckdb type) of the mapped table
    refreshed: str = "full"  # or "incremental" (refresh.py)
    changed_ids: int | None = None  # ids re-mapped by an incremental refresh


def rebuild_entity(conn: Connection, mapping: Mapping, entity: str) -> RebuildResult:
    """Rebuild mapped.<entity> from the raw table, in one transaction; returns its row count and SQL."""
    raw = raw_columns_of(conn, entity)
    sql = rebuild_sql(mapping, entity, raw, mapped.attribute_ids(conn, raw))
    in_transaction(conn, lambda: write_full(conn, mapping, entity, sql))
    return result_of(conn, entity, sql)


def raw_columns_of(conn: Connection, entity: str) -> dict[str, dict[str, str]]:
    """The raw schema's columns, refusing an entity whose raw table is not there yet."""
    raw = mapped.database_columns(conn)
    if entity not in raw:
        raise LookupError(f"{RAW_SCHEMA}.{entity} does not exist in this DuckDB file; sync it first")
    return raw


def in_transaction(conn: Connection, work: Callable[[], None]) -> None:
    """Run `work` in one transaction (warehouse/transaction.py: a failed COMMIT keeps its own reason)."""
    with transaction(conn):
        work()


def write_full(conn: Connection, mapping: Mapping, entity: str, sql: str) -> None:
    """A full rebuild, its table and columns commented with where they come from (the caller holds the
    transaction)."""
    comment = f"{RAW_SCHEMA}.{entity} mapped by {mapping.path.name} ({mapping.code_version(entity)})"
    columns = {target: f"from {column.source}" for target, column in mapping.file.entities[entity].columns.items()}
    mapped.replace_table(conn, entity, sql, comment, columns)


def result_of(conn: Connection, entity: str, sql: str) -> RebuildResult:
    count, columns = mapped.table_facts(conn, entity)
    return RebuildResult(entity, f"{MAPPED_SCHEMA}.{entity}", count, sql, columns)


def rebuild_all(conn: Connection, mapping: Mapping) -> dict[str, RebuildResult]:
    return {entity: rebuild_entity(conn, mapping, entity) for entity in mapping.entities}
