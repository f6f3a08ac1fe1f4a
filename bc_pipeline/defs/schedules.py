"""The incremental schedule: every 5 minutes by default (BC_SYNC_CRON), the latest partition, which syncs
each stream from its own high-water mark. Off until turned on in the UI, unless BC_SCHEDULE_RUNNING=true:
a new deployment should not start calling a store's API before someone decides it should."""

import dagster as dg

from bc_pipeline.defs.jobs import sync_job
from bc_pipeline.defs.partitions import monthly_modified
from bc_pipeline.defs.settings import settings


@dg.schedule(
    name="incremental_sync",
    cron_schedule=settings().sync_cron,
    job=sync_job,
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING if settings().schedule_running else dg.DefaultScheduleStatus.STOPPED,
    description="Incremental sync of every stream since its high-water mark, then the mapped tables.",
)
def incremental_sync(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    partition_key = monthly_modified.get_partition_key_for_timestamp(context.scheduled_execution_time.timestamp())
    return dg.RunRequest(
        partition_key=partition_key,
        tags={"bc/trigger": "schedule"},
        run_config={"ops": {"bigcommerce_dated_streams": {"config": {"mode": "incremental"}}}},
    )
