"""The DuckDB contract: every raw table (written in the columns_* files with contract.py's building blocks),
looked up by name, and created or widened in a DuckDB file.
"""

from __future__ import annotations

import duckdb

from bc_pipeline.warehouse.columns_carts import CART_TABLES
from bc_pipeline.warehouse.columns_catalog import CATALOG_TABLES
from bc_pipeline.warehouse.columns_customers import CUSTOMER_TABLES
from bc_pipeline.warehouse.columns_orders import ORDER_TABLES
from bc_pipeline.warehouse.contract import SCHEMA, Table
from bc_pipeline.warehouse.sql import run


def _build_tables() -> dict[str, Table]:
    tables = {t.name: t for t in (*CUSTOMER_TABLES, *ORDER_TABLES, *CATALOG_TABLES, *CART_TABLES)}
    for t in tables.values():
        if t.parent and t.parent[0] not in tables:
            raise ValueError(f"{t.name}: unknown parent table {t.parent[0]}")
    return tables


TABLES: dict[str, Table] = _build_tables()


def table(name: str) -> Table:
    """The contract table called name (KeyError names the known tables otherwise)."""
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"unknown warehouse table {name!r}; known: {', '.join(TABLES)}") from None


def create_tables(conn: duckdb.DuckDBPyConnection) -> None:
    """Create the schema and every contract table if missing, and add the columns a newer contract introduced
    (ensure.ensure_schema adds the bookkeeping tables)."""
    run(conn, f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    existing: dict[str, set[str]] = {}
    for table_name, column_name in run(conn,
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_catalog = current_database() AND table_schema = ?",
        [SCHEMA],
    ):
        existing.setdefault(table_name, set()).add(column_name)
    for t in TABLES.values():
        if t.name not in existing:
            cols = ",\n  ".join(f'"{c.name}" {c.type}' for c in t.columns)
            key = ", ".join(f'"{k}"' for k in t.key)
            run(conn, f"CREATE TABLE IF NOT EXISTS {t.qualified} (\n  {cols},\n  PRIMARY KEY ({key})\n)")
            continue
        for c in t.columns:
            if c.name not in existing[t.name]:
                run(conn, f'ALTER TABLE {t.qualified} ADD COLUMN "{c.name}" {c.type}')
