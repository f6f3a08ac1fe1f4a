"""Checks on the mapped tables, declared on the mapped multi-asset and evaluated in the step that rebuilt
the table: every order's status mapped (blocking: it names the status ids and labels that need a line in the
file), ids unique and not null (blocking), and as many mapped rows as raw rows not deleted. The queries are
plain SQL in mapping/checks.py."""

from __future__ import annotations

import dagster as dg

from bc_pipeline.defs.raw_checks import check_result
from bc_pipeline.mapping import checks
from bc_pipeline.mapping.load import Mapping
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


def _outcome(conn: Connection, mapping: Mapping, entity: str, name: str) -> checks.CheckOutcome:
    if name == "ids_unique_not_null":
        return checks.ids_unique_not_null(conn, mapping, entity)
    if name == "row_count_matches_raw":
        return checks.row_counts_match(conn, entity)
    return checks.unmapped_statuses(conn)


def mapping_check_results(
    context: dg.AssetExecutionContext, conn: Connection, mapping: Mapping, entity: str
) -> list[dg.AssetCheckResult]:
    """The selected checks of one mapped table, run now."""
    selected = context.selected_asset_check_keys
    return [
        check_result(_outcome(conn, mapping, entity, name), name, mapped_key(entity))
        for name in check_names(entity)
        if dg.AssetCheckKey(mapped_key(entity), name) in selected
    ]
