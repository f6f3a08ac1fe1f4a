"""The lake stays cheap to commit to (lake/upkeep.py): its tables carry Iceberg's upkeep properties, each
publish expires the snapshots they call old in its own commit, and every WHOLE_EVERY-th publish of a table
sends the store's partition whole, so its files do not pile up. The layer stays exactly the union of the
stores' files throughout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb
from pyiceberg.expressions import EqualTo

from bc_pipeline.lake import publish_store
from bc_pipeline.lake.publish import WHOLE_EVERY
from bc_pipeline.lake.schema import ensure_table, iceberg_schema, identifier
from bc_pipeline.lake.settings import NAMESPACE
from bc_pipeline.lake.upkeep import KEEP_SNAPSHOTS, TABLE_PROPERTIES
from bc_pipeline.streams import rows_for
from bc_pipeline.warehouse.connect import warehouse_connection
from bc_pipeline.warehouse.ensure import ensure_schema
from bc_pipeline.warehouse.lake_marks import STATE_TABLE, read_watermark
from bc_pipeline.warehouse.load import Warehouse
from bc_pipeline.warehouse.schema import TABLES
from bc_pipeline_tests.lake_support import catalog, lake_rows, union_of_files
from bc_pipeline_tests.warehouse_support import connect, order_with_consignments

ORDER_TABLES = ["orders", "order_line_items", "order_shipping_addresses"]
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def write(path, order_ids, n):
    """Change the orders `order_ids` in the store file (a newer date_modified), stamped T0 + n minutes."""
    conn = connect(path.parent, path.name)
    ensure_schema(conn)
    stamp = (T0 + timedelta(minutes=n)).strftime("%a, %d %b %Y %H:%M:%S +0000")
    orders = [order_with_consignments(i, date_modified=stamp) for i in order_ids]
    Warehouse(conn).merge(rows_for("orders", orders), T0 + timedelta(minutes=n))
    conn.close()


def store_files(lake, label):
    return [t for t in lake.scan(row_filter=EqualTo("store", label)).plan_files()]


def test_tables_carry_the_upkeep_properties_and_an_older_table_gains_them(tmp_path):
    cat = catalog(tmp_path)
    made = ensure_table(cat, TABLES["orders"])
    assert {k: made.properties.get(k) for k in TABLE_PROPERTIES} == TABLE_PROPERTIES

    # A table made before the upkeep, one property set by its operator: the missing ones are added, that one kept.
    table = TABLES["brands"]
    cat.create_table(identifier(table), schema=iceberg_schema(table),
                     properties={"history.expire.max-snapshot-age-ms": "86400000"})
    assert "history.expire.min-snapshots-to-keep" not in cat.load_table(f"{NAMESPACE}.brands").properties
    evolved = ensure_table(cat, table)
    assert evolved.properties["history.expire.max-snapshot-age-ms"] == "86400000"
    assert evolved.properties["history.expire.min-snapshots-to-keep"] == "20"
    assert evolved.properties["write.metadata.delete-after-commit.enabled"] == "true"


def test_old_snapshots_expire_in_the_publish_and_the_layer_stays_exact(tmp_path):
    files = {"one": tmp_path / "one.duckdb", "two": tmp_path / "two.duckdb"}
    for path in files.values():
        write(path, [1, 2, 3], 0)
    cat = catalog(tmp_path)
    for label, path in files.items():
        publish_store(label, path, cat, tables=ORDER_TABLES)
    orders = lambda: cat.load_table(identifier(TABLES["orders"]))  # noqa: E731
    assert len(orders().snapshots()) == 2  # fewer than KEEP_SNAPSHOTS: all kept
    with orders().transaction() as tx:  # an operator keeps fewer; the publisher honours the table's value
        tx.set_properties({"history.expire.min-snapshots-to-keep": "3"})

    for n in range(1, 6):
        write(files["one"], [n % 3 + 1], n)
        report = publish_store("one", files["one"], cat, tables=ORDER_TABLES)
        assert report.rows["orders"] == 1
        assert len(orders().snapshots()) == 3  # the newest 3: the rest expired in the publish's commit
        snapshots = orders().snapshots()
        assert orders().current_snapshot().snapshot_id == max(snapshots, key=lambda s: s.sequence_number).snapshot_id
    assert orders().properties["history.expire.min-snapshots-to-keep"] == "3"
    kept = len(cat.load_table(identifier(TABLES["order_line_items"])).snapshots())
    assert 3 < kept <= KEEP_SNAPSHOTS  # another table keeps its own (default) count
    for table in ORDER_TABLES:
        assert lake_rows(cat, table) == union_of_files(files, table), table


def test_every_few_publishes_the_store_partition_is_sent_whole_in_one_file(tmp_path):
    files = {"one": tmp_path / "one.duckdb", "two": tmp_path / "two.duckdb"}
    for path in files.values():
        write(path, range(1, 21), 0)
    cat = catalog(tmp_path)
    for label, path in files.items():
        assert publish_store(label, path, cat, tables=ORDER_TABLES).whole == ORDER_TABLES  # a first publish
    orders = lambda: cat.load_table(identifier(TABLES["orders"]))  # noqa: E731
    two_files = [f.file.file_path for f in store_files(orders(), "two")]

    sent_whole = []
    for n in range(1, WHOLE_EVERY + 1):
        write(files["one"], [n], n)
        report = publish_store("one", files["one"], cat, tables=ORDER_TABLES)
        sent_whole.append(report.whole)
        if n < WHOLE_EVERY:
            assert report.rows["orders"] == 1
            assert len(store_files(orders(), "one")) == n + 1  # a file more with every part
    assert sent_whole == [[]] * (WHOLE_EVERY - 1) + [ORDER_TABLES]
    assert len(store_files(orders(), "one")) == 1  # compacted
    assert [f.file.file_path for f in store_files(orders(), "two")] == two_files  # the other store untouched
    with warehouse_connection(files["one"]) as conn:
        assert read_watermark(conn, "orders").publishes_since_whole == 0
    for table in ORDER_TABLES:
        assert lake_rows(cat, table) == union_of_files(files, table), table

    write(files["one"], [5], WHOLE_EVERY + 1)  # and the count starts again
    assert publish_store("one", files["one"], cat, tables=ORDER_TABLES).whole == []


def test_a_state_table_from_before_the_count_gains_it(tmp_path):
    path = tmp_path / "old.duckdb"
    write(path, [1], 0)
    with duckdb.connect(str(path)) as conn:
        conn.execute(f"""CREATE TABLE {STATE_TABLE} (
            table_name VARCHAR PRIMARY KEY, lake_table_uuid VARCHAR NOT NULL,
            synced_through TIMESTAMPTZ NOT NULL, published_at TIMESTAMPTZ NOT NULL)""")
    cat = catalog(tmp_path)
    assert publish_store("old", path, cat, tables=["orders"]).whole == ["orders"]
    write(path, [1], 1)
    assert publish_store("old", path, cat, tables=["orders"]).whole == []
    with warehouse_connection(path) as conn:
        assert read_watermark(conn, "orders").publishes_since_whole == 1
    assert lake_rows(cat, "orders") == union_of_files({"old": path}, "orders")
