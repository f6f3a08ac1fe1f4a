"""The mapped tables' checks (defs/mapping_checks.py wraps them): every order's status mapped, mapped ids
unique and not null, mapped rows = raw rows minus deleted ones. The figures are read by warehouse/mapped.py;
the verdicts and their wording are decided here.

With `since`, the ids and row-count checks read only the rows whose raw id was written after it (or whose
parent was: the rows a refresh since then re-made, mapped.stage_written_ids); NULL ids are counted over every row
(answered from statistics). A mapped child whose raw row is gone is outside that set: the full evaluation
(check_state.py: daily, after a failure, after a full rebuild) counts it."""

from __future__ import annotations

from datetime import datetime

from bc_pipeline.mapping.compile import PARENTS, live_rows
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


def key_type(mapping: Mapping, entity: str) -> str | None:
    """The type the mapping casts the id column to (None: the raw id's own)."""
    return mapping.file.entities[entity].columns[id_column(mapping, entity)].type


def remapped_since(conn: Connection, entity: str, since: datetime | None) -> str | None:
    """The table of the raw ids re-mapped after `since` (None: every row)."""
    return None if since is None else mapped.stage_written_ids(conn, entity, PARENTS.get(entity), since)


def covered(conn: Connection, entity: str) -> datetime | None:
    """What a mapped check that passes now has covered: the newest write to its raw table or the parent's."""
    return mapped.newest_write(conn, entity, PARENTS.get(entity))


def ids_unique_not_null(conn: Connection, mapping: Mapping, entity: str, since: datetime | None = None
                        ) -> CheckOutcome:
    nulls, duplicates = mapped.null_and_duplicate_ids(conn, entity, id_column(mapping, entity),
                                                      key_type=key_type(mapping, entity),
                                                      among=remapped_since(conn, entity, since))
    passed = nulls == 0 and duplicates == 0
    return CheckOutcome(
        passed,
        f"{MAPPED_SCHEMA}.{entity}.{id_column(mapping, entity)}: {nulls} null, {duplicates} duplicate",
        {"null_ids": int(nulls), "duplicate_ids": int(duplicates)},
    )


def row_counts_match(conn: Connection, mapping: Mapping, entity: str, since: datetime | None = None
                     ) -> CheckOutcome:
    among = remapped_since(conn, entity, since)
    expected = mapped.raw_row_count(conn, entity, live_rows(entity, mapped.database_columns(conn)), among)
    actual = mapped.mapped_row_count(conn, entity, id_column(mapping, entity), key_type=key_type(mapping, entity),
                                     among=among)
    which = "" if since is None else " (of the rows written since the last pass)"
    return CheckOutcome(
        expected == actual,
        f"{MAPPED_SCHEMA}.{entity} has {actual} rows; {RAW_SCHEMA}.{entity} has {expected} not deleted{which}",
        {"mapped_rows": actual, "raw_rows_not_deleted": expected},
    )
