"""Change-feed assets: new_customers, new_subscribers, new_abandoned_carts, materialized after each sync.

Each publishes `feed.new_<table>`: the rows the change feed (bigcommerce._changes) logged as created since
the asset's previous materialization (whose metadata keeps the feed position `feed_seq`). In the sync job
that is what this sync created (and any webhook run since the last sync), so a user's job can react to them
with an asset sensor on `["feed", "new_customers"]`. One step for all of them (a multi-asset; a subset publishes only the selected ones). Thin over
warehouse/new_rows.py.
"""

import dagster as dg

from bc_pipeline.defs.resources import WarehouseResource
from bc_pipeline.warehouse.new_rows import publish_new_rows

FEEDS = {"new_customers": "customers", "new_subscribers": "subscribers", "new_abandoned_carts": "abandoned_carts"}
PREVIEW = 20


def _last_seq(instance: dg.DagsterInstance, key: dg.AssetKey) -> int:
    event = instance.get_latest_materialization_event(key)
    if event is None or event.asset_materialization is None:
        return 0
    value = event.asset_materialization.metadata.get("feed_seq")
    return int(value.value) if value is not None else 0


def feed_key(name: str) -> dg.AssetKey:
    return dg.AssetKey(["feed", name])


def _spec(name: str, source: str) -> dg.AssetSpec:
    return dg.AssetSpec(
        key=feed_key(name),
        deps=[dg.AssetKey(["bigcommerce", source])],
        group_name="change_feed",
        kinds={"duckdb"},
        skippable=True,
        description=f"The {source} rows created since this asset's previous materialization (after each sync: "
        f"what it created), as table feed.{name}. React to it with an asset sensor.",
        metadata={"dagster/table_name": f"feed.{name}"},
    )


@dg.multi_asset(name="change_feed", specs=[_spec(n, s) for n, s in FEEDS.items()], can_subset=True)
def change_feed(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Every selected feed table in one step (one connection, a few events)."""
    with warehouse.get_connection() as conn:
        for name, source in FEEDS.items():
            key = feed_key(name)
            if key not in context.selected_asset_keys:
                continue
            new = publish_new_rows(conn, source, _last_seq(context.instance, key))
            yield dg.MaterializeResult(asset_key=key, metadata={
                "count": len(new.ids),
                "dagster/row_count": len(new.ids),
                "ids_preview": dg.MetadataValue.json([str(i) for i in new.ids[:PREVIEW]]),
                "feed_seq": new.last_seq,
            })


@dg.definitions
def change_feed_assets() -> dg.Definitions:
    return dg.Definitions(assets=[change_feed])
