"""Keeping a shared lake table cheap to commit to, commit after commit.

A publish makes one Iceberg commit per table it changed, and a commit costs more as the table's history grows:
pyiceberg rebuilds the table's metadata (every snapshot it lists) for each change it applies, and a delete
reads every manifest entry of the current snapshot. Measured with pyiceberg 0.12 on a SQLite catalog and local
files (`python -m bench.lake_commits`, docs/scale.md: 20 stores taking turns, 3 orders changed and the 3 order
tables committed per publish): 1.6 s per publish after 100 publishes, 3.7 s after 200, 4.9 s after 300, which
at 1,000 stores would outgrow the time between commits to one table within hours. Two of Iceberg's table
properties and the publisher keep it flat:

* **Snapshots expire in the publish's own commit**: all but the newest `history.expire.min-snapshots-to-keep`
  (20) and any branch or tag head, once older than `history.expire.max-snapshot-age-ms` (Iceberg's standard
  properties; the age is 0 here, so the newest 20 are what is kept, however fast commits come). Why so few:
  pyiceberg deep-copies the table's metadata, every snapshot in it, each time a commit reads it (dozens of
  times per commit); with 220 snapshots a publish of the 3 order tables took 1.6 s, nearly all of it copying.
  The layer is rebuilt from the stores' DuckDB files and is not read back in time, so history has little
  use here; raise the two properties on a table to keep more. Expiring removes snapshots from the metadata
  only: their files stay where readers that planned on them find them (no file is deleted here).
* **Old metadata files go** (`write.metadata.delete-after-commit.enabled`), and the metadata lists only the
  last 10 (`write.metadata.previous-versions-max`; 100 by default, which was half of what each of those
  copies copied).

Manifest merging (`commit.manifest-merge.enabled`) stays off, Iceberg's default: with it and the expiry
together, pyiceberg 0.12 failed a later delete ("Missing required files to delete") within 100 publishes of
bench/lake_commits.py, and without it a table's manifests stayed at about two per store.

New tables get these properties; a table that lacks one gets it on its next publish, and a value already set
(by an operator, by Spark or Trino) is left as it is. The data files a store adds with each publish are
compacted by the publisher itself: every `WHOLE_EVERY`-th publish of a table sends the store's partition
whole, one file in place of many (lake/publish.py).
"""

from __future__ import annotations

from pyiceberg.table import Table as IcebergTable
from pyiceberg.table import TableProperties, Transaction
from pyiceberg.table.refs import SnapshotRefType
from pyiceberg.table.update.snapshot import ExpireSnapshots
from pyiceberg.utils.properties import property_as_int

KEEP_SNAPSHOTS = 20
TABLE_PROPERTIES = {
    TableProperties.MAX_SNAPSHOT_AGE_MS: "0",
    TableProperties.MIN_SNAPSHOTS_TO_KEEP: str(KEEP_SNAPSHOTS),
    TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED: "true",
    TableProperties.METADATA_PREVIOUS_VERSIONS_MAX: "10",
}


def missing_properties(lake: IcebergTable) -> dict[str, str]:
    """The upkeep properties the table does not set at all (a value someone set is theirs)."""
    return {k: v for k, v in TABLE_PROPERTIES.items() if k not in lake.properties}


def expire_old_snapshots(tx: Transaction, now_ms: int) -> int:
    """Expire, in the transaction `tx`, the snapshots its table's properties say are old; how many."""
    metadata = tx.table_metadata
    props = metadata.properties
    max_age = property_as_int(props, TableProperties.MAX_SNAPSHOT_AGE_MS, TableProperties.MAX_SNAPSHOT_AGE_MS_DEFAULT)
    keep = property_as_int(props, TableProperties.MIN_SNAPSHOTS_TO_KEEP, TableProperties.MIN_SNAPSHOTS_TO_KEEP_DEFAULT)
    protected = {ref.snapshot_id for ref in metadata.refs.values()
                 if ref.snapshot_ref_type in (SnapshotRefType.BRANCH, SnapshotRefType.TAG)}
    # A publish's delete and append are two snapshots of one millisecond at times: the sequence number orders them.
    newest_first = sorted(metadata.snapshots, key=lambda s: (s.timestamp_ms, s.sequence_number or 0), reverse=True)
    old = [s.snapshot_id for s in newest_first[max(keep or 0, 1):]
           if s.timestamp_ms < now_ms - (max_age or 0) and s.snapshot_id not in protected]
    if old:
        ExpireSnapshots(tx).by_ids(old).commit()
    return len(old)
