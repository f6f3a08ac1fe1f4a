"""Flattening owns its records (rows are built in place); `rows_for` leaves a caller's records as they were; a
field the contract does not name is kept in `_extra` whatever it is called."""

import copy
import json
from datetime import UTC, datetime

from bc_pipeline.streams import rows_for, stream
from bc_pipeline_tests.warehouse_support import order_with_consignments, table_rows

T1 = datetime(2026, 1, 1, tzinfo=UTC)


def test_a_field_named_like_the_extra_column_keeps_every_unknown_field(wh):
    customer = {"id": 7, "email": "a@example.com", "date_modified": "2026-01-01T00:00:00Z",
                "_extra": 5, "loyalty_tier": "gold", "_children": "not ours"}
    wh.merge(rows_for("customers", [customer]), T1)
    (row,) = table_rows(wh.conn, "customers")
    assert row["email"] == "a@example.com"
    assert json.loads(row["_extra"]) == {"_extra": 5, "loyalty_tier": "gold", "_children": "not ours"}


def test_rows_for_leaves_the_callers_records_as_they_were():
    orders = [order_with_consignments(218), order_with_consignments(219)]
    orders[1]["__warning__"] = "only 50 line items per consignment are returned"
    before = copy.deepcopy(orders)
    rows = rows_for("orders", orders)
    assert orders == before
    assert [len(rows[t]) for t in ("orders", "order_line_items", "order_shipping_addresses")] == [2, 4, 2]


def test_the_syncs_own_records_become_its_rows_and_a_truncated_order_keeps_its_stored_items():
    order = order_with_consignments(218)
    order["__warning__"] = "only 50 line items per consignment are returned"
    (row,) = stream("orders").flatten([order])["orders"]
    assert row is order  # no copy
    assert row["_extra"] == {"__warning__": "only 50 line items per consignment are returned"}
    assert "__warning__" not in row
    assert row["_children"] == ("order_shipping_addresses",)  # the items are cut: the stored ones stay


def test_a_shipping_consignment_is_stored_once_as_its_address_row(wh):
    order = order_with_consignments(218)
    shipping = order["consignments"]["shipping"][0]
    shipping["delivery_window"] = "9-12"  # a field the contract does not name
    pickup = {"id": 5, "pickup_method_id": 2, "location": {"name": "Depot"},
              "line_items": [dict(shipping["line_items"].pop(), order_address_id=0, order_pickup_method_id=2)]}
    order["consignments"]["pickups"] = [pickup]
    address_fields = {k: v for k, v in shipping.items() if k != "line_items"}
    wh.merge(rows_for("orders", [order]), T1)
    (row,) = table_rows(wh.conn, "orders")
    consignments = json.loads(row["consignments"])
    assert consignments["shipping"] == [{"id": 2180, "line_items": [21800]}]
    assert consignments["pickups"] == [{"id": 5, "pickup_method_id": 2, "location": {"name": "Depot"},
                                        "line_items": [21801]}]  # other kinds keep their fields
    (address,) = table_rows(wh.conn, "order_shipping_addresses")
    assert address["id"] == 2180 and address["order_id"] == 218
    assert address["city"] == address_fields["city"] and address["street_1"] == address_fields["street_1"]
    assert json.loads(address["_extra"]) == {"delivery_window": "9-12"}  # nothing dropped
    assert [r["id"] for r in table_rows(wh.conn, "order_line_items")] == [21800, 21801]


def test_a_shipping_consignment_without_an_id_stays_whole_in_the_order():
    order = order_with_consignments(218)
    del order["consignments"]["shipping"][0]["id"]
    city = order["consignments"]["shipping"][0]["city"]
    rows = rows_for("orders", [order])
    (kept,) = rows["orders"][0]["consignments"]["shipping"]
    assert kept["city"] == city and kept["line_items"] == [21800, 21801]
    assert rows["order_shipping_addresses"][0]["city"] == city
