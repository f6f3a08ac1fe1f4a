"""The shared Iceberg layer: after three stores (real syncs of emulator stores into their own DuckDB files)
publish at the same time, every lake table equals the union of the per-store files; a re-publish changes
nothing; an incremental sync sends only what changed; a delete reaches the layer as `_deleted_at`."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import duckdb
import pytest

from bc_emulator import mutations
from bc_pipeline.lake import publish_store, register
from bc_pipeline.lake.schema import identifier
from bc_pipeline.warehouse.connect import warehouse_connection
from bc_pipeline.warehouse.lake_marks import STATE_TABLE
from bc_pipeline.warehouse.load import Warehouse
from bc_pipeline.warehouse.schema import TABLES
from bc_pipeline.warehouse.sql import run
from bc_pipeline_tests.lake_support import STORES, catalog, lake_rows, union_of_files
from bc_pipeline_tests.sync_harness import run_sync

pytestmark = pytest.mark.slow
SIZES = {"customers": 30, "orders": 60, "products": 15, "quota": None}


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """Three emulator stores, each synced once into its own DuckDB file: label -> (emulator, file)."""
    from bc_emulator import Emulator, EmulatorConfig

    folder = tmp_path_factory.mktemp("stores")
    started = {}
    for label, seed in STORES.items():
        emu = Emulator(EmulatorConfig(seed=seed, store_hash=f"store{seed}x", **SIZES)).start()
        started[label] = (emu, folder / f"{label}.duckdb")
        run_sync(emu, started[label][1])
    yield started
    for emu, _ in started.values():
        emu.stop()


def publish_all_at_once(cat_for, files) -> dict:
    with ThreadPoolExecutor(len(files)) as pool:
        futures = {label: pool.submit(publish_store, label, path, cat_for()) for label, path in files.items()}
        return {label: future.result() for label, future in futures.items()}


def assert_layer_is_the_union(cat, files):
    for table in TABLES:
        expected = union_of_files(files, table)
        assert lake_rows(cat, table) == expected, table
        assert {r["store"] for r in expected} <= set(files), table


def test_concurrent_publishes_then_republish_then_changes(stores, tmp_path):
    files = {label: path for label, (_, path) in stores.items()}
    reports = publish_all_at_once(lambda: catalog(tmp_path), files)
    cat = catalog(tmp_path)
    assert_layer_is_the_union(cat, files)
    assert all(set(r.whole) == {t for t in TABLES if r.rows.get(t)} for r in reports.values())
    assert sum(r.rows["orders"] for r in reports.values()) == 3 * SIZES["orders"]
    orders = cat.load_table(identifier(TABLES["orders"]))
    assert [f.name for f in orders.spec().fields] == ["store"]

    # Nothing new: a re-publish sends nothing and makes no commit.
    snapshots = len(cat.load_table(identifier(TABLES["orders"])).snapshots())
    again = publish_all_at_once(lambda: catalog(tmp_path), files)
    assert all(r.rows == {} for r in again.values())
    assert len(cat.load_table(identifier(TABLES["orders"])).snapshots()) == snapshots

    # The same batches sent again (watermarks lost): the layer is unchanged, no row twice.
    for path in files.values():
        with warehouse_connection(path) as conn:
            run(conn, f"DELETE FROM {STATE_TABLE}")
    publish_all_at_once(lambda: catalog(tmp_path), files)
    assert_layer_is_the_union(cat, files)

    # A change in one store: its incremental sync, then its publish sends that order (and its children) only.
    emu, path = stores["beta"]
    mutations.update(emu.store, "orders", 7, {"status_id": 10, "staff_notes": "changed for the lake"})
    run_sync(emu, path)
    report = publish_store("beta", path, cat)
    assert 1 <= report.rows["orders"] < SIZES["orders"] and not report.whole
    assert_layer_is_the_union(cat, files)
    changed = [r for r in lake_rows(cat, "orders") if r["store"] == "beta" and r["id"] == 7]
    assert changed[0]["staff_notes"] == "changed for the lake"


def test_a_delete_reaches_the_layer_as_deleted_at(stores, tmp_path):
    files = {label: path for label, (_, path) in stores.items()}
    publish_all_at_once(lambda: catalog(tmp_path), files)
    cat = catalog(tmp_path)
    assert [r["_deleted_at"] for r in lake_rows(cat, "orders") if (r["store"], r["id"]) == ("acme", 3)] == [None]
    at = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    with warehouse_connection(files["acme"]) as conn:
        Warehouse(conn).mark_deleted("orders", [3], at)
    report = publish_store("acme", files["acme"], cat)
    assert report.rows["orders"] == 1 and report.rows["order_line_items"] >= 1
    assert_layer_is_the_union(cat, files)
    assert [r["_deleted_at"] for r in lake_rows(cat, "orders") if (r["store"], r["id"]) == ("acme", 3)] == [at]
    items = [r for r in lake_rows(cat, "order_line_items") if r["store"] == "acme" and r["order_id"] == 3]
    assert items and all(r["_deleted_at"] == at for r in items)


def test_analysts_read_the_layer_with_duckdb(stores, tmp_path):
    files = {label: path for label, (_, path) in stores.items()}
    publish_all_at_once(lambda: catalog(tmp_path), files)
    conn = duckdb.connect()
    assert "orders" in register(conn, catalog(tmp_path), ["orders", "customers"])
    by_store = dict(conn.execute("SELECT store, count(*) FROM orders GROUP BY store").fetchall())
    assert by_store == {label: SIZES["orders"] for label in STORES}
    revenue = conn.execute("SELECT sum(total_inc_tax) FROM orders WHERE _deleted_at IS NULL").fetchone()[0]
    expected = sum(r["total_inc_tax"] for r in union_of_files(files, "orders") if r["_deleted_at"] is None)
    assert revenue == expected  # decimals: exact
