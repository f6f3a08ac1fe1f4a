"""Children follow their parent into the lake: when an order is rewritten with fewer line items (DuckDB
replaces a parent's complete child list, so the dropped item leaves the file), the publish replaces that
order's items in the lake and the dropped one leaves the layer too; another store's same ids are untouched."""

from __future__ import annotations

from datetime import UTC, datetime

from bc_pipeline.lake import publish_store
from bc_pipeline.streams import rows_for
from bc_pipeline.warehouse.ensure import ensure_schema
from bc_pipeline.warehouse.load import Warehouse
from bc_pipeline_tests.lake_support import catalog, lake_rows, union_of_files
from bc_pipeline_tests.warehouse_support import connect, order_with_consignments

TABLES = ["orders", "order_line_items", "order_shipping_addresses"]
T1 = datetime(2026, 1, 1, tzinfo=UTC)
T2 = datetime(2026, 1, 2, tzinfo=UTC)


def write(path, orders, at):
    conn = connect(path.parent, path.name)
    ensure_schema(conn)
    Warehouse(conn).merge(rows_for("orders", orders), at)
    conn.close()


def test_a_dropped_line_item_leaves_the_layer(tmp_path):
    files = {"one": tmp_path / "one.duckdb", "two": tmp_path / "two.duckdb"}
    for path in files.values():
        write(path, [order_with_consignments(218), order_with_consignments(219)], T1)
    cat = catalog(tmp_path)
    for label, path in files.items():
        publish_store(label, path, cat, tables=TABLES)
    assert len([r for r in lake_rows(cat, "order_line_items") if r["order_id"] == 218]) == 4  # 2 per store

    smaller = order_with_consignments(218, date_modified="Tue, 12 Mar 2030 10:00:00 +0000")
    smaller["consignments"]["shipping"][0]["line_items"].pop()
    write(files["one"], [smaller], T2)
    report = publish_store("one", files["one"], cat, tables=TABLES)
    assert report.rows == {"orders": 1, "order_line_items": 1, "order_shipping_addresses": 1}
    for table in TABLES:
        assert lake_rows(cat, table) == union_of_files(files, table), table
    items = [(r["store"], r["order_id"]) for r in lake_rows(cat, "order_line_items")]
    assert items.count(("one", 218)) == 1 and items.count(("two", 218)) == 2
