"""Variants, categories, brands, order statuses and customer attribute definitions: the undated streams, one multi-asset, not partitioned.

Variants come after products (they re-read the variants of the products that changed); see
sync/reference.py for how variant-only changes are caught.
"""

import dagster as dg

from bc_pipeline.defs.metadata import raw_key, raw_spec, table_metadata
from bc_pipeline.defs.resources import BigCommerceResource, WarehouseResource
from bc_pipeline.sync.reference import sync_reference_streams
from bc_pipeline.sync.report import progress_log
from bc_pipeline.sync.runs import raise_for_failures

REFERENCE_TABLES = ("variants", "categories", "brands", "order_statuses", "customer_attributes")


@dg.multi_asset(
    name="bigcommerce_reference_streams",
    specs=[
        raw_spec("variants", deps=(raw_key("products"),)),
        raw_spec("categories"),
        raw_spec("brands"),
        raw_spec("order_statuses"),
        raw_spec("customer_attributes"),
    ],
    can_subset=True,
    pool="duckdb",
)
def reference_streams(context: dg.AssetExecutionContext, bigcommerce: BigCommerceResource, warehouse: WarehouseResource):
    """Full listings of categories, brands and order statuses; variants of changed products (or all, daily)."""
    selected = [t for t in REFERENCE_TABLES if raw_key(t) in context.selected_asset_keys]
    client = bigcommerce.client()
    try:
        reports = sync_reference_streams(
            client, warehouse.get_connection, selected, progress=lambda r: progress_log.info(r.progress_line())
        )
    finally:
        client.close()
    with warehouse.get_connection() as conn:
        for table, report in reports.items():
            context.log.info(report.progress_line())
            progress_log.info(report.progress_line())
            if not report.error:
                yield dg.MaterializeResult(asset_key=raw_key(table), metadata=table_metadata(conn, table, report))
    raise_for_failures(reports)
