"""Checks on the mapped tables, shown in the UI next to each asset: every order's status mapped (blocking:
it names the status ids and labels that need a line in the file), ids unique and not null, and as many
mapped rows as raw rows not deleted. The queries are plain SQL in mapping/checks.py."""

from __future__ import annotations

import dagster as dg

from bc_pipeline.defs.mapped_assets import current_mapping, mapped_key
from bc_pipeline.defs.resources import WarehouseResource
from bc_pipeline.mapping import checks
from bc_pipeline.mapping.load import Mapping


def _result(outcome: checks.CheckOutcome, severity: dg.AssetCheckSeverity) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=outcome.passed,
        severity=severity,
        description=outcome.description,
        metadata={
            k: v if isinstance(v, (int, str)) else dg.MetadataValue.json(v)
            for k, v in outcome.metadata.items()
        },
    )


def _ids_check(mapping: Mapping, entity: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=mapped_key(entity), name="ids_unique_not_null", blocking=True, pool="duckdb",
                    description="The mapped id column has no NULL and no duplicate.")  # fmt: skip
    def _ids(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.get_connection() as conn:
            return _result(checks.ids_unique_not_null(conn, mapping, entity), dg.AssetCheckSeverity.ERROR)

    return _ids


def _counts_check(entity: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=mapped_key(entity), name="row_count_matches_raw", pool="duckdb",
                    description="Mapped rows = raw rows not deleted (children of deleted parents excluded).")  # fmt: skip
    def _counts(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.get_connection() as conn:
            return _result(checks.row_counts_match(conn, entity), dg.AssetCheckSeverity.ERROR)

    return _counts


@dg.asset_check(asset=mapped_key("orders"), name="statuses_mapped", blocking=True, pool="duckdb",
                description="Every order has a mapped_status; fails naming the status ids and labels to add.")  # fmt: skip
def statuses_mapped(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.get_connection() as conn:
        return _result(checks.unmapped_statuses(conn), dg.AssetCheckSeverity.ERROR)


def build_mapping_checks(mapping: Mapping) -> list[dg.AssetChecksDefinition]:
    defs = [_ids_check(mapping, e) for e in mapping.entities] + [_counts_check(e) for e in mapping.entities]
    return defs + ([statuses_mapped] if "orders" in mapping.entities else [])


@dg.definitions
def mapping_checks() -> dg.Definitions:
    return dg.Definitions(asset_checks=build_mapping_checks(current_mapping()))
