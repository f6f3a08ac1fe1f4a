"""The store is the partition key: one dynamic partition per BigCommerce store, named by its label (the
store hash, lower-cased), shared by every raw and mapped asset.

A partition is a slice of data (this store's rows), so after a sync its partition is green on every table
the sync wrote, and `dagster/row_count` is the table's count. Which `date_modified` window a run asks for is
run configuration (raw_assets.SyncConfig), not a partition.

The configured store's partition is added when a run needs it, never when the definitions load (that would
write to the instance on every load, from every process): `bc-pipeline sync` adds it before it runs the job,
the schedules add it before they ask for a run, and the `bigcommerce_store_partition` sensor adds it shortly
after `dagster dev` starts so that the UI can materialize the store's partition by hand from the start.
"""

import dagster as dg

from bc_pipeline.config import store_label
from bc_pipeline.defs.failures import fail

STORE_PARTITIONS_NAME = "bigcommerce_store"
store_partitions = dg.DynamicPartitionsDefinition(name=STORE_PARTITIONS_NAME)


def ensure_store_partition(instance: dg.DagsterInstance, label: str) -> None:
    """Add the store's partition to the instance if it is not there yet."""
    if not instance.has_dynamic_partition(STORE_PARTITIONS_NAME, label):
        instance.add_dynamic_partitions(STORE_PARTITIONS_NAME, [label])


def check_partition_is_store(context: dg.AssetExecutionContext, store_hash: str) -> None:
    """Refuse to write one store's data under another store's partition."""
    expected = store_label(store_hash)
    if context.partition_key != expected:
        fail(context, f"partition {context.partition_key!r} is not the configured store {expected!r}: "
                      f"materialize partition {expected!r} (or configure that store)")
