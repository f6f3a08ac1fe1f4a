"""The queries behind the mapped tables' checks, plain SQL over DuckDB (defs/mapping_checks.py wraps them):
every order's status mapped, mapped ids unique and not null, mapped rows = raw rows minus deleted ones."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from bc_pipeline.mapping.compile import live_rows
from bc_pipeline.mapping.load import Mapping
from bc_pipeline.mapping.raw_schema import MAPPED_SCHEMA, RAW_SCHEMA
from bc_pipeline.mapping.rebuild import database_columns
from bc_pipeline.mapping.sql_text import ident


@dataclass(frozen=True)
class CheckOutcome:
    passed: bool
    description: str
    metadata: dict[str, object]


def id_column(mapping: Mapping, entity: str) -> str:
    """The mapped column that holds the raw key `id` (validation guarantees there is one)."""
    return next(t for t, c in mapping.file.entities[entity].columns.items() if c.source == "id")


def unmapped_statuses(conn: duckdb.DuckDBPyConnection) -> CheckOutcome:
    """Orders whose mapped_status is NULL, grouped by status id and label: the lines the file needs."""
    rows = conn.execute(
        f"SELECT status_id, status, count(*) FROM {MAPPED_SCHEMA}.orders WHERE mapped_status IS NULL "
        "GROUP BY ALL ORDER BY status_id, status"
    ).fetchall()
    if not rows:
        return CheckOutcome(True, "every order's status is mapped", {"unmapped_orders": 0})
    needed = [f"status_id {sid} label {label!r} ({n} orders)" for sid, label, n in rows]
    lines = [f'"{label}": <canonical>' for _, label, _ in rows if label]
    return CheckOutcome(
        False,
        "orders with no mapped status: "
        + "; ".join(needed)
        + ". Add these lines to order_statuses.by_label (or by_id): "
        + ", ".join(lines),
        {"unmapped_orders": sum(n for _, _, n in rows), "needs_a_line": needed},
    )


def ids_unique_not_null(conn: duckdb.DuckDBPyConnection, mapping: Mapping, entity: str) -> CheckOutcome:
    column = ident(id_column(mapping, entity))
    nulls, duplicates = conn.execute(
        f"SELECT count(*) FILTER (WHERE {column} IS NULL), count({column}) - count(DISTINCT {column}) "
        f"FROM {MAPPED_SCHEMA}.{ident(entity)}"
    ).fetchone() or (0, 0)
    passed = nulls == 0 and duplicates == 0
    return CheckOutcome(
        passed,
        f"{MAPPED_SCHEMA}.{entity}.{id_column(mapping, entity)}: {nulls} null, {duplicates} duplicate",
        {"null_ids": int(nulls), "duplicate_ids": int(duplicates)},
    )


def row_counts_match(conn: duckdb.DuckDBPyConnection, entity: str) -> CheckOutcome:
    raw = database_columns(conn)
    expected_row = conn.execute(
        f"SELECT count(*) FROM {RAW_SCHEMA}.{ident(entity)} r WHERE {live_rows(entity, raw)}"
    ).fetchone()
    actual_row = conn.execute(f"SELECT count(*) FROM {MAPPED_SCHEMA}.{ident(entity)}").fetchone()
    expected = int(expected_row[0]) if expected_row else 0
    actual = int(actual_row[0]) if actual_row else 0
    return CheckOutcome(
        expected == actual,
        f"{MAPPED_SCHEMA}.{entity} has {actual} rows; {RAW_SCHEMA}.{entity} has {expected} not deleted",
        {"mapped_rows": actual, "raw_rows_not_deleted": expected},
    )
