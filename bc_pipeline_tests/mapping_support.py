"""Helpers for the mapping and lookup tests: a DuckDB file with the raw `bigcommerce` tables made from the
warehouse contract, and hand-written rows put into them (JSON values given as Python lists and dicts)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb

from bc_pipeline.mapping.sql_text import ident
from bc_pipeline.warehouse.schema import TABLES


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
