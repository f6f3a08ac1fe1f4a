"""Run the sync job in this process on the instance in DAGSTER_HOME, quietly, and say how it went."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from bc_pipeline.sync.status import format_status, read_status

JOB_NAME = "bigcommerce_sync"


@dataclass(frozen=True)
class Outcome:
    success: bool
    run_id: str
    error: str | None
    summary: str


def _innermost_message(error: dg.SerializableErrorInfo | None) -> str:
    while error is not None and error.cause is not None:
        error = error.cause
    if error is None:
        return "unknown error"
    return error.message.strip().splitlines()[-1] if error.message.strip() else error.cls_name or "error"


def run_sync_job(*, from_date: str | None = None, to_date: str | None = None) -> Outcome:
    from bc_pipeline.definitions import defs
    from bc_pipeline.defs.partitions import daily_modified

    job = defs().resolve_job_def(JOB_NAME)
    instance = dg.DagsterInstance.get()
    tags = {"bc/trigger": "cli"}
    partition_key = None
    if from_date:
        last = daily_modified.get_last_partition_key()
        tags.update({
            "dagster/asset_partition_range_start": from_date,
            "dagster/asset_partition_range_end": to_date or last,
        })
        mode = "window"
    else:
        partition_key = daily_modified.get_last_partition_key()
        mode = "auto"
    run_config = {
        "loggers": {"console": {"config": {"log_level": "WARNING"}}},
        "ops": {"bigcommerce_dated_streams": {"config": {"mode": mode}}},
    }
    result = job.execute_in_process(
        instance=instance, partition_key=partition_key, tags=tags, run_config=run_config, raise_on_error=False
    )
    error = None
    if not result.success:
        failures = [e for e in result.all_events if e.is_step_failure]
        error = "; ".join(_innermost_message(e.step_failure_data.error) for e in failures) or "run failed"
    db_path = Path(os.environ.get("BC_DUCKDB_PATH") or "data/bigcommerce.duckdb")
    summary = format_status(read_status(db_path)) if db_path.exists() else ""
    return Outcome(success=result.success, run_id=result.run_id, error=error, summary=summary)
