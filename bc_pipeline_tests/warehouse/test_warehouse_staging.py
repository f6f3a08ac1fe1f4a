"""Staging through Arrow: rows of mixed shapes, numbers as floats, values that cannot be typed, duplicate keys."""

from datetime import UTC, datetime
from decimal import Decimal

from bc_pipeline.streams import rows_for
from bc_pipeline.warehouse.staging_columns import encode_json, transpose
from bc_pipeline_tests.warehouse_support import load, order_with_consignments, table_rows

SYNCED = datetime(2026, 1, 2, tzinfo=UTC)


def test_transpose_keeps_each_value_with_its_row_across_shapes():
    rows = [{"id": 1, "a": "x"}, {"a": "y", "id": 2, "b": 5}, {"id": 3, "a": "z"}]
    order, cols = transpose(rows, ["id", "a", "b", "c"])
    assert order is not None and sorted(order) == [0, 1, 2]
    by_row = {order[i]: (cols["id"][i], cols["a"][i], cols["b"][i], cols["c"][i]) for i in range(3)}
    assert by_row == {0: (1, "x", None, None), 1: (2, "y", 5, None), 2: (3, "z", None, None)}
    assert transpose(rows[:1], ["a", "id"]) == (None, {"a": ["x"], "id": [1]})


def test_json_text_matches_the_standard_encoding():
    value = {"b": [1, 2.5, None, True], "a": "Malmö", "d": Decimal("1.10"), 7: {"x": {}}}
    assert encode_json(value) == '{"b":[1,2.5,null,true],"a":"Malmö","d":"1.10","7":{"x":{}}}'
    assert encode_json({"big": 2**70}) == '{"big":1180591620717411303424}'  # beyond orjson: stdlib fallback


def test_rows_of_different_shapes_misfits_and_floats_land_on_the_right_rows(wh):
    orders = [order_with_consignments(i) for i in (300, 301, 302)]
    orders[1]["brand_new_field"] = "kept"  # a different key set: staged in another group
    orders[2]["items_total"] = "many"  # does not fit INTEGER
    orders[0]["customer_id"] = 2**70  # beyond BIGINT
    shipping = orders[2]["consignments"]["shipping"][0]
    shipping["cost_inc_tax"], shipping["cost_tax"] = 19.99, 1e-05  # consignments carry numbers
    counts = wh.merge(rows_for("orders", orders), SYNCED)
    assert counts == {"orders": 3, "order_line_items": 6, "order_shipping_addresses": 3}
    rows = {r["id"]: r for r in table_rows(wh.conn, "orders")}
    assert rows[300]["customer_id"] is None and rows[300]["_extra"] == '{"customer_id":1180591620717411303424}'
    assert rows[301]["_extra"] == '{"brand_new_field":"kept"}' and rows[301]["items_total"] == orders[1]["items_total"]
    assert rows[302]["items_total"] is None and rows[302]["_extra"] == '{"items_total":"many"}'
    address = {a["order_id"]: a for a in table_rows(wh.conn, "order_shipping_addresses")}[302]
    assert (address["cost_inc_tax"], address["cost_tax"]) == (Decimal("19.9900"), Decimal("0.0000"))


def test_the_last_copy_wins_a_tie_and_a_truncated_winner_keeps_stored_children(wh):
    first = order_with_consignments(218)
    wh.merge(rows_for("orders", [first]), SYNCED)
    complete, truncated = order_with_consignments(218), order_with_consignments(218)
    complete["status"], truncated["status"] = "Complete copy", "Truncated copy"
    truncated["__warning__"] = "only 50 line items per consignment are returned"
    truncated["consignments"]["shipping"][0]["line_items"].pop()
    wh.merge(rows_for("orders", [complete, truncated]), SYNCED)  # same date_modified: the later one wins
    (row,) = table_rows(wh.conn, "orders")
    assert row["status"] == "Truncated copy"
    assert [i["id"] for i in table_rows(wh.conn, "order_line_items")] == [21800, 21801]


def test_v3_mixed_ints_and_floats_stay_exact(wh):
    products = load("09_products_v3_include_variants__api-specs_2021.json")["data"]
    products[0]["price"], products[1]["price"] = 10, 10.5
    wh.merge(rows_for("products", products), SYNCED)
    prices = [r["price"] for r in table_rows(wh.conn, "products")]
    assert sorted(prices) == [Decimal("10.0000"), Decimal("10.5000")]
