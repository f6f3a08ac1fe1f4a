"""The sync job: every raw table and every mapped table, in dependency order. The daily reconciliation of
deletes (a full id listing, whose cost grows with the store) is its own job, not part of every sync."""

import dagster as dg

sync_job = dg.define_asset_job(
    name="bigcommerce_sync",
    selection=dg.AssetSelection.groups("bigcommerce", "mapped", "change_feed")
    - dg.AssetSelection.assets(dg.AssetKey(["bigcommerce", "deletes_reconciled"])),
    description="Incremental sync of every stream (or exactly the selected partitions' window), then the "
    "mapped tables and the change-feed assets (new_customers, ...). What the schedule and `bc-pipeline sync` run.",
)
