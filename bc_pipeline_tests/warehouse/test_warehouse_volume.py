"""A larger emulator store (orders with up to 50+ line items) merges in batches, exactly once, idempotently.

Run with -s to see the merge throughput (rows/s); nothing here asserts on time.
"""

import time
from datetime import UTC, datetime

import pytest

from bc_emulator.config import EmulatorConfig
from bc_emulator.store import Store
from bc_pipeline.streams import rows_for
from bc_pipeline.warehouse.ensure import ensure_schema
from bc_pipeline.warehouse.load import Warehouse
from bc_pipeline_tests.warehouse_support import connect, snapshot

BATCH = 2000
TABLES = ["orders", "order_line_items", "order_shipping_addresses"]


@pytest.mark.slow
def test_orders_merge_in_batches_exactly_once(tmp_path):
    store = Store(EmulatorConfig(seed=7, customers=500, orders=6000, products=100))
    orders = store.records("orders")
    conn = connect(tmp_path)
    ensure_schema(conn)
    wh = Warehouse(conn)
    synced = datetime(2026, 1, 1, tzinfo=UTC)
    written = 0
    started = time.perf_counter()
    for start in range(0, len(orders), BATCH):
        counts = wh.merge(rows_for("orders", orders[start : start + BATCH]), synced)
        written += sum(counts.values())
    seconds = time.perf_counter() - started
    print(f"\nmerged {written} rows ({len(orders)} orders) in {seconds:.2f}s: {written / seconds:,.0f} rows/s")
    got = dict(conn.execute(
        "SELECT 'orders', count(*) FROM bigcommerce.orders UNION ALL "
        "SELECT 'order_line_items', count(*) FROM bigcommerce.order_line_items").fetchall())
    assert got["orders"] == len(orders)
    embedded = {
        li["id"]
        for o in orders
        for kind in ("shipping", "pickups", "downloads")
        for c in (o["consignments"].get(kind) or [])
        for li in c["line_items"]
    } | {li["id"] for o in orders for c in o["consignments"]["email"]["gift_certificates"] for li in c["line_items"]}
    assert got["order_line_items"] == len(embedded)
    before = snapshot(conn, TABLES)
    for start in range(0, len(orders), BATCH):
        wh.merge(rows_for("orders", orders[start : start + BATCH]), synced)
    assert snapshot(conn, TABLES) == before
    conn.close()
