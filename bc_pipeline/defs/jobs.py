"""The sync job: every raw table and every mapped table, in dependency order, for the store's partition. The
daily reconciliation of deletes (a full id listing, whose cost grows with the store) is its own job, not
part of every sync.

Steps run in the run's own process (in_process_executor): the job has three steps (dated streams,
reference streams, mapped tables, each with its checks) that must run one after another anyway (the
`duckdb` pool has one slot), and a step subprocess costs seconds, so a scheduled or UI run is as fast as
`bc-pipeline sync`.
"""

import dagster as dg

sync_job = dg.define_asset_job(
    name="bigcommerce_sync",
    selection=dg.AssetSelection.groups("bigcommerce", "mapped", "change_feed")
    - dg.AssetSelection.assets(dg.AssetKey(["bigcommerce", "deletes_reconciled"])),
    executor_def=dg.in_process_executor,
    description="Sync every stream (incremental by default; `full` or a `range` of days in the "
    "bigcommerce_dated_streams config), then the mapped tables and the change-feed assets (new_customers, ...). "
    "What the schedule and `bc-pipeline sync` run.",
)
