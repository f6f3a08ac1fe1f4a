"""Change-feed assets: new_customers, new_subscribers, new_abandoned_carts, materialized after each sync.

Each publishes `feed.new_<table>`: the rows the change feed (bigcommerce._changes) logged as created since
the asset's previous materialization (whose metadata keeps the feed position `feed_seq`). In the sync job
that is what this sync created (and any webhook run since the last sync), so a user's job can react to them
with an asset sensor on `["feed", "new_customers"]`. Thin over warehouse/new_rows.py.
"""

import dagster as dg

from bc_pipeline.defs.resources import WarehouseResource
from bc_pipeline.warehouse.new_rows import publish_new_rows

FEEDS = {"new_customers": "customers", "new_subscribers": "subscribers", "new_abandoned_carts": "abandoned_carts"}
PREVIEW = 20


def _last_seq(context: dg.AssetExecutionContext) -> int:
    event = context.instance.get_latest_materialization_event(context.asset_key)
    if event is None or event.asset_materialization is None:
        return 0
    value = event.asset_materialization.metadata.get("feed_seq")
    return int(value.value) if value is not None else 0


def build_feed_asset(name: str, source: str) -> dg.AssetsDefinition:
    @dg.asset(
        key=dg.AssetKey(["feed", name]),
        deps=[dg.AssetKey(["bigcommerce", source])],
        group_name="change_feed",
        kinds={"duckdb"},
        pool="duckdb",
        description=f"The {source} rows created since this asset's previous materialization (after each sync: "
        f"what it created), as table feed.{name}. React to it with an asset sensor.",
        metadata={"dagster/table_name": f"feed.{name}"},
    )
    def _feed(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        with warehouse.get_connection() as conn:
            new = publish_new_rows(conn, source, _last_seq(context))
        return dg.MaterializeResult(metadata={
            "count": len(new.ids),
            "dagster/row_count": len(new.ids),
            "ids_preview": dg.MetadataValue.json([str(i) for i in new.ids[:PREVIEW]]),
            "feed_seq": new.last_seq,
        })

    return _feed


@dg.definitions
def change_feed_assets() -> dg.Definitions:
    return dg.Definitions(assets=[build_feed_asset(name, source) for name, source in FEEDS.items()])
