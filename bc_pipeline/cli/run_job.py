"""Run the sync job in this process on the instance in DAGSTER_HOME, quietly, as a run of the `bc_pipeline`
code location (it shows on the job's page and the Overview timeline), for one store (its partition, its
`bc/store` tag, the store itself handed over as run config), and say how it went."""

from __future__ import annotations

from dataclasses import dataclass

from bc_pipeline.cli.environment import dagster_instance
from bc_pipeline.cli.location_run import execute_in_location
from bc_pipeline.cli.stale_runs import failure_reason, process_tags, release_dead_runs, was_interrupted
from bc_pipeline.cli.status_text import format_status
from bc_pipeline.stores import STORE_TAG, Store
from bc_pipeline.sync.report import progress_log
from bc_pipeline.sync.status import read_status

JOB_NAME = "bigcommerce_sync"


@dataclass(frozen=True)
class Outcome:
    success: bool
    run_id: str
    error: str | None
    summary: str
    interrupted: bool = False  # SIGINT/SIGTERM stopped it (see cli/interrupts.py)


def window_config(*, full: bool = False, from_date: str | None = None, to_date: str | None = None) -> dict:
    """The sync step's config for `bc-pipeline sync` (incremental), `--full`, or `--from/--to` (a range)."""
    if from_date or to_date:
        return {"window": "range", "from_date": from_date, "to_date": to_date}
    return {"window": "full" if full else "incremental"}


def run_sync_job(store: Store, *, full: bool = False, from_date: str | None = None,
                 to_date: str | None = None) -> Outcome:
    from bc_pipeline.definitions import defs
    from bc_pipeline.defs.partitions import ensure_store_partition
    from bc_pipeline.defs.raw_assets import sync_run_config
    from bc_pipeline.defs.resources import stores_run_config

    job = defs().resolve_job_def(JOB_NAME)
    instance = dagster_instance()
    for run_id in release_dead_runs(instance):
        progress_log.warning(f"run {run_id} was left in progress by a killed process: marked failed, slot freed")
    ensure_store_partition(instance, store.label)
    run_config = {
        **stores_run_config([store]),
        # CRITICAL: a step failure (ERROR) would print its whole traceback; the CLI prints the one-line
        # reason itself, and the full event log stays on the instance (the UI's run page).
        "loggers": {"console": {"config": {"log_level": "CRITICAL"}}},
        **sync_run_config(window_config(full=full, from_date=from_date, to_date=to_date)),
    }
    result = execute_in_location(job, instance, run_config=run_config, partition_key=store.label,
                                 tags={"bc/trigger": "cli", STORE_TAG: store.label, **process_tags()})
    if not result.success:  # no summary: it would open the file again (and wait again on a held lock)
        error = failure_reason(result).replace(f"store {store.label}: ", "")  # the CLI names the store itself
        return Outcome(success=False, run_id=result.run_id, error=error, summary="",
                       interrupted=was_interrupted(result))
    db_path = store.duckdb_path
    summary = format_status(read_status(db_path)) if db_path.exists() else ""
    return Outcome(success=True, run_id=result.run_id, error=None, summary=summary)
