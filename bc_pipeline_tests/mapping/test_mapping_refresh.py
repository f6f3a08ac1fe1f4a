"""The incremental refresh of the mapped tables equals a full rebuild: a real sync from the emulator into a
DuckDB file, the mapped tables refreshed, then creates, updates, a removed line item and deletes (rows and
their children) made in the store and the warehouse, a second sync, and a refresh that re-maps only what
changed. A mapping edit, or a missing table, rebuilds in full."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from bc_pipeline.mapping.load import load_mapping
from bc_pipeline.mapping.rebuild import rebuild_entity
from bc_pipeline.mapping.refresh import refresh_entity
from bc_pipeline.warehouse.connect import warehouse_connection
from bc_pipeline.warehouse.load import Warehouse
from bc_pipeline_tests.mapping_support import write_mapping
from bc_pipeline_tests.sync_harness import run_sync

ENTITIES = ("customers", "subscribers", "orders", "order_line_items", "products", "variants", "abandoned_carts")


def mapped_rows(conn: duckdb.DuckDBPyConnection, entity: str) -> list[tuple]:
    return conn.execute(f"SELECT * FROM mapped.{entity} ORDER BY id").fetchall()


def refresh_all(db: Path) -> dict:
    mapping = load_mapping()
    with warehouse_connection(db) as conn:
        results = {e: refresh_entity(conn, mapping, e) for e in mapping.entities}
        rows = {e: mapped_rows(conn, e) for e in mapping.entities}
    return {e: (results[e], rows[e]) for e in results}


def full_rows(db: Path) -> dict[str, list[tuple]]:
    mapping = load_mapping()
    with warehouse_connection(db) as conn:
        for entity in mapping.entities:
            rebuild_entity(conn, mapping, entity)
        return {e: mapped_rows(conn, e) for e in mapping.entities}


def change_the_store(emu) -> dict[str, int]:
    """Creates and updates through the emulator's mutation API; returns a few ids to look at."""
    store = emu.store
    order = next(o for o in store.records("orders") if len(store.full("orders", o["id"])["_products"]) >= 2)
    items = store.full("orders", order["id"])["_products"]
    store.update("orders", order["id"], _products=items[:-1])  # a line item removed upstream
    store.update("orders", store.records("orders")[0]["id"], status_id=10)
    customer = store.records("customers")[0]["id"]
    store.update("customers", customer, first_name="Renamed")
    store.update("subscribers", store.records("subscribers")[0]["id"], first_name="Renamed")
    product = store.records("products")[0]["id"]
    store.update("products", product, name="Renamed product")
    return {"order_lost_item": order["id"], "removed_item": items[-1]["id"], "customer": customer,
            "product": product, "new_customer": store.create("customers", email="new@example.com",
                                                               first_name="New", last_name="Person")}


@pytest.mark.slow
def test_incremental_refresh_equals_a_full_rebuild(make_emulator, tmp_path: Path) -> None:
    emu = make_emulator(seed=7, customers=40, orders=80, products=20)
    db = tmp_path / "w.duckdb"
    run_sync(emu, db)
    first = refresh_all(db)
    assert {e: r.refreshed for e, (r, _) in first.items()} == dict.fromkeys(ENTITIES, "full")

    again = refresh_all(db)  # nothing written since: nothing re-mapped, same rows
    assert {e: r.changed_ids for e, (r, _) in again.items()} == dict.fromkeys(ENTITIES, 0)
    assert {e: rows for e, (_, rows) in again.items()} == {e: rows for e, (_, rows) in first.items()}

    changed = change_the_store(emu)
    run_sync(emu, db)
    with warehouse_connection(db) as conn:  # deletes as webhooks and the daily reconcile mark them
        deleted_order = conn.execute("SELECT max(id) FROM bigcommerce.orders").fetchone()[0]
        deleted_product = conn.execute("SELECT max(id) FROM bigcommerce.products").fetchone()[0]
        Warehouse(conn).mark_deleted("orders", [deleted_order], datetime.now(UTC))
        Warehouse(conn).mark_deleted("products", [deleted_product], datetime.now(UTC))
        Warehouse(conn).mark_deleted("customers", [changed["customer"] + 1], datetime.now(UTC))
    incremental = refresh_all(db)
    for entity, (result, _) in incremental.items():
        assert result.refreshed == "incremental"
        if entity != "abandoned_carts":  # carts come from webhooks: this sync changed none
            assert 0 < result.changed_ids < len(first[entity][1]), entity
    assert {e: rows for e, (_, rows) in incremental.items()} == full_rows(db)

    rows = {e: rows for e, (_, rows) in incremental.items()}
    ids = {e: {r[0] for r in rows[e]} for e in rows}
    assert changed["removed_item"] not in ids["order_line_items"]
    assert changed["new_customer"] in ids["customers"] and changed["customer"] + 1 not in ids["customers"]
    assert deleted_order not in ids["orders"] and deleted_product not in ids["products"]
    with warehouse_connection(db, read_only=True) as conn:
        gone_children = conn.execute(
            "SELECT (SELECT list(id) FROM bigcommerce.order_line_items WHERE order_id = ?), "
            "(SELECT list(id) FROM bigcommerce.variants WHERE product_id = ?)", [deleted_order, deleted_product]
        ).fetchone()
    assert gone_children[0] and gone_children[1]
    assert not set(gone_children[0]) & ids["order_line_items"] and not set(gone_children[1]) & ids["variants"]


@pytest.mark.slow
def test_a_mapping_edit_or_a_dropped_table_rebuilds_in_full(make_emulator, tmp_path: Path) -> None:
    emu = make_emulator(seed=3, customers=20, orders=30, products=10)
    db = tmp_path / "w.duckdb"
    run_sync(emu, db)
    edited = load_mapping(write_mapping(tmp_path, load_mapping().path.read_text().replace(
        "      first_name: first_name\n", "      given_name: first_name\n", 1)))
    with warehouse_connection(db) as conn:
        assert refresh_entity(conn, load_mapping(), "customers").refreshed == "full"
        assert refresh_entity(conn, load_mapping(), "customers").refreshed == "incremental"
        result = refresh_entity(conn, edited, "customers")
        assert result.refreshed == "full" and "given_name" in dict(result.columns)
        conn.execute("DROP TABLE mapped.customers")
        assert refresh_entity(conn, edited, "customers").refreshed == "full"
        assert conn.execute("SELECT count(*) FROM mapped.customers").fetchone()[0] == 20
