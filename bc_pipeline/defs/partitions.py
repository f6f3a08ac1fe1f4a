"""The store is the partition key: one dynamic partition per BigCommerce store, named by its label (the
store hash, lower-cased), shared by every raw and mapped asset.

A partition is a slice of data (this store's rows), so after a sync its partition is green on every table
the sync wrote, and `dagster/row_count` is the table's count. Which `date_modified` window a run asks for is
run configuration (raw_assets.SyncConfig), not a partition.

The partitions follow the configured stores (the stores file, or the one BC_* store), never when the
definitions load (that would write to the instance on every load, from every process): `bc-pipeline sync`
adds its stores' partitions before it runs the job, the schedules add them before they ask for runs, and the
`bigcommerce_store_partition` sensor adds every configured store's shortly after start, so that the UI can
materialize a store by hand from the start. A store removed from the file keeps its partition (and its
data): it is only no longer scheduled.
"""

import dagster as dg

from bc_pipeline.config import store_label
from bc_pipeline.defs.failures import fail
from bc_pipeline.stores import STORE_TAG, Store

STORE_PARTITIONS_NAME = "bigcommerce_store"
store_partitions = dg.DynamicPartitionsDefinition(name=STORE_PARTITIONS_NAME)
__all__ = ["STORE_PARTITIONS_NAME", "check_partition_is_store", "ensure_store_partition", "missing_partitions",
           "store_label", "store_partitions", "store_tags"]


def store_tags(label: str) -> dict[str, str]:
    """The tag every run of a store carries: the run queue allows one run per value (deploy/dagster.yaml)."""
    return {STORE_TAG: label}


def missing_partitions(instance: dg.DagsterInstance, stores: list[Store]) -> list[str]:
    """The labels of `stores` that have no partition yet."""
    existing = set(instance.get_dynamic_partitions(STORE_PARTITIONS_NAME))
    return [s.label for s in stores if s.label not in existing]


def ensure_store_partition(instance: dg.DagsterInstance, label: str) -> None:
    """Add the store's partition to the instance if it is not there yet."""
    if not instance.has_dynamic_partition(STORE_PARTITIONS_NAME, label):
        instance.add_dynamic_partitions(STORE_PARTITIONS_NAME, [label])


def check_partition_is_store(context: dg.AssetExecutionContext, store: Store) -> None:
    """Refuse to write one store's data under another store's partition."""
    if context.partition_key != store.label:
        fail(context, f"partition {context.partition_key!r} is not the run's store {store.label!r}: "
                      f"materialize partition {store.label!r} (or configure that store)")
