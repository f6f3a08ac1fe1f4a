"""Checks on the mapped tables, declared on the mapped multi-asset and evaluated in the step that rebuilt
the table: every order's status mapped (blocking: it names the status ids and labels that need a line in the
file), ids unique and not null (blocking), and as many mapped rows as raw rows not deleted. The queries are
plain SQL in mapping/checks.py. The ids and row-count checks read only the rows re-mapped since they last
passed unless their full evaluation is due (warehouse/check_state.py: daily, after a failure, and when the
table was rebuilt in full or the run is a full sync); every result says which rows it read (`evaluated_on`)."""

from __future__ import annotations

import dagster as dg

from bc_pipeline.defs.raw_checks import check_result, narrowed_check
from bc_pipeline.mapping import checks
from bc_pipeline.mapping.load import Mapping
from bc_pipeline.mapping.raw_schema import MAPPED_SCHEMA
from bc_pipeline.warehouse.errors import Connection

# name -> (blocking, description)
CHECKS = {
    "ids_unique_not_null": (True, "The mapped id column has no NULL and no duplicate."),
    "row_count_matches_raw": (False, "Mapped rows = raw rows not deleted (children of deleted parents excluded)."),
    "statuses_mapped": (True, "Every order has a mapped_status; fails naming the status ids and labels to add."),
}


def mapped_key(entity: str) -> dg.AssetKey:
    return dg.AssetKey(["mapped", entity])


def check_names(entity: str) -> list[str]:
    return ["ids_unique_not_null", "row_count_matches_raw"] + (["statuses_mapped"] if entity == "orders" else [])


def mapping_check_specs(mapping: Mapping) -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(name, asset=mapped_key(e), blocking=CHECKS[name][0], description=CHECKS[name][1])
        for e in mapping.entities
        for name in check_names(e)
    ]


NARROWED = {"ids_unique_not_null": checks.ids_unique_not_null, "row_count_matches_raw": checks.row_counts_match}


def mapping_check_results(
    context: dg.AssetExecutionContext, conn: Connection, mapping: Mapping, entity: str, *, every_row: bool = False
) -> list[dg.AssetCheckResult]:
    """The selected checks of one mapped table, run now (`every_row`: all of them on every row)."""
    selected = context.selected_asset_check_keys
    return [
        _evaluate(conn, mapping, entity, name, every_row)
        for name in check_names(entity)
        if dg.AssetCheckKey(mapped_key(entity), name) in selected
    ]


def _evaluate(conn: Connection, mapping: Mapping, entity: str, name: str, every_row: bool) -> dg.AssetCheckResult:
    if name not in NARROWED:
        return check_result(checks.unmapped_statuses(conn), name, mapped_key(entity))
    return narrowed_check(conn, f"{MAPPED_SCHEMA}.{entity}", name, mapped_key(entity), every_row=every_row,
                          covered=lambda: checks.covered(conn, entity),
                          evaluate=lambda since: NARROWED[name](conn, mapping, entity, since))
