"""MERGE semantics: idempotent, newest copy wins in any order, children follow their parent, deletions."""

import copy
from datetime import UTC, datetime

import pytest

from bc_pipeline.streams import rows_for
from bc_pipeline.warehouse.schema import TABLES
from bc_pipeline_tests.warehouse_support import load, order_with_consignments, snapshot, table_rows

T1 = datetime(2026, 1, 1, tzinfo=UTC)
T2 = datetime(2026, 1, 2, tzinfo=UTC)
ORDER_TABLES = ["orders", "order_line_items", "order_shipping_addresses"]
OLD = "Mon, 11 Mar 2019 15:17:25 +0000"
NEW = "Tue, 12 Mar 2019 10:00:00 -0400"  # later, with a non-UTC offset


def _order(status: str, date_modified: str, drop_second_item: bool = False) -> dict:
    order = order_with_consignments(218, date_modified=date_modified)
    order["status"] = status
    if drop_second_item:
        order["consignments"]["shipping"][0]["line_items"].pop()
    return order


def test_re_merging_the_same_batch_changes_nothing(wh):
    rows = rows_for("orders", [order_with_consignments(218), order_with_consignments(219)])
    wh.merge(rows, T1)
    before = snapshot(wh.conn, list(TABLES))
    wh.merge(rows_for("orders", [order_with_consignments(218), order_with_consignments(219)]), T1)
    assert snapshot(wh.conn, list(TABLES)) == before


@pytest.mark.parametrize("same_batch", [True, False])
@pytest.mark.parametrize("newest_first", [True, False])
def test_newest_copy_wins_in_any_order(wh, same_batch, newest_first):
    old, new = _order("Old", OLD), _order("New", NEW, drop_second_item=True)
    batches = [[new, old]] if newest_first else [[old, new]]
    if not same_batch:
        batches = [[b] for b in batches[0]]
    for batch in batches:
        wh.merge(rows_for("orders", copy.deepcopy(batch)), T1)
    (row,) = table_rows(wh.conn, "orders")
    assert row["status"] == "New"
    assert row["date_modified"] == datetime(2019, 3, 12, 14, 0, tzinfo=UTC)
    assert [i["id"] for i in table_rows(wh.conn, "order_line_items")] == [21800]  # the newest copy's children


def test_an_older_copy_arriving_later_does_not_overwrite(wh):
    wh.merge(rows_for("orders", [_order("New", NEW)]), T1)
    before = snapshot(wh.conn, ORDER_TABLES)
    counts = wh.merge(rows_for("orders", [_order("Old", OLD, drop_second_item=True)]), T2)
    assert counts["orders"] == 0 and counts["order_line_items"] == 0
    assert snapshot(wh.conn, ORDER_TABLES) == before


def test_children_of_an_updated_order_are_replaced(wh):
    wh.merge(rows_for("orders", [_order("Old", OLD)]), T1)
    assert len(table_rows(wh.conn, "order_line_items")) == 2
    updated = _order("New", NEW, drop_second_item=True)
    updated["consignments"]["shipping"][0]["line_items"][0]["quantity"] = 7
    wh.merge(rows_for("orders", [updated]), T2)
    items = table_rows(wh.conn, "order_line_items")
    assert [(i["id"], i["quantity"], i["_synced_at"]) for i in items] == [(21800, 7, T2)]


def test_truncated_line_items_keep_the_warning_and_the_stored_children(wh):
    wh.merge(rows_for("orders", [_order("Old", OLD)]), T1)
    truncated = _order("New", NEW, drop_second_item=True)
    truncated["__warning__"] = "only 50 line items per consignment are returned"
    wh.merge(rows_for("orders", [truncated]), T2)
    (row,) = table_rows(wh.conn, "orders")
    assert "__warning__" in row["_extra"]
    assert [i["id"] for i in table_rows(wh.conn, "order_line_items")] == [21800, 21801]


def test_archived_orders_are_marked_and_restored_orders_unmarked(wh):
    archived = _order("Old", OLD)
    archived["is_deleted"] = True
    wh.merge(rows_for("orders", [archived]), T1)
    (row,) = table_rows(wh.conn, "orders")
    assert row["_deleted_at"] == datetime(2019, 3, 11, 15, 17, 25, tzinfo=UTC)
    assert all(i["_deleted_at"] is not None for i in table_rows(wh.conn, "order_line_items"))
    wh.merge(rows_for("orders", [_order("Restored", NEW)]), T2)
    (row,) = table_rows(wh.conn, "orders")
    assert row["_deleted_at"] is None and row["status"] == "Restored"
    assert all(i["_deleted_at"] is None for i in table_rows(wh.conn, "order_line_items"))


def test_mark_deleted_sets_deleted_at_on_rows_and_children_and_never_removes(wh):
    customers = load("02_customers_v3_with_include__api-specs_2021.json")["data"]
    wh.merge(rows_for("customers", customers), T1)
    gone = customers[0]["id"]
    assert wh.mark_deleted("customers", [gone], T2) == 1
    assert wh.mark_deleted("customers", [gone], datetime(2027, 1, 1, tzinfo=UTC)) == 0  # first time is kept
    rows = {r["id"]: r for r in table_rows(wh.conn, "customers")}
    assert len(rows) == len(customers)
    assert rows[gone]["_deleted_at"] == T2 and all(r["_deleted_at"] is None for i, r in rows.items() if i != gone)
    addresses = table_rows(wh.conn, "customer_addresses")
    assert {a["_deleted_at"] for a in addresses if a["customer_id"] == gone} == {T2}
    assert {a["_deleted_at"] for a in addresses if a["customer_id"] != gone} == {None}
    wh.merge(rows_for("customers", customers), T2)  # it comes back: unmarked
    assert wh.conn.execute("SELECT count(_deleted_at) FROM bigcommerce.customers").fetchone() == (0,)


def test_standalone_children_are_upserted_without_touching_siblings(wh):
    products = load("09_products_v3_include_variants__api-specs_2021.json")["data"]
    wh.merge(rows_for("products", products), T1)
    before = len(table_rows(wh.conn, "variants"))
    variant = dict(products[0]["variants"][0], price=12.25)
    counts = wh.merge(rows_for("variants", [variant]), T2)
    assert counts == {"variants": 1}
    rows = table_rows(wh.conn, "variants")
    assert len(rows) == before
    assert [str(r["price"]) for r in rows if r["id"] == variant["id"]] == ["12.2500"]


def test_a_product_without_embedded_variants_keeps_its_variants(wh):
    products = load("09_products_v3_include_variants__api-specs_2021.json")["data"]
    wh.merge(rows_for("products", products), T1)
    before = table_rows(wh.conn, "variants")
    bare = {k: v for k, v in products[0].items() if k != "variants"}
    wh.merge(rows_for("products", [bare]), T2)
    assert table_rows(wh.conn, "variants") == before
