"""Publish a store's changed rows from its DuckDB file to the shared Iceberg layer.

For each contract table: read the batch (warehouse/lake_batches.py), then in ONE Iceberg transaction delete what the batch
replaces in the store's partition (the scope's ids, or the whole partition) and append the batch; only after
that commit does the watermark move, in the DuckDB file. Re-publishing a batch leaves the same rows: the
replace is idempotent.

Several stores publish at once safely: each commit is optimistic (the SQL catalog swaps the table's metadata
pointer only if nobody moved it since it was read); a publisher that loses the race reloads the table and
redoes its transaction, which touches only its own store's rows, so nothing of the winner's is lost.

Each commit also expires the table's old snapshots, and every WHOLE_EVERY-th publish of a table sends the
store's partition whole, replacing its files with one, so a commit does not get dearer as the table's history
grows (lake/upkeep.py).

Run it after the store's sync has committed, in the same per-store serialisation (one run per store at a
time): the watermark relies on a store's `_synced_at` stamps growing from one run to the next.
"""

from __future__ import annotations

import random
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from pyiceberg.catalog import Catalog
from pyiceberg.exceptions import CommitFailedException
from pyiceberg.expressions import And, BooleanExpression, EqualTo, In
from sqlalchemy.exc import IntegrityError, OperationalError

from bc_pipeline.lake.schema import STORE_COLUMN, ensure_table, identifier
from bc_pipeline.lake.upkeep import expire_old_snapshots
from bc_pipeline.stores.model import LABEL
from bc_pipeline.warehouse.connect import warehouse_connection
from bc_pipeline.warehouse.lake_batches import Batch, read_batch
from bc_pipeline.warehouse.lake_marks import Watermark, ensure_marks_table, read_watermark, write_watermark
from bc_pipeline.warehouse.schema import TABLES

T = TypeVar("T")
COMMIT_ATTEMPTS = 20
# A store's partition of a table gains a file with every publish that sends part of it; after this many such
# publishes the next one sends it whole (one file). At an hourly sync that rewrites a store's tables about
# three times a day; each commit reads every file entry of the table, and a store's partition stays at 1-8 files.
WHOLE_EVERY = 8
# Lost optimistic commits, and the SQLite catalog's "database is locked" / a create raced by another writer.
_RETRIED = (CommitFailedException, OperationalError, IntegrityError)


@dataclass
class PublishReport:
    label: str
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows sent
    whole: list[str] = field(default_factory=list)  # tables whose store partition was replaced whole
    commit_retries: int = 0


def publish_store(label: str, duckdb_path: Path | str, catalog: Catalog, *, tables: list[str] | None = None,
                  now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> PublishReport:  # fmt: skip
    """Publish what changed in the store `label`'s DuckDB file since its last publish."""
    if not LABEL.match(label):
        raise ValueError(f"{label!r} is not a store label ([a-z0-9_]+)")
    report = PublishReport(label)
    with warehouse_connection(duckdb_path) as conn:
        ensure_marks_table(conn)
        for name in tables or list(TABLES):
            table = TABLES[name]
            lake = _retrying(lambda t=table: ensure_table(catalog, t), report)
            uuid = str(lake.metadata.table_uuid)
            mark = read_watermark(conn, name)
            since = mark.synced_through if mark and mark.lake_table_uuid == uuid else None
            batch = read_batch(conn, table, label, since)
            if batch is None:
                continue
            if not batch.is_whole and mark.publishes_since_whole + 1 >= WHOLE_EVERY:
                batch = read_batch(conn, table, label, None)  # compact the partition (see WHOLE_EVERY)
            _retrying(lambda b=batch: _commit(catalog, label, b, now), report)
            parts = 0 if batch.is_whole else mark.publishes_since_whole + 1
            write_watermark(conn, name, Watermark(uuid, batch.synced_through, parts), now())
            report.rows[name] = batch.rows.num_rows
            if batch.is_whole:
                report.whole.append(name)
    return report


def _commit(catalog: Catalog, label: str, batch: Batch, now: Callable[[], datetime]) -> None:
    """Delete what the batch replaces in the store's partition and append it, and expire the table's old
    snapshots, as one Iceberg commit."""
    lake = catalog.load_table(identifier(batch.table))  # the current metadata, again on every attempt
    rows = batch.rows.cast(lake.schema().as_arrow())
    with lake.transaction() as tx, warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Delete operation did not match any records")  # a first publish
        tx.delete(_replaced(label, batch))
        if rows.num_rows:
            tx.append(rows)
        expire_old_snapshots(tx, int(now().timestamp() * 1000))


def _replaced(label: str, batch: Batch) -> BooleanExpression:
    in_store = EqualTo(STORE_COLUMN, label)
    return in_store if batch.scope is None else And(in_store, In(batch.scope_column, batch.scope))


def _retrying(action: Callable[[], T], report: PublishReport) -> T:
    for attempt in range(1, COMMIT_ATTEMPTS + 1):
        try:
            return action()
        except _RETRIED:
            if attempt == COMMIT_ATTEMPTS:
                raise
            report.commit_retries += 1
            time.sleep(min(2.0, 0.02 * 2**attempt) * random.uniform(0.5, 1.0))
    raise AssertionError("unreachable")
