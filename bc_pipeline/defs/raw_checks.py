"""The raw tables' checks as Dagster check specs, evaluated in the step that wrote the table (so a sync costs
no extra step): ids unique, parents present, nothing past the high-water mark (warehouse/checks.py holds the
SQL). All blocking: a failing check fails the sync step, so the mapped tables are not rebuilt from it.

The checks whose query grows with the table read only the rows written since they last passed, unless their
full evaluation is due (warehouse/check_state.py: daily, after a failure, on a full sync); each result says
which rows it read (`evaluated_on`)."""

from collections.abc import Callable
from datetime import UTC, datetime

import dagster as dg

from bc_pipeline.defs.metadata import raw_key
from bc_pipeline.streams import marked_tables
from bc_pipeline.warehouse import check_state
from bc_pipeline.warehouse.checks import NARROWED, RAW_CHECKS, CheckOutcome, newest_write, raw_check_names
from bc_pipeline.warehouse.errors import Connection
from bc_pipeline.warehouse.schema import TABLES

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


def check_result(outcome: CheckOutcome, name: str, asset_key: dg.AssetKey | None = None,
                 scope: check_state.Scope = check_state.EVERY_ROW) -> dg.AssetCheckResult:
    """A CheckOutcome (plain code) as the check result Dagster records, saying which rows it read."""
    return dg.AssetCheckResult(
        check_name=name,
        asset_key=asset_key,
        passed=outcome.passed,
        severity=dg.AssetCheckSeverity.ERROR,
        description=outcome.description,
        metadata={"evaluated_on": scope.describe(),
                  **{k: v if isinstance(v, (int, str)) else dg.MetadataValue.json(v)
                     for k, v in outcome.metadata.items()}},
    )


def raw_check_results(
    context: dg.AssetExecutionContext, conn: Connection, table: str, *, every_row: bool = False
) -> list[dg.AssetCheckResult]:
    """The selected checks of one raw table, run now (`every_row`: all of them on every row)."""
    key = raw_key(table)
    selected = context.selected_asset_check_keys
    return [
        _evaluate(conn, table, name, every_row)
        for name in raw_check_names(table, marked=table in marked_tables())
        if dg.AssetCheckKey(key, name) in selected
    ]


def _evaluate(conn: Connection, table: str, name: str, every_row: bool) -> dg.AssetCheckResult:
    if name not in NARROWED:
        return check_result(RAW_CHECKS[name](conn, table), name, raw_key(table))
    return narrowed_check(conn, TABLES[table].qualified, name, raw_key(table), every_row=every_row,
                          covered=lambda: newest_write(conn, table),
                          evaluate=lambda since: RAW_CHECKS[name](conn, table, since))


def narrowed_check(conn: Connection, table: str, name: str, key: dg.AssetKey, *, every_row: bool,
                   covered: Callable[[], datetime | None],
                   evaluate: Callable[[datetime | None], CheckOutcome]) -> dg.AssetCheckResult:
    """Evaluate a check on the rows check_state.py says it must read (`every_row`: all of them), and record
    how it went. `covered`: the newest write its table holds, read before the check (what a pass covers)."""
    now = datetime.now(UTC)
    scope = check_state.scope_of(conn, table, name, now=now, force_full=every_row)
    newest = covered()
    outcome = evaluate(scope.since)
    check_state.record(conn, table, name, scope, passed=outcome.passed, checked_to=newest, now=now)
    return check_result(outcome, name, key, scope)
