"""What a publish to the shared lake costs after many commits, with and without the lake's upkeep.

A shared lake takes a commit per table from every store run that wrote something (at 1,000 stores on webhooks
and an hourly sweep, tens of thousands a day on `orders`), so what matters is the cost of a commit after
thousands of them. Here STORES store files take turns: each turn changes 3 orders of one store (their line
items and shipping addresses with them) and publishes the store's order tables (3 commits), timed whole. The
same sequence runs twice on a fresh SQLite catalog and local warehouse:

* **upkeep**: the code as shipped (lake/upkeep.py: all but the newest 20 snapshots expired in each commit,
  old metadata files deleted; every WHOLE_EVERY-th publish of a table sends the store's partition whole);
* **none**: tables created with Iceberg's defaults set explicitly (5-day snapshot age, no metadata deletion)
  and no whole publishes: the lake as it was before the upkeep.

Printed per 100 publishes: the median publish (3 commits), the orders table's snapshots, data files,
manifests and metadata file size. `python -m bench.lake_commits --publishes 600`; a few minutes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bc_pipeline.lake import LakeSettings, open_catalog, publish_store
from bc_pipeline.lake import publish as publish_module
from bc_pipeline.lake.schema import iceberg_schema, identifier
from bc_pipeline.lake.settings import NAMESPACE
from bc_pipeline.streams import rows_for
from bc_pipeline.warehouse.connect import warehouse_connection
from bc_pipeline.warehouse.ensure import ensure_schema
from bc_pipeline.warehouse.load import Warehouse
from bc_pipeline.warehouse.schema import TABLES
from bc_pipeline_tests.warehouse_support import order_with_consignments

ORDER_TABLES = ["orders", "order_line_items", "order_shipping_addresses"]
NO_UPKEEP = {"history.expire.max-snapshot-age-ms": str(5 * 24 * 3600 * 1000),  # Iceberg's defaults
             "write.metadata.delete-after-commit.enabled": "false", "history.expire.min-snapshots-to-keep": "1"}
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _write(path: Path, order_ids: list[int], n: int) -> None:
    stamp = (T0 + timedelta(seconds=n)).strftime("%a, %d %b %Y %H:%M:%S +0000")
    with warehouse_connection(path) as conn:
        ensure_schema(conn)
        Warehouse(conn).merge(rows_for("orders", [order_with_consignments(i, date_modified=stamp) for i in order_ids]),
                              T0 + timedelta(seconds=n))


def run(mode: str, publishes: int, stores: int, folder: Path) -> list[dict]:
    cat = open_catalog(LakeSettings(catalog_uri=f"sqlite:///{folder}/catalog.db", warehouse=str(folder / "wh")))
    whole_every = publish_module.WHOLE_EVERY
    if mode == "none":
        cat.create_namespace(NAMESPACE)
        for name in ORDER_TABLES:
            from pyiceberg.partitioning import PartitionField, PartitionSpec
            from pyiceberg.transforms import IdentityTransform

            spec = PartitionSpec(PartitionField(source_id=1, field_id=1000, transform=IdentityTransform(), name="store"))
            cat.create_table(identifier(TABLES[name]), schema=iceberg_schema(TABLES[name]), partition_spec=spec,
                             properties=NO_UPKEEP)
        publish_module.WHOLE_EVERY = 10**9
    files = {f"s{i}": folder / f"s{i}.duckdb" for i in range(stores)}
    try:
        for label, path in files.items():
            _write(path, list(range(1, 21)), 0)
            publish_store(label, path, cat, tables=ORDER_TABLES)
        out, window = [], []
        for n in range(1, publishes + 1):
            label = f"s{n % stores}"
            _write(files[label], [n % 20 + 1, (n + 7) % 20 + 1, (n + 13) % 20 + 1], n)
            started = time.perf_counter()
            publish_store(label, files[label], cat, tables=ORDER_TABLES)
            window.append(time.perf_counter() - started)
            if n % 100 == 0:
                lake = cat.load_table(identifier(TABLES["orders"]))
                meta = lake.metadata_location.removeprefix("file://")
                row = {"mode": mode, "publishes": n, "median_publish_ms": round(1000 * statistics.median(window)),
                       "snapshots": len(lake.snapshots()), "data_files": len(lake.inspect.files()),
                       "manifests": len(lake.current_snapshot().manifests(lake.io)),
                       "metadata_kb": round(os.path.getsize(meta) / 1024)}
                print(row, flush=True)
                out.append(row)
                window = []
        return out
    finally:
        publish_module.WHOLE_EVERY = whole_every


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--publishes", type=int, default=600)
    parser.add_argument("--stores", type=int, default=20)
    parser.add_argument("--modes", default="none,upkeep")
    args = parser.parse_args()
    for mode in args.modes.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            run(mode, args.publishes, args.stores, Path(tmp))


if __name__ == "__main__":
    main()
