"""Benchmark: warehouse merge throughput for emulator orders (orders + line items + shipping addresses).

For each size, a fresh DuckDB file (opened as the sync opens it) receives the orders in batches of 5,000
records, the way the sync engine merges: `rows_for("orders", batch)` then `Warehouse(conn).merge(...)`.
Orders are generated batch by batch (never the whole store in memory). Prints, per size, rows written,
wall seconds and CPU seconds of the merges (CPU includes DuckDB's threads; the machine may be shared, so
CPU-s is the steadier figure), rows/s, the flattening cost, and the process's peak RSS; then the same batches
merged again (every row already stored: the MATCHED path of an incremental re-sync). Not a test: no
assertion on time.

    python -m bench.merge_throughput [--sizes 2000,20000,100000] [--batch 5000] [--no-again]
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from bc_emulator import shapes
from bc_emulator.config import EmulatorConfig
from bc_emulator.store import Store
from bc_pipeline.streams import rows_for
from bc_pipeline.warehouse.connect import warehouse_connection
from bc_pipeline.warehouse.ensure import ensure_schema
from bc_pipeline.warehouse.load import Warehouse

V2 = "http://127.0.0.1:1/stores/bench/v2"


def order_batches(store: Store, batch: int) -> Iterator[list[dict]]:
    """The store's orders as /v2/orders serves them with consignments.line_items, `batch` at a time."""
    table = store.tables["orders"]
    ids = [int(i) for i in table.ids[table.live()]]
    for start in range(0, len(ids), batch):
        fulls = [store.full("orders", i) for i in ids[start : start + batch]]
        yield [shapes.order(f, {"consignments.line_items"}, True, V2) for f in fulls if f is not None]


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_pass(store: Store, wh: Warehouse, batch: int, synced: datetime) -> dict[str, float]:
    rows_written = wall = cpu = flatten = 0.0
    for records in order_batches(store, batch):
        t0 = time.perf_counter()
        rows = rows_for("orders", records)
        t1, c1 = time.perf_counter(), time.process_time()
        counts = wh.merge(rows, synced)
        wall += time.perf_counter() - t1
        cpu += time.process_time() - c1
        flatten += t1 - t0
        rows_written += sum(len(v) for v in rows.values())
        del rows, records, counts
    return {"rows": rows_written, "wall": wall, "cpu": cpu, "flatten": flatten}


def _line(label: str, r: dict[str, float]) -> str:
    return (
        f"{label:<22} {int(r['rows']):>9,} rows  merge {r['wall']:7.2f} s wall {r['cpu']:7.2f} s CPU  "
        f"{r['rows'] / r['wall']:>9,.0f} rows/s  ({r['rows'] / r['cpu']:>9,.0f} rows/CPU-s)  "
        f"flatten {r['flatten']:5.2f} s  peak RSS {_peak_rss_mb():,.0f} MB"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="2000,20000,100000", help="order counts, comma separated")
    ap.add_argument("--batch", type=int, default=5000, help="records per merge (the sync engine's batch)")
    ap.add_argument("--no-again", action="store_true", help="skip the second pass (rows already stored)")
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args()
    synced = datetime(2026, 1, 1, tzinfo=UTC)
    print(f"merge throughput, batches of {args.batch:,} orders, pid {os.getpid()}, load {os.getloadavg()[0]:.2f}")
    for size in (int(s) for s in args.sizes.split(",")):
        store = Store(EmulatorConfig(seed=args.seed, customers=max(100, size // 4), orders=size, products=200))
        with tempfile.TemporaryDirectory(prefix="merge_bench_") as tmp:
            with warehouse_connection(Path(tmp) / "bench.duckdb") as conn:
                ensure_schema(conn)
                wh = Warehouse(conn)
                print(_line(f"{size:,} orders, new", run_pass(store, wh, args.batch, synced)), flush=True)
                if not args.no_again:
                    again = run_pass(store, wh, args.batch, datetime(2026, 1, 2, tzinfo=UTC))
                    print(_line(f"{size:,} orders, again", again), flush=True)
        del store


if __name__ == "__main__":
    main()
