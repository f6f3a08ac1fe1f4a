"""Staging's fast path (one Arrow struct conversion, staging_struct.py) lands exactly what the column-by-column
path lands, for batches it takes and for batches that break the field types it learned."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from bc_pipeline.streams import rows_for
from bc_pipeline.warehouse import staging_struct
from bc_pipeline.warehouse.schema import table
from bc_pipeline.warehouse.staging import stage
from bc_pipeline_tests.warehouse_support import load, order_with_consignments

SYNCED = datetime(2026, 1, 2, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fresh_hints():
    """Each test starts from the contract's field types (the cache is per process)."""
    staging_struct._HINTS.clear()
    yield
    staging_struct._HINTS.clear()


def _staged(conn, table_name: str, rows: list[dict], name: str, *, column_by_column: bool) -> list[tuple]:
    t = table(table_name)
    if column_by_column:  # no field in the struct: every column is lifted on its own
        staging_struct._HINTS[t.name] = {c.name: None for c in t.columns} | {"_parent_version": None}
    stage(conn, t, rows, SYNCED, name)
    staging_struct._HINTS.clear()
    return conn.execute(f"SELECT * EXCLUDE (_ord) FROM {name} ORDER BY id").fetchall()


def _orders(*changes: dict) -> list[dict]:
    orders = [order_with_consignments(400 + i) for i in range(len(changes))]
    for order, change in zip(orders, changes, strict=True):
        order.update(change)
    return rows_for("orders", orders)["orders"]


@pytest.mark.parametrize(("changes", "fits"), [
    # fits the struct: integers up to 18 digits, None, booleans and text where the contract expects them
    (({"customer_id": 999_999_999_999_999_999}, {"customer_id": -3, "items_total": 999_999_999_999},
      {"customer_id": None, "is_deleted": True, "status": None}), True),
    # breaks it: a float with a fraction or an integral float in an id, a bool in a number, text in an integer,
    # an integer of 19 digits, and money as a JSON number; each batch takes the column-by-column path
    (({"customer_id": 7.0}, {"customer_id": 19.99}, {"items_total": True}), False),
    (({"items_total": "many"}, {"customer_id": 2**63 - 1}, {"subtotal_ex_tax": 12}), False),
])
def test_both_paths_stage_the_same_table(wh, changes, fits):
    rows = _orders(*changes)
    columns = [c for c in table("orders").columns if c.name != "_synced_at"]
    assert (staging_struct.struct_columns(rows, columns, "orders") is not None) == fits
    staging_struct._HINTS.clear()
    fast = _staged(wh.conn, "orders", rows, "_fast", column_by_column=False)
    by_column = _staged(wh.conn, "orders", rows, "_by_column", column_by_column=True)
    assert len(fast) == len(changes) and fast == by_column


def test_a_fraction_after_a_batch_of_whole_numbers_stays_exact(wh):
    products = load("09_products_v3_include_variants__api-specs_2021.json")["data"]
    for p in products:
        p["price"], p["sale_price"] = 10, 19  # this batch teaches "integer" for v3 money
    wh.merge(rows_for("products", products), SYNCED)
    assert staging_struct._HINTS["products"]["sale_price"] is not None
    products[0]["sale_price"], products[0]["date_modified"] = 19.99, "2030-01-01T00:00:00+00:00"
    wh.merge(rows_for("products", products), SYNCED)
    got = wh.conn.execute("SELECT price, sale_price FROM bigcommerce.products WHERE id = ?",
                          [products[0]["id"]]).fetchone()
    assert got == (Decimal("10.0000"), Decimal("19.9900"))
