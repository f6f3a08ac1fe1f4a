"""The incremental schedule: every 5 minutes by default (BC_SYNC_CRON), one run per configured store (its
partition, its `bc/store` tag), each stream from its own high-water mark. Off until turned on in the UI,
unless BC_SCHEDULE_RUNNING=true: a new deployment should not start calling a store's API before someone
decides it should. The run queue then starts at most one run per store and up to N stores at once.

The stores are read at each tick (the stores file, else the one BC_* store), so a store added to the file is
scheduled from the next tick and a removed one is no longer scheduled (its partition and data are kept).
The schedule adds missing partitions before asking for runs (a schedule cannot return partition requests the
way a sensor does). The `bigcommerce_store_partition` sensor adds them on its own, so that the UI can launch
a store's partition before any run; it is cheap (one instance lookup per tick, no API call, no DuckDB) and
starts RUNNING.

Schedules and the sensor are built when the definitions load (their cron and default status come from the
settings), never at import.
"""

import dagster as dg

from bc_pipeline.config import Settings
from bc_pipeline.defs.jobs import SYNC_JOB
from bc_pipeline.defs.partitions import (
    STORE_PARTITIONS_NAME,
    ensure_store_partition,
    missing_partitions,
    store_tags,
)
from bc_pipeline.defs.raw_assets import sync_run_config
from bc_pipeline.defs.settings import settings
from bc_pipeline.stores import configured_stores

STORE_SENSOR_INTERVAL_S = 300
INCREMENTAL_CONFIG = sync_run_config({"window": "incremental"})


def _tick(context: dg.ScheduleEvaluationContext) -> str:
    at = context.scheduled_execution_time
    return at.isoformat() if at is not None else "now"


def scheduled_runs(context: dg.ScheduleEvaluationContext, *, trigger_tags: dict, run_config: dict | None = None):
    """The schedule's run requests for every configured store (read now), or why there are none."""
    stores = configured_stores(settings())
    if not stores:
        return dg.SkipReason("no store configured")
    requests = []
    for store in stores:
        ensure_store_partition(context.instance, store.label)
        requests.append(dg.RunRequest(partition_key=store.label, run_key=f"{store.label}:{_tick(context)}",
                                      tags={**trigger_tags, **store_tags(store.label)}, run_config=run_config or {}))
    return requests


def build_incremental_sync(s: Settings) -> dg.ScheduleDefinition:
    @dg.schedule(
        name="incremental_sync",
        cron_schedule=s.sync_cron,
        job_name=SYNC_JOB,
        execution_timezone="UTC",
        default_status=dg.DefaultScheduleStatus.RUNNING if s.schedule_running else dg.DefaultScheduleStatus.STOPPED,
        description="Incremental sync of every stream since its high-water mark, then the mapped tables: one run "
        "per configured store.",
    )
    def incremental_sync(context: dg.ScheduleEvaluationContext):
        return scheduled_runs(context, trigger_tags={"bc/trigger": "schedule"}, run_config=INCREMENTAL_CONFIG)

    return incremental_sync


@dg.sensor(
    name="bigcommerce_store_partition",
    minimum_interval_seconds=STORE_SENSOR_INTERVAL_S,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Adds a partition (bigcommerce_store) for each configured store, so the UI can materialize it.",
)
def store_partition(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    missing = missing_partitions(context.instance, configured_stores(settings()))
    if not missing:
        return dg.SensorResult(skip_reason="every configured store has its partition")
    request = dg.AddDynamicPartitionsRequest(partitions_def_name=STORE_PARTITIONS_NAME, partition_keys=missing)
    return dg.SensorResult(dynamic_partitions_requests=[request])


@dg.definitions
def schedules() -> dg.Definitions:
    return dg.Definitions(schedules=[build_incremental_sync(settings())], sensors=[store_partition])
