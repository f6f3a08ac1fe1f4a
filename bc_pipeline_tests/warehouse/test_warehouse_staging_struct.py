"""Staging's three paths land exactly the same table: DuckDB reading the batch as one JSON document
(staging_json.py, where memfd exists), one Arrow struct conversion (staging_struct.py) and column by column, for
batches the struct takes and for batches that break the field types it learned."""

import os
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from bc_pipeline.streams import rows_for
from bc_pipeline.warehouse import staging_json, staging_struct
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


@pytest.fixture
def arrow_path(monkeypatch):
    """Staging through Arrow (as where memfd does not exist)."""
    monkeypatch.setattr(staging_json, "AVAILABLE", False)


def _staged(conn, table_name: str, rows: list[dict], name: str, path: str, monkeypatch) -> list[tuple]:
    t = table(table_name)
    with monkeypatch.context() as m:
        m.setattr(staging_json, "AVAILABLE", path == "json")
        if path == "by_column":  # no field in the struct: every column is lifted on its own
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
    # Python values no API page holds (a webhook's or a test's rows): a datetime, a Decimal, a dict with an
    # integer key in a JSON column
    (({"date_shipped": datetime(2024, 1, 2, 3, 4, 5, 678, tzinfo=UTC)}, {"subtotal_ex_tax": Decimal("12.50")},
      {"billing_address": {1: "one"}, "date_created": datetime(2024, 5, 6)}), False),
])
def test_every_path_stages_the_same_table(wh, monkeypatch, changes, fits):
    rows = _orders(*changes)
    columns = [c for c in table("orders").columns if c.name != "_synced_at"]
    assert (staging_struct.struct_columns(rows, columns, "orders") is not None) == fits
    staging_struct._HINTS.clear()
    before = [dict(r) for r in rows]
    document = _staged(wh.conn, "orders", rows, "_document", "json", monkeypatch)
    assert rows == before  # the JSON path reads the rows and leaves them as they were
    fast = _staged(wh.conn, "orders", rows, "_fast", "struct", monkeypatch)
    by_column = _staged(wh.conn, "orders", rows, "_by_column", "by_column", monkeypatch)
    assert len(fast) == len(changes) and fast == by_column
    assert document == fast


@pytest.mark.skipif(not staging_json.AVAILABLE, reason="the JSON path needs memfd_create (Linux)")
def test_a_batch_orjson_cannot_encode_takes_the_arrow_path_and_keeps_its_values(wh):
    rows = _orders({"customer_id": 2**70}, {"customer_id": 5})
    assert staging_json.json_document(rows) is None  # beyond 64 bits: orjson refuses the batch
    stage(wh.conn, table("orders"), rows, SYNCED, "_big")
    got = wh.conn.execute("SELECT customer_id, _extra->>'customer_id' FROM _big ORDER BY _ord").fetchall()
    assert got == [(None, str(2**70)), (5, None)]


def test_a_fraction_after_a_batch_of_whole_numbers_stays_exact(wh, arrow_path):
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


@pytest.mark.skipif(not staging_json.AVAILABLE, reason="the JSON path needs memfd_create (Linux)")
def test_a_row_longer_than_the_readers_default_limit_is_staged_whole(wh):
    """DuckDB's JSON reader refuses an object past 32 MB at its defaults; the document's length is the limit."""
    rows = _orders({"customer_message": "x" * (40 << 20)}, {"customer_message": "short"})
    stage(wh.conn, table("orders"), rows, SYNCED, "_long")
    got = wh.conn.execute("SELECT length(customer_message) FROM _long ORDER BY _ord").fetchall()
    assert got == [(40 << 20,), (5,)]


def test_a_document_past_the_largest_takes_the_arrow_path(wh, monkeypatch):
    rows = _orders({"customer_message": "x" * 5000}, {"customer_message": "short"})
    monkeypatch.setattr(staging_json, "LARGEST", 1000)
    assert staging_json.json_document(rows) is None
    stage(wh.conn, table("orders"), rows, SYNCED, "_arrow")
    got = wh.conn.execute("SELECT length(customer_message) FROM _arrow ORDER BY _ord").fetchall()
    assert got == [(5000,), (5,)]


@pytest.mark.skipif(not staging_json.AVAILABLE, reason="the JSON path needs memfd_create (Linux)")
def test_each_batch_reads_its_own_document_from_the_reused_file(wh):
    """A table's in-memory file is written again for every batch: a shorter document, then one of the same
    length, are read exactly (nothing of the one before), and a file in use is never written over."""
    for i, message in enumerate(["x" * 5000, "short", "SHORT", "y" * 20]):
        stage(wh.conn, table("orders"), _orders({"customer_message": message}), SYNCED, f"_batch{i}")
        assert wh.conn.execute(f"SELECT customer_message FROM _batch{i}").fetchall() == [(message,)]
    with staging_json.readable(b"[1]", "orders") as outer, staging_json.readable(b"[22]", "orders") as inner:
        assert outer != inner
        assert Path(outer).read_bytes() == b"[1]" and Path(inner).read_bytes() == b"[22]"


@pytest.mark.parametrize("path", ["json", "struct", "by_column"])
def test_empty_text_is_null_and_not_a_misfit_while_other_text_is_kept(wh, monkeypatch, path):
    """The API writes "" for an instant or a number it has none of (a v2 order's date_shipped): NULL, nothing
    in `_extra`. Text that is not a value of the column's type is NULL too, and kept in `_extra`."""
    rows = _orders({"date_shipped": "", "items_total": "", "subtotal_ex_tax": ""},
                   {"date_shipped": "soon", "items_total": "many", "subtotal_ex_tax": "Tue, 01 Jan 2030"})
    _staged(wh.conn, "orders", rows, "_empty", path, monkeypatch)
    got = wh.conn.execute("SELECT date_shipped, items_total, subtotal_ex_tax, _extra->>'date_shipped', "
                          "_extra->>'items_total', _extra->>'subtotal_ex_tax' FROM _empty ORDER BY id").fetchall()
    assert got == [(None, None, None, None, None, None), (None, None, None, "soon", "many", "Tue, 01 Jan 2030")]


@pytest.mark.skipif(not staging_json.AVAILABLE or not hasattr(os, "fork"), reason="needs memfd_create and fork")
def test_a_forked_child_writes_its_own_file_never_its_parents():
    """A child inherits its parent's open files: writing its document into the parent's would change what
    the parent's next read of that file sees."""
    with staging_json.readable(b"[1]", "forked") as path:
        pass
    child = os.fork()
    if child == 0:
        try:
            with staging_json.readable(b"[2222]", "forked"):
                pass
        finally:
            os._exit(0)
    os.waitpid(child, 0)
    assert Path(path).read_bytes() == b"[1]"
