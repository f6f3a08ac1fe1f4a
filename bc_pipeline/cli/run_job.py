"""Run the sync job in this process on the instance in DAGSTER_HOME, quietly, as a run of the `bc_pipeline`
code location (it shows on the job's page and the Overview timeline), and say how it went."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from bc_pipeline.cli.location_run import execute_in_location
from bc_pipeline.cli.stale_runs import failure_reason, process_tags, release_dead_runs
from bc_pipeline.sync.report import progress_log
from bc_pipeline.sync.status import format_status, read_status

JOB_NAME = "bigcommerce_sync"


@dataclass(frozen=True)
class Outcome:
    success: bool
    run_id: str
    error: str | None
    summary: str


def window_config(*, full: bool = False, from_date: str | None = None, to_date: str | None = None) -> dict:
    """The dated-streams config for `bc-pipeline sync` (incremental), `--full`, or `--from/--to` (a range)."""
    if from_date or to_date:
        return {"window": "range", "from_date": from_date, "to_date": to_date}
    return {"window": "full" if full else "incremental"}


def run_sync_job(*, full: bool = False, from_date: str | None = None, to_date: str | None = None) -> Outcome:
    from bc_pipeline.config import load_settings
    from bc_pipeline.definitions import defs
    from bc_pipeline.defs.partitions import ensure_store_partition

    job = defs().resolve_job_def(JOB_NAME)
    instance = dg.DagsterInstance.get()
    for run_id in release_dead_runs(instance):
        progress_log.warning(f"run {run_id} was left in progress by a killed process: marked failed, slot freed")
    store = load_settings().store_label
    ensure_store_partition(instance, store)
    run_config = {
        # CRITICAL: a step failure (ERROR) would print its whole traceback; the CLI prints the one-line
        # reason itself, and the full event log stays on the instance (the UI's run page).
        "loggers": {"console": {"config": {"log_level": "CRITICAL"}}},
        "ops": {"bigcommerce_dated_streams": {"config": window_config(full=full, from_date=from_date, to_date=to_date)}},
    }
    result = execute_in_location(job, instance, run_config=run_config, partition_key=store,
                                 tags={"bc/trigger": "cli", **process_tags()})
    error = None if result.success else failure_reason(result)
    db_path = Path(os.environ.get("BC_DUCKDB_PATH") or "data/bigcommerce.duckdb")
    summary = format_status(read_status(db_path)) if db_path.exists() else ""
    return Outcome(success=result.success, run_id=result.run_id, error=error, summary=summary)
