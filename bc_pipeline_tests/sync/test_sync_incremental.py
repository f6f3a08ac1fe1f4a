"""Incremental syncs and deletes after a backfill (issue 5): changes made through the emulator's mutation
API land with one incremental run, for a number of requests that follows the changes, not the store; hard
deletes are marked by the id-only reconciliation; the schedule asks for the latest partition."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import dagster as dg
import pytest

from bc_emulator import Emulator, EmulatorConfig
from bc_pipeline.config import load_settings
from bc_pipeline.defs.partitions import STORE_PARTITIONS_NAME
from bc_pipeline.defs.raw_assets import SYNC_OP
from bc_pipeline.defs.reconcile_assets import build_reconcile_daily
from bc_pipeline.defs.schedules import build_incremental_sync
from bc_pipeline.stores import STORE_TAG
from bc_pipeline.warehouse.connect import warehouse_connection
from bc_pipeline_tests.sync_harness import ids, resources_for, run_reconcile, run_sync

DATED = ("/v3/customers", "/v3/customers/subscribers", "/v2/orders", "/v3/catalog/products")


@pytest.fixture(scope="module")
def backfilled(tmp_path_factory):
    with Emulator(EmulatorConfig(seed=21, customers=400, orders=2500, products=150, quota=None)) as emu:
        db = tmp_path_factory.mktemp("incr") / "bc.duckdb"
        run_sync(emu, db)
        yield emu, db


def listing_requests(emu) -> int:
    return sum(1 for e in emu.request_log if e.path.endswith(DATED))


def test_one_incremental_run_applies_updates_creations_and_archives(backfilled):
    emu, db = backfilled
    order_ids = sorted(int(o["id"]) for o in emu.store.records("orders"))
    customer_ids = sorted(int(c["id"]) for c in emu.store.records("customers"))
    emu.store.update("orders", order_ids[10], staff_notes="changed after the backfill")
    emu.store.update("customers", customer_ids[20], company="Incremental Ltd")
    new_customer = emu.store.create("customers", email="new.customer@example.com", first_name="Nia", last_name="Ng")
    emu.store.delete("orders", order_ids[30])  # BigCommerce archives orders: is_deleted, date_modified moves
    emu.clear_request_log()
    run_sync(emu, db)
    assert listing_requests(emu) <= 2 * len(DATED) + 2, [e.path for e in emu.request_log]
    with warehouse_connection(db, read_only=True) as conn:
        note = conn.execute("SELECT staff_notes FROM bigcommerce.orders WHERE id = ?", [order_ids[10]]).fetchone()
        company = conn.execute("SELECT company FROM bigcommerce.customers WHERE id = ?", [customer_ids[20]]).fetchone()
        archived = conn.execute(
            "SELECT is_deleted, _deleted_at IS NOT NULL FROM bigcommerce.orders WHERE id = ?", [order_ids[30]]
        ).fetchone()
    assert note == ("changed after the backfill",) and company == ("Incremental Ltd",)
    assert archived == (True, True)
    assert new_customer in ids(db, "customers")


def test_requests_follow_the_changes_not_the_store(backfilled):
    emu, db = backfilled
    emu.clear_request_log()
    run_sync(emu, db)
    quiet = listing_requests(emu)
    for order_id in sorted(int(o["id"]) for o in emu.store.records("orders"))[:300]:
        emu.store.update("orders", order_id, staff_notes="bulk change")
    emu.clear_request_log()
    run_sync(emu, db)
    busy = [e for e in emu.request_log if e.path.endswith("/v2/orders")]
    assert len(busy) <= 2 + 1 + 300 // 250 + 4, "300 changed orders cost a few pages, not the store's 10"
    assert quiet <= 2 * len(DATED), quiet


def test_reconciliation_marks_hard_deletes_listing_ids_only(backfilled):
    emu, db = backfilled
    customer = sorted(int(c["id"]) for c in emu.store.records("customers"))[7]
    product = sorted(int(p["id"]) for p in emu.store.records("products"))[3]
    emu.store.delete("customers", customer)
    emu.store.delete("products", product)
    run_sync(emu, db)  # a listing cannot see hard deletes
    assert customer in ids(db, "customers")
    emu.clear_request_log()
    run_reconcile(emu, resources_for(emu, db))
    assert customer not in ids(db, "customers") and product not in ids(db, "products")
    assert customer in ids(db, "customers", include_deleted=True), "deleted rows are kept, marked"
    with warehouse_connection(db, read_only=True) as conn:
        orphans = conn.execute(
            "SELECT count(*) FROM bigcommerce.customer_addresses WHERE customer_id = ? AND _deleted_at IS NULL",
            [customer],
        ).fetchone()[0]
    assert orphans == 0, "a deleted customer's addresses are marked too"
    products_listing = [e for e in emu.request_log if e.path.endswith("/v3/catalog/products")]
    assert products_listing and all("include" not in e.query for e in products_listing)


def test_reconciliation_never_marks_a_record_modified_at_the_store_clocks_present(make_emulator, tmp_path):
    """The id listing of a dated stream ends a second before the store's clock: a customer modified in that
    second is not in it, yet still there. It is asked for by id before being judged gone (found by CI, where a
    sync and the reconciliation ran within the same second as the changes)."""
    emu, db = make_emulator(customers=30, orders=5, products=5), tmp_path / "bc.duckdb"
    run_sync(emu, db)
    customer = sorted(int(c["id"]) for c in emu.store.records("customers"))[4]
    gone = sorted(int(c["id"]) for c in emu.store.records("customers"))[5]
    emu.store.delete("customers", gone)
    run_sync(emu, db)
    emu.store._last_now = int(time.time()) + 5  # the store's clock (and the change's date) a few seconds on
    emu.store.update("customers", customer, notes="changed at the present")
    emu.clear_request_log()
    run_reconcile(emu, resources_for(emu, db))
    assert customer in ids(db, "customers"), "a record modified at the clock's present was marked deleted"
    assert gone not in ids(db, "customers")
    asked = [e for e in emu.request_log if e.path.endswith("/v3/customers") and "id:in" in e.query]
    assert [int(i) for e in asked for i in e.query["id:in"].split(",")] == [customer, gone]


def test_schedule_adds_the_store_partition_and_asks_for_an_incremental_run(monkeypatch, fresh_settings):
    monkeypatch.setenv("BC_STORE_HASH", "AbC123")
    monkeypatch.setenv("BC_ACCESS_TOKEN", "token")
    at = datetime(2026, 3, 5, tzinfo=UTC)
    # the context as a context manager: evaluating a schedule enters the instance (Dagster's current state
    # storage), and only the context's exit leaves it, else later tests' definitions find a dead instance
    with dg.instance_for_test() as instance, dg.build_schedule_context(instance=instance, scheduled_execution_time=at) as context:
        (request,) = build_incremental_sync(load_settings())(context)
        assert request.partition_key == "abc123"  # the store's label
        assert request.tags[STORE_TAG] == "abc123"
        assert instance.get_dynamic_partitions(STORE_PARTITIONS_NAME) == ["abc123"]
    assert request.run_config["ops"][SYNC_OP]["config"]["window"] == "incremental"


def test_deletes_are_confirmed_daily_from_the_start():
    """The README says deletes are confirmed daily: the reconcile schedule starts running (it lists ids only,
    once a day) unless BC_RECONCILE_RUNNING=false."""
    assert build_reconcile_daily(load_settings({})).default_status == dg.DefaultScheduleStatus.RUNNING
