"""Helpers for the mapping and lookup tests: a DuckDB file with the raw `bigcommerce` tables made from the
warehouse contract, and hand-written rows put into them (JSON values given as Python lists and dicts)."""

from __future__ import annotations

import json
from datetime import UTC
from pathlib import Path
from typing import Any

import duckdb

from bc_pipeline.warehouse.schema import TABLES
from bc_pipeline.warehouse.sql_text import ident


def raw_database(path: Path) -> duckdb.DuckDBPyConnection:
    """A DuckDB file with every contract table, empty."""
    conn = duckdb.connect(str(path))
    conn.execute("CREATE SCHEMA IF NOT EXISTS bigcommerce")
    for table in TABLES.values():
        cols = ", ".join(f"{ident(c.name)} {c.type}" for c in table.columns)
        conn.execute(f"CREATE TABLE IF NOT EXISTS bigcommerce.{ident(table.name)} ({cols})")
    return conn


def insert(conn: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
    """Insert rows (only the columns given; the rest NULL). Lists and dicts become JSON text."""
    for row in rows:
        names = list(row)
        values = [json.dumps(v) if isinstance(v, (list, dict)) else v for v in row.values()]
        conn.execute(
            f"INSERT INTO bigcommerce.{ident(table)} ({', '.join(ident(n) for n in names)}) "
            f"VALUES ({', '.join('?' for _ in names)})",
            values,
        )


def write_mapping(tmp_path: Path, text: str, name: str = "mapping.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


STATUS_LINES = "\n".join(f"    {i}: s{i}" for i in range(15))


RAW_STREAMS = ("customers", "subscribers", "orders", "products", "categories", "brands", "order_statuses")


def emulator_warehouse(path: Path, **config: Any) -> Any:
    """A DuckDB file holding a small emulated store's records, merged through the real warehouse code
    (rows_for + Warehouse.merge); returns the Emulator (not started: only its store is read). The file is
    closed again, so tests can open it read-only."""
    from datetime import datetime

    from bc_emulator import Emulator, EmulatorConfig
    from bc_pipeline.streams import rows_for
    from bc_pipeline.warehouse.ensure import ensure_schema
    from bc_pipeline.warehouse.load import Warehouse

    emu = Emulator(EmulatorConfig(**{"seed": 42, "customers": 40, "orders": 90, "products": 20, "quota": None, **config}))
    conn = duckdb.connect(str(path))
    ensure_schema(conn)
    warehouse = Warehouse(conn)
    for stream in RAW_STREAMS:
        warehouse.merge(rows_for(stream, emu.store.records(stream)), datetime.now(UTC))
    conn.close()
    return emu
