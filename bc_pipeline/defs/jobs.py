"""The sync job: every raw table and every mapped table, in dependency order, for the store's partition. The
daily reconciliation of deletes (a full id listing, whose cost grows with the store) is its own job, not
part of every sync.

Steps run in the run's own process (in_process_executor): the steps (the raw streams, the mapped tables,
the change feed, each with its checks) must run one after another anyway (they share the store's
DuckDB file, which has one writer), and a step subprocess costs seconds, so a scheduled or UI run is as fast
as `bc-pipeline sync`.

The publish step is in the job only when publishing is on (BC_LAKE_PUBLISH; by default with a stores file),
so a single store's run has no step it would skip. Both jobs are partitioned by store through a partitioned config whose tags give every partition run the
`bc/store` tag: a run launched on a store's partition from the launchpad or a job backfill carries it like
the schedule's and the CLI's runs (the run queue's per-store limit keys on it).
"""

import dagster as dg

from bc_pipeline.defs.partitions import store_partitions, store_tags
from bc_pipeline.defs.raw_assets import SYNC_OP
from bc_pipeline.defs.settings import settings


def store_partitioned_config() -> dg.PartitionedConfig:
    """No config of its own (the ops' defaults apply); the `bc/store` tag for each store partition."""
    return dg.PartitionedConfig(partitions_def=store_partitions, run_config_for_partition_key_fn=lambda key: {},
                                tags_for_partition_key_fn=store_tags)


SYNC_JOB = "bigcommerce_sync"


def build_sync_job(publish: bool):
    """The sync job; with `publish`, its last step publishes the store to the shared lake (lake/published)."""
    groups = ("bigcommerce", "mapped", "change_feed", *(("lake",) if publish else ()))
    return dg.define_asset_job(
        name=SYNC_JOB,
        selection=dg.AssetSelection.groups(*groups)
        - dg.AssetSelection.assets(dg.AssetKey(["bigcommerce", "deletes_reconciled"])),
        executor_def=dg.in_process_executor,
        config=store_partitioned_config(),
        description="Sync every stream (incremental by default; `full` or a `range` of days in the "
        f"{SYNC_OP} config), then the mapped tables, the change-feed assets (new_customers, ...)"
        + (" and the publish to the shared lake (lake/published)" if publish else "")
        + ". What the schedule and `bc-pipeline sync` run.",
    )


@dg.definitions
def jobs() -> dg.Definitions:
    return dg.Definitions(jobs=[build_sync_job(settings().publishes_to_lake)])
