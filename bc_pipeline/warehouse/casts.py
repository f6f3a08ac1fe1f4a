"""Whether the warehouse's engine casts a value to a type: the mapping file's defaults are checked this way
(mapping/validate.py) before any table is built, in a throwaway in-memory database."""

from __future__ import annotations

import duckdb

from bc_pipeline.warehouse.sql_text import literal


def casts_to(value: str | int | float | bool, type_name: str) -> bool:
    """True when `CAST(value AS type_name)` succeeds (a bad type name is False too)."""
    try:
        duckdb.sql(f"SELECT CAST({literal(value)} AS {type_name})").fetchall()
    except duckdb.Error:
        return False
    return True
