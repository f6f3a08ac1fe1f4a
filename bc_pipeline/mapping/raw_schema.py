"""The raw `bigcommerce` tables' columns, as the mapping sees them: {table: {column: duckdb type}}, read
from the warehouse contract (warehouse/schema.py), so a mapping is validated without opening DuckDB."""

from __future__ import annotations

from bc_pipeline.warehouse.contract import MAPPED_SCHEMA
from bc_pipeline.warehouse.contract import SCHEMA as RAW_SCHEMA
from bc_pipeline.warehouse.schema import TABLES

__all__ = ["BOOKKEEPING", "MAPPED_SCHEMA", "RAW_SCHEMA", "contract_columns", "is_json"]  # the schemas: named there

# Bookkeeping columns the warehouse adds; never mapped by default, never kept as "unmapped" fields.
BOOKKEEPING = ("_synced_at", "_deleted_at")


def contract_columns() -> dict[str, dict[str, str]]:
    """{table: {column: type}} for every table in the warehouse contract."""
    return {
        name: {
            column.name: str(getattr(column, "duckdb_type", None) or column.type).upper()
            for column in table.columns
        }
        for name, table in TABLES.items()
    }


def is_json(duckdb_type: str | None) -> bool:
    """Can a path or a named pick read into a column of this type? (unknown type: assume yes)."""
    return duckdb_type is None or duckdb_type.upper() in {"JSON", "JSON[]"}
