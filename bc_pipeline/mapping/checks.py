"""The mapped tables' checks (defs/mapping_checks.py wraps them): every order's status mapped, mapped ids
unique and not null, mapped rows = raw rows minus deleted ones. The figures are read by warehouse/mapped.py;
the verdicts and their wording are decided here."""

from __future__ import annotations

from bc_pipeline.mapping.compile import live_rows
from bc_pipeline.mapping.load import Mapping
from bc_pipeline.mapping.raw_schema import MAPPED_SCHEMA, RAW_SCHEMA
from bc_pipeline.warehouse import mapped
from bc_pipeline.warehouse.checks import CheckOutcome
from bc_pipeline.warehouse.errors import Connection


def id_column(mapping: Mapping, entity: str) -> str:
    """The mapped column that holds the raw key `id` (validation guarantees there is one)."""
    return next(t for t, c in mapping.file.entities[entity].columns.items() if c.source == "id")


def unmapped_statuses(conn: Connection) -> CheckOutcome:
    """Orders whose mapped_status is NULL, grouped by status id and label: the lines the file needs."""
    rows = mapped.unmapped_statuses(conn)
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


def ids_unique_not_null(conn: Connection, mapping: Mapping, entity: str) -> CheckOutcome:
    nulls, duplicates = mapped.null_and_duplicate_ids(conn, entity, id_column(mapping, entity))
    passed = nulls == 0 and duplicates == 0
    return CheckOutcome(
        passed,
        f"{MAPPED_SCHEMA}.{entity}.{id_column(mapping, entity)}: {nulls} null, {duplicates} duplicate",
        {"null_ids": int(nulls), "duplicate_ids": int(duplicates)},
    )


def row_counts_match(conn: Connection, entity: str) -> CheckOutcome:
    expected = mapped.raw_row_count(conn, entity, live_rows(entity, mapped.database_columns(conn)))
    actual = mapped.table_facts(conn, entity)[0]
    return CheckOutcome(
        expected == actual,
        f"{MAPPED_SCHEMA}.{entity} has {actual} rows; {RAW_SCHEMA}.{entity} has {expected} not deleted",
        {"mapped_rows": actual, "raw_rows_not_deleted": expected},
    )
