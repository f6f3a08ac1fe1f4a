"""The incremental schedule: every 5 minutes by default (BC_SYNC_CRON), the configured store's partition,
each stream from its own high-water mark. Off until turned on in the UI, unless BC_SCHEDULE_RUNNING=true:
a new deployment should not start calling a store's API before someone decides it should.

The schedule adds the store's partition before asking for the run (a schedule cannot return partition
requests the way a sensor does; the call is a no-op once the partition exists). The
`bigcommerce_store_partition` sensor adds it on its own, so that the UI can launch the store's partition
before any run; it is cheap (one instance lookup per tick, no API call, no DuckDB) and starts RUNNING.
"""

import dagster as dg

from bc_pipeline.defs.jobs import sync_job
from bc_pipeline.defs.partitions import STORE_PARTITIONS_NAME, ensure_store_partition
from bc_pipeline.defs.settings import settings

STORE_SENSOR_INTERVAL_S = 300


def store_run_request(context: dg.ScheduleEvaluationContext, **kw) -> dg.RunRequest | dg.SkipReason:
    """A run of the configured store's partition, adding the partition first."""
    label = settings().store_label
    if not label:
        return dg.SkipReason("no store configured (BC_STORE_HASH is not set)")
    ensure_store_partition(context.instance, label)
    return dg.RunRequest(partition_key=label, **kw)


@dg.schedule(
    name="incremental_sync",
    cron_schedule=settings().sync_cron,
    job=sync_job,
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING if settings().schedule_running else dg.DefaultScheduleStatus.STOPPED,
    description="Incremental sync of every stream since its high-water mark, then the mapped tables.",
)
def incremental_sync(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
    return store_run_request(
        context,
        tags={"bc/trigger": "schedule"},
        run_config={"ops": {"bigcommerce_dated_streams": {"config": {"window": "incremental"}}}},
    )


@dg.sensor(
    name="bigcommerce_store_partition",
    minimum_interval_seconds=STORE_SENSOR_INTERVAL_S,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Adds the configured store's partition (bigcommerce_store) so the UI can materialize it.",
)
def store_partition(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    label = settings().store_label
    if not label or context.instance.has_dynamic_partition(STORE_PARTITIONS_NAME, label):
        return dg.SensorResult(skip_reason="the store's partition exists" if label else "no store configured")
    request = dg.AddDynamicPartitionsRequest(partitions_def_name=STORE_PARTITIONS_NAME, partition_keys=[label])
    return dg.SensorResult(dynamic_partitions_requests=[request])
