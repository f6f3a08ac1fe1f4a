"""The shared analytical layer as the last step of a store's sync: `lake/published` publishes the rows the
sync (and any webhook run since) wrote to the store's DuckDB file to the Iceberg tables (bc_pipeline/lake/),
after the raw and mapped tables have committed. Cheap when nothing changed: the watermark in the DuckDB file
finds no new row and nothing is committed to the catalog.

On by default when a stores file is used (BC_LAKE_PUBLISH unset), off for the single store; BC_LAKE_PUBLISH
turns it on or off. When off the sync job leaves the step out (defs/jobs.py); materialized by hand then, it
is skipped (the asset does not materialize). The store's label is the
lake's `store` column, so the step runs in the store's partition like every table it reads.
"""

import dagster as dg

from bc_pipeline.defs.failures import fail
from bc_pipeline.defs.metadata import raw_key
from bc_pipeline.defs.partitions import check_partition_is_store, store_partitions
from bc_pipeline.defs.raw_assets import RAW_TABLES
from bc_pipeline.defs.resources import WarehouseResource
from bc_pipeline.defs.settings import settings

LAKE_KEY = dg.AssetKey(["lake", "published"])


@dg.multi_asset(
    name="lake_publish",
    specs=[dg.AssetSpec(
        key=LAKE_KEY, group_name="lake", kinds={"iceberg"}, skippable=True,
        deps=[raw_key(t) for t in RAW_TABLES],
        description="The store's rows written since its last publish, sent to the shared Iceberg tables "
        "(namespace bigcommerce, a `store` column, partitioned by store). BC_LAKE_PUBLISH turns it on/off.",
    )],
    partitions_def=store_partitions,
)
def lake_publish(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Publish the store's changed rows; skipped when publishing is off."""
    options = settings()
    if not options.publishes_to_lake:
        context.log.info("publishing to the shared layer is off (BC_LAKE_PUBLISH)")
        return
    from bc_pipeline.lake import LakeSettings, open_catalog, publish_store  # pyiceberg: only when publishing

    store = warehouse.store
    check_partition_is_store(context, store)
    lake = LakeSettings.of(options)
    try:
        report = publish_store(store.label, store.duckdb_path, open_catalog(lake))
    except Exception as exc:  # the catalog or the object store: its own message, the URI's password masked
        fail(context, f"publishing to the lake at {lake.shown_uri} failed: {exc}")
    context.log.info(f"published {sum(report.rows.values()):,} rows of {len(report.rows)} tables to the lake")
    yield dg.MaterializeResult(asset_key=LAKE_KEY, metadata={
        "rows_published": sum(report.rows.values()),
        "tables": dg.MetadataValue.json(report.rows),
        "tables_sent_whole": dg.MetadataValue.json(report.whole),
        "commit_retries": report.commit_retries,
        "catalog": lake.shown_uri,
    })


@dg.definitions
def lake_assets() -> dg.Definitions:
    return dg.Definitions(assets=[lake_publish])
