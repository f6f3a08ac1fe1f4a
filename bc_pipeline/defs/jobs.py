"""The sync job: every raw table and every mapped table, in dependency order."""

import dagster as dg

sync_job = dg.define_asset_job(
    name="bigcommerce_sync",
    selection=dg.AssetSelection.groups("bigcommerce", "mapped"),
    description="Incremental sync of every stream (or exactly the selected partitions' window), then the "
    "mapped tables. What the schedule and `bc-pipeline sync` run.",
)
