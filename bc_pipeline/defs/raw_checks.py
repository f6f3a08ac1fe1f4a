"""The raw tables' checks as Dagster check specs, evaluated in the step that wrote the table (so a sync costs
no extra step): ids unique, parents present, nothing past the high-water mark (warehouse/checks.py holds the
SQL). All blocking: a failing check fails the sync step, so the mapped tables are not rebuilt from it."""

import dagster as dg

from bc_pipeline.defs.metadata import raw_key
from bc_pipeline.streams import marked_tables
from bc_pipeline.warehouse.checks import RAW_CHECKS, raw_check_names
from bc_pipeline.warehouse.errors import Connection

DESCRIPTIONS = {
    "ids_unique": "No id appears twice.",
    "parents_present": "No child row without its parent row (deleted or not).",
    "nothing_past_the_mark": "No row modified after what the syncs covered (the stream's high-water mark).",
}


def raw_check_specs(tables: list[str] | tuple[str, ...]) -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(name, asset=raw_key(t), blocking=True, description=DESCRIPTIONS[name])
        for t in tables
        for name in raw_check_names(t, marked=t in marked_tables())
    ]


def check_result(outcome, name: str, asset_key: dg.AssetKey | None = None) -> dg.AssetCheckResult:
    """A CheckOutcome (plain code) as the check result Dagster records."""
    return dg.AssetCheckResult(
        check_name=name,
        asset_key=asset_key,
        passed=outcome.passed,
        severity=dg.AssetCheckSeverity.ERROR,
        description=outcome.description,
        metadata={k: v if isinstance(v, (int, str)) else dg.MetadataValue.json(v) for k, v in outcome.metadata.items()},
    )


def raw_check_results(
    context: dg.AssetExecutionContext, conn: Connection, table: str
) -> list[dg.AssetCheckResult]:
    """The selected checks of one raw table, run now."""
    key = raw_key(table)
    selected = context.selected_asset_check_keys
    return [
        check_result(RAW_CHECKS[name](conn, table), name, key)
        for name in raw_check_names(table, marked=table in marked_tables())
        if dg.AssetCheckKey(key, name) in selected
    ]
