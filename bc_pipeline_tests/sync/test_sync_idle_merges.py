"""While no page is waiting (the API's latency), the writer merges the largest held batch early (sync/engine.py
IDLE_RECORDS): a listing smaller than a batch still lands in several merges, and exactly."""

from __future__ import annotations

from bc_pipeline.bigcommerce.client import BigCommerceClient
from bc_pipeline.sync.engine import BATCH_RECORDS, IDLE_RECORDS, StreamPlan, run_plans
from bc_pipeline_tests.sync_harness import ids, warehouse_for


def test_a_listing_smaller_than_a_batch_merges_while_the_api_answers(make_emulator, tmp_path):
    emu, db = make_emulator(orders=2_500, customers=50, products=10, latency_ms=(80, 120)), tmp_path / "bc.duckdb"
    assert IDLE_RECORDS < 2_500 < BATCH_RECORDS
    with BigCommerceClient(emu.api_url, emu.store_hash, emu.access_token, max_workers=2) as client:
        report = run_plans(client, warehouse_for(emu, db).get_connection, [StreamPlan("orders")])["orders"]
    assert report.error is None
    assert report.batches >= 2, "every order waited for the listing's end to merge"
    assert ids(db, "orders", include_deleted=True) == sorted(int(o["id"]) for o in emu.store.records("orders"))
    assert report.rows["orders"] == 2_500
