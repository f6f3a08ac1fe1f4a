"""Variants, categories, brands, order statuses and customer attribute definitions: the undated streams, one
multi-asset, partitioned by store like every raw asset (the window config does not apply to them).

Variants come after products (they re-read the variants of the products that changed); see
sync/reference.py for how variant-only changes are caught and when the full variant listing is due (between
listings the variants asset makes no request and still materializes, with the table's real counts).
"""

from contextlib import closing

import dagster as dg

from bc_pipeline.defs.failures import fail_on_stream_errors, one_line_failures
from bc_pipeline.defs.freshness import with_sync_freshness
from bc_pipeline.defs.metadata import raw_key, raw_spec, table_metadata
from bc_pipeline.defs.partitions import check_partition_is_store, store_partitions
from bc_pipeline.defs.raw_checks import raw_check_results, raw_check_specs
from bc_pipeline.defs.resources import BigCommerceResource, WarehouseResource
from bc_pipeline.defs.settings import settings
from bc_pipeline.sync.reference import sync_reference_streams
from bc_pipeline.sync.report import progress_log

REFERENCE_TABLES = ("variants", "categories", "brands", "order_statuses", "customer_attributes")


@dg.multi_asset(
    name="bigcommerce_reference_streams",
    specs=[raw_spec(t, deps=(raw_key("products"),) if t == "variants" else ()) for t in REFERENCE_TABLES],
    check_specs=raw_check_specs(REFERENCE_TABLES),
    partitions_def=store_partitions,
    can_subset=True,
)
def reference_streams(context: dg.AssetExecutionContext, bigcommerce: BigCommerceResource, warehouse: WarehouseResource):
    """Full listings of categories, brands and order statuses; variants of changed products (or all, daily)."""
    check_partition_is_store(context, bigcommerce.store)
    selected = [t for t in REFERENCE_TABLES if raw_key(t) in context.selected_asset_keys]
    with one_line_failures(context), closing(bigcommerce.client()) as client:
        reports = sync_reference_streams(
            client, warehouse.get_connection, selected, progress=lambda r: progress_log.info(r.progress_line())
        )
    with warehouse.get_connection() as conn:
        for table, report in reports.items():
            context.log.info(report.progress_line())
            progress_log.info(report.progress_line())
            if not report.error:
                yield dg.MaterializeResult(asset_key=raw_key(table), metadata=table_metadata(conn, table, report),
                                           check_results=raw_check_results(context, conn, table))
    fail_on_stream_errors(context, reports)


@dg.definitions
def reference_assets() -> dg.Definitions:
    return dg.Definitions(assets=with_sync_freshness([reference_streams], settings().sync_cron))
