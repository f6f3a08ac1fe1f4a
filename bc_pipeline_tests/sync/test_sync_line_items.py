"""No line item left behind: orders truncated at 50 line items in any consignment kind (shipping, pickup,
download, e-mailed gift certificate) land with every item, through a real sync against the emulator; an order
whose items cannot be completed keeps its stored items and fails the orders stream loudly."""

from __future__ import annotations

import copy
from collections import defaultdict

import pytest

from bc_pipeline.completion.consignments import consignments
from bc_pipeline.warehouse.connect import warehouse_connection
from bc_pipeline_tests.sync_harness import run_sync

# orders 7 (75 items, one shipping consignment), 11 (120 in two), 13 (60 picked up), 14 (55 downloaded),
# 15 (52 e-mailed gift certificates): pinned by the emulator's generator
TRUNCATED = {7: "shipping", 11: "shipping", 13: "pickups", 14: "downloads", 15: "gift_certificates"}


def stored_items(db) -> dict[int, list[int]]:
    with warehouse_connection(db, read_only=True) as conn:
        rows = conn.execute("SELECT order_id, id FROM bigcommerce.order_line_items ORDER BY id").fetchall()
    found = defaultdict(list)
    for oid, iid in rows:
        found[oid].append(iid)
    return found


def truth_items(emu) -> dict[int, list[int]]:
    found = defaultdict(list)
    for item in emu.store.records("order_products"):
        found[item["order_id"]].append(item["id"])
    return found


@pytest.fixture
def store(make_emulator):
    return make_emulator(orders=40, customers=20, products=15)


def test_orders_truncated_in_each_consignment_kind_land_with_every_line_item(store, tmp_path):
    served = {o["id"]: o for o in store.store.records("orders")}
    for oid, kind in TRUNCATED.items():  # the premise: truncated, in that kind
        assert "__warning__" in served[oid]
        assert {k for k, c in consignments(served[oid]) if len(c["line_items"]) == 50} == {kind}
    db = tmp_path / "bc.duckdb"
    run_sync(store, db)
    assert stored_items(db) == truth_items(store)
    for oid in TRUNCATED:
        assert len(stored_items(db)[oid]) > 50


def test_an_order_whose_items_cannot_be_completed_keeps_them_and_fails_the_stream(store, tmp_path):
    db = tmp_path / "bc.duckdb"
    run_sync(store, db)
    before = stored_items(db)[11]
    # order 11's two shipping consignments are both truncated; an item that names none of them cannot be placed
    products = copy.deepcopy(store.store.full("orders", 11)["_products"])
    stray = {**products[-1], "id": 11999, "order_address_id": 0}
    store.store.update("orders", 11, _products=products + [stray], staff_notes="changed")
    result = run_sync(store, db, raise_on_error=False)
    assert not result.success
    messages = " ".join(e.event_specific_data.error.to_string() for e in result.all_events
                        if e.event_type_value == "STEP_FAILURE")
    assert "line items of order 11 " in messages and "could not be completed" in messages
    assert stored_items(db)[11] == before
    with warehouse_connection(db, read_only=True) as conn:
        notes = conn.execute("SELECT staff_notes FROM bigcommerce.orders WHERE id = 11").fetchone()[0]
    assert notes != "changed"
