"""Run the sync job in this process on the instance in DAGSTER_HOME, quietly, and say how it went."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bc_pipeline.cli.environment import dagster_instance
from bc_pipeline.cli.stale_runs import failure_reason, process_tags, release_dead_runs, was_interrupted
from bc_pipeline.config import load_settings
from bc_pipeline.sync.report import progress_log
from bc_pipeline.sync.status import format_status, read_status

JOB_NAME = "bigcommerce_sync"


@dataclass(frozen=True)
class Outcome:
    success: bool
    run_id: str
    error: str | None
    summary: str
    interrupted: bool = False  # SIGINT/SIGTERM stopped it (see cli/interrupts.py)


def _month_key(day: str) -> str:
    """The monthly partition holding a YYYY-MM-DD day."""
    return date.fromisoformat(day).replace(day=1).isoformat()


def run_sync_job(*, from_date: str | None = None, to_date: str | None = None) -> Outcome:
    from bc_pipeline.definitions import defs
    from bc_pipeline.defs.partitions import monthly_modified

    job = defs().resolve_job_def(JOB_NAME)
    instance = dagster_instance()
    for run_id in release_dead_runs(instance):
        progress_log.warning(f"run {run_id} was left in progress by a killed process: marked failed, slot freed")
    tags = {"bc/trigger": "cli", **process_tags()}
    partition_key = None
    op_config: dict = {"mode": "auto"}
    if from_date:
        last = monthly_modified.get_last_partition_key()
        tags.update({
            "dagster/asset_partition_range_start": _month_key(from_date),
            "dagster/asset_partition_range_end": _month_key(to_date) if to_date else last,
        })
        op_config = {"mode": "window", "from_date": from_date, "to_date": to_date}
    else:
        partition_key = monthly_modified.get_last_partition_key()
    run_config = {
        # CRITICAL: a step failure (ERROR) would print its whole traceback; the CLI prints the one-line
        # reason itself, and the full event log stays on the instance (the UI's run page).
        "loggers": {"console": {"config": {"log_level": "CRITICAL"}}},
        "ops": {"bigcommerce_dated_streams": {"config": op_config}},
    }
    result = job.execute_in_process(
        instance=instance, partition_key=partition_key, tags=tags, run_config=run_config, raise_on_error=False
    )
    if not result.success:  # no summary: it would open the file again (and wait again on a held lock)
        return Outcome(success=False, run_id=result.run_id, error=failure_reason(result), summary="",
                       interrupted=was_interrupted(result))
    db_path = load_settings().duckdb_path
    summary = format_status(read_status(db_path)) if db_path.exists() else ""
    return Outcome(success=True, run_id=result.run_id, error=None, summary=summary)
