"""The core sync end to end: real Dagster execution of the raw assets, the emulator over HTTP, a DuckDB file.

The emulator's store is the ground truth: what lands must be exactly its records, once each.
"""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from bc_emulator import Emulator, EmulatorConfig
from bc_pipeline.warehouse.connect import warehouse_connection
from bc_pipeline_tests.sync_harness import ids, run_sync, table_fingerprint, token_variable

LISTINGS = {  # emulator request path suffix -> resource whose records it lists
    "/v3/customers": "customers",
    "/v3/customers/subscribers": "subscribers",
    "/v2/orders": "orders",
    "/v3/catalog/products": "products",
    "/v3/catalog/variants": "variants",
    "/v3/catalog/categories": "categories",
    "/v3/catalog/brands": "brands",
}


@pytest.fixture(scope="module")
def emu():
    with Emulator(EmulatorConfig(seed=7, customers=300, orders=900, products=120, quota=None)) as e:
        yield e


@pytest.fixture(scope="module")
def synced(emu, tmp_path_factory):
    """One full sync of the emulator store into a fresh DuckDB file, and the requests it made."""
    db = tmp_path_factory.mktemp("sync") / "bc.duckdb"
    emu.clear_request_log()
    run_sync(emu, db)
    return db, list(emu.request_log)


def truth_ids(emu, resource: str) -> list[int]:
    return sorted(int(r["id"]) for r in emu.store.records(resource))


@pytest.mark.parametrize(
    ("table", "resource"),
    [
        ("customers", "customers"),
        ("customer_addresses", "customer_addresses"),
        ("subscribers", "subscribers"),
        ("orders", "orders"),
        ("order_line_items", "order_products"),
        ("order_shipping_addresses", "order_shipping_addresses"),
        ("products", "products"),
        ("variants", "variants"),
        ("categories", "categories"),
        ("brands", "brands"),
        ("order_statuses", "order_statuses"),
    ],
)
def test_the_whole_store_lands_exactly_once(emu, synced, table, resource):
    db, _ = synced
    landed = ids(db, table, include_deleted=True)
    assert len(landed) == len(set(landed)), f"duplicate ids in {table}"
    assert landed == truth_ids(emu, resource)


def test_full_sync_requests_stay_near_the_minimum(emu, synced):
    _, log = synced
    for suffix, resource in LISTINGS.items():
        made = [e for e in log if e.path.endswith(suffix)]
        minimum = max(1, math.ceil(len(emu.store.records(resource)) / 250))
        assert len(made) <= minimum + 12, f"{suffix}: {len(made)} requests for a minimum of {minimum}"
    per_order = [e for e in log if "/v2/orders/" in e.path and e.path.rstrip("/").endswith("/products")]
    truncated = sum(1 for o in emu.store.records("orders") if "__warning__" in o)
    assert len(per_order) <= truncated * 2, "line items must come with the orders, not one request per order"


def test_a_backfill_counts_its_orders_once(synced):
    _, log = synced
    counts = [e for e in log if e.path.endswith("/v2/orders/count")]
    assert len(counts) == 1, "the chunk planner's count must serve the listing too"


def test_money_lands_exactly_as_the_api_strings(emu, synced):
    db, _ = synced
    truth = {int(o["id"]): (o["total_inc_tax"], o["subtotal_ex_tax"]) for o in emu.store.records("orders")}
    with warehouse_connection(db, read_only=True) as conn:
        rows = conn.execute("SELECT id, total_inc_tax, subtotal_ex_tax FROM bigcommerce.orders").fetchall()
    assert rows and all(isinstance(r[1], Decimal) for r in rows)
    for oid, total, subtotal in rows:
        assert (total, subtotal) == (Decimal(truth[oid][0]), Decimal(truth[oid][1]))


def test_instants_land_as_utc(emu, synced):
    db, _ = synced
    from email.utils import parsedate_to_datetime

    truth = {int(o["id"]): parsedate_to_datetime(o["date_modified"]) for o in emu.store.records("orders")}
    with warehouse_connection(db, read_only=True) as conn:
        conn.execute("SET TimeZone = 'UTC'")
        rows = conn.execute("SELECT id, date_modified FROM bigcommerce.orders").fetchall()
    assert all(r[1] == truth[r[0]] for r in rows)


def test_second_sync_with_nothing_changed_is_cheap_and_changes_nothing(emu, synced):
    db, _ = synced
    before = {t: table_fingerprint(db, t) for t in ("customers", "orders", "order_line_items", "products")}
    emu.clear_request_log()
    run_sync(emu, db)
    log = list(emu.request_log)
    for suffix in ("/v3/customers", "/v2/orders", "/v3/catalog/products", "/v3/customers/subscribers"):
        assert len([e for e in log if e.path.endswith(suffix)]) <= 3, suffix
    after = {t: table_fingerprint(db, t) for t in before}
    assert after == before


def test_rerunning_the_whole_backfill_changes_nothing(emu, synced):
    db, _ = synced
    before = {t: table_fingerprint(db, t) for t in ("customers", "orders", "order_line_items", "variants")}
    run_sync(emu, db, range_=("2020-01-01", None))
    assert {t: table_fingerprint(db, t) for t in before} == before


def test_a_record_updated_twice_lands_with_its_newest_values(emu, synced):
    db, _ = synced
    order_id = truth_ids(emu, "orders")[5]
    customer_id = truth_ids(emu, "customers")[3]
    emu.store.update("orders", order_id, staff_notes="first note")
    emu.store.update("customers", customer_id, notes="first")
    run_sync(emu, db)
    emu.store.update("orders", order_id, staff_notes="second note")
    emu.store.update("customers", customer_id, notes="second")
    run_sync(emu, db)
    with warehouse_connection(db, read_only=True) as conn:
        note = conn.execute("SELECT staff_notes FROM bigcommerce.orders WHERE id = ?", [order_id]).fetchone()[0]
        cnote = conn.execute("SELECT notes FROM bigcommerce.customers WHERE id = ?", [customer_id]).fetchone()[0]
    assert (note, cnote) == ("second note", "second")


def test_a_bad_token_fails_at_once_with_a_clear_message(emu, tmp_path):
    emu.clear_request_log()
    result = run_sync(emu, tmp_path / "bad.duckdb", token="not-the-token", raise_on_error=False)
    assert not result.success
    messages = " ".join(
        str(e.step_failure_data.error.to_string()) for e in result.all_events if e.is_step_failure
    )
    assert "401" in messages and f"check {token_variable('not-the-token')}" in messages  # the store's token_env
    assert "not-the-token" not in messages
    assert len(emu.request_log) <= 8, "a rejected token must not be retried"
