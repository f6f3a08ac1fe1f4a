"""Daily reconciliation of deletes (see sync/reconcile.py): an asset that lists ids only and marks the rows
the store no longer has, with its own schedule; partitioned by store like every raw asset."""

from contextlib import closing

import dagster as dg

from bc_pipeline.config import Settings
from bc_pipeline.defs.failures import one_line_failures
from bc_pipeline.defs.jobs import store_partitioned_config
from bc_pipeline.defs.metadata import raw_key
from bc_pipeline.defs.partitions import check_partition_is_store, store_partitions
from bc_pipeline.defs.resources import BigCommerceResource, WarehouseResource
from bc_pipeline.defs.schedules import scheduled_runs
from bc_pipeline.defs.settings import settings
from bc_pipeline.sync.reconcile import ID_LISTINGS, reconcile

RECONCILED_TABLES = {"customers": "customers", "products": "products", "variants": "variants",
                     "categories": "categories", "brands": "brands"}


@dg.asset(
    key=["bigcommerce", "deletes_reconciled"],
    group_name="bigcommerce",
    kinds={"bigcommerce", "duckdb"},
    deps=[raw_key(t) for t in RECONCILED_TABLES.values()],
    partitions_def=store_partitions,
)
def deletes_reconciled(context: dg.AssetExecutionContext, bigcommerce: BigCommerceResource,
                       warehouse: WarehouseResource) -> dg.MaterializeResult:
    """One row per reconciliation run's finding: the customers, products, variants, categories and brands
    that the store no longer lists are marked `_deleted_at` (rows are kept). Lists ids only."""
    check_partition_is_store(context, bigcommerce.store)
    with one_line_failures(context), closing(bigcommerce.client()) as client:
        reports = reconcile(client, warehouse.get_connection, list(ID_LISTINGS), at=client.store_time())
    metadata: dict = {}
    for name, report in reports.items():
        context.log.info(f"{name}: {report.records:,} ids listed in {report.requests} requests, "
                         f"{report.deleted} newly marked deleted")
        metadata[f"{name}_ids_listed"] = dg.MetadataValue.int(report.records)
        metadata[f"{name}_marked_deleted"] = dg.MetadataValue.int(report.deleted)
        metadata[f"{name}_requests"] = dg.MetadataValue.int(report.requests)
    return dg.MaterializeResult(metadata=metadata)


reconcile_job = dg.define_asset_job(
    "bigcommerce_reconcile_deletes", selection=[deletes_reconciled.key],
    executor_def=dg.in_process_executor, config=store_partitioned_config(),
    description="List only ids and mark rows whose records the store deleted.",
)


def build_reconcile_daily(s: Settings) -> dg.ScheduleDefinition:
    @dg.schedule(
        name="reconcile_deletes_daily",
        cron_schedule="30 3 * * *",
        job=reconcile_job,
        execution_timezone=s.timezone,
        default_status=dg.DefaultScheduleStatus.RUNNING if s.reconcile_running else dg.DefaultScheduleStatus.STOPPED,
        description="Daily: list ids only and mark rows the store deleted (03:30 in BC_TIMEZONE), one run per "
        "configured store.",
    )
    def reconcile_daily(context: dg.ScheduleEvaluationContext):
        return scheduled_runs(context, trigger_tags={"bc/trigger": "schedule"})

    return reconcile_daily


@dg.definitions
def reconcile_assets() -> dg.Definitions:
    return dg.Definitions(assets=[deletes_reconciled], jobs=[reconcile_job], schedules=[build_reconcile_daily(settings())])
