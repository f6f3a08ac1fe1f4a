"""The change feed: bigcommerce._changes lists exactly the rows a sync created, updated and deleted (checked
against the emulator's mutation log), new_customers holds exactly the new ones, `bc-pipeline changes` prints
them as JSON lines, and the feed is pruned past its retention."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import dagster as dg
import pytest
from click.testing import CliRunner

from bc_pipeline.cli import main
from bc_pipeline.config import store_label
from bc_pipeline.defs.change_feed_assets import change_feed_assets
from bc_pipeline.defs.reconcile_assets import deletes_reconciled
from bc_pipeline.warehouse import changes
from bc_pipeline.warehouse.connect import warehouse_connection
from bc_pipeline.warehouse.new_rows import publish_new_rows
from bc_pipeline_tests.sync_harness import RAW_ASSETS, resources_for, store_instance, window_run_config

FEED_ASSETS = list(change_feed_assets().assets)
LOGGED = {"customers", "subscribers", "orders"}  # what the test mutates: top-level tables


def sync(emu, db, instance, *, reconcile: bool = False) -> dg.ExecuteInProcessResult:
    store = store_label(emu.store_hash)
    instance = store_instance(emu, instance)
    result = dg.materialize(RAW_ASSETS + FEED_ASSETS, resources=resources_for(emu, db), instance=instance,
                            partition_key=store, run_config=window_run_config(),
                            selection=[k for a in RAW_ASSETS + FEED_ASSETS for k in a.keys])
    if reconcile:  # hard deletes (customers, subscribers) are seen by the id-only reconciliation
        dg.materialize([deletes_reconciled], resources=resources_for(emu, db), instance=instance,
                       partition_key=store)
    return result


def feed(db, run_ids=None) -> set[tuple[str, str, str]]:
    with warehouse_connection(db, read_only=True) as conn:
        rows = conn.execute("SELECT table_name, id, change, run_id FROM bigcommerce._changes").fetchall()
    return {(t, i, c) for t, i, c, r in rows if run_ids is None or r in run_ids}


def feed_metadata(instance, name: str) -> dict:
    event = instance.get_latest_materialization_event(dg.AssetKey(["feed", name]))
    return {k: v.value for k, v in event.asset_materialization.metadata.items()}


@pytest.fixture
def synced(make_emulator, tmp_path):
    emu = make_emulator(customers=40, orders=60, products=15, subscribers=30)
    db = tmp_path / "bc.duckdb"
    instance = dg.DagsterInstance.ephemeral()
    first = sync(emu, db, instance)
    return emu, db, instance, first


def test_the_first_sync_logs_every_row_as_created(synced):
    emu, db, instance, first = synced
    logged = feed(db, {first.run_id})
    for table in LOGGED:
        truth = {str(r["id"]) for r in emu.store.records(table)}
        assert {i for t, i, c in logged if t == table} == truth
    assert {c for _, _, c in logged} == {"created"}
    assert feed_metadata(instance, "new_customers")["count"] == len(emu.store.records("customers"))


def test_the_feed_lists_exactly_what_a_sync_created_updated_and_deleted(synced):
    emu, db, instance, _first = synced
    store = emu.store
    store.mutation_log.clear()
    customers = [c["id"] for c in store.records("customers")]
    subscribers = [s["id"] for s in store.records("subscribers")]
    orders = [o["id"] for o in store.records("orders")]
    new_customers = [store.create("customers", email=f"feed{n}@example.com") for n in range(3)]
    store.update("customers", customers[0], notes="changed")
    store.update("customers", customers[1], company="Feed Ltd")
    store.delete("customers", customers[2])
    store.create("subscribers", email="sub.feed@example.com")
    store.update("subscribers", subscribers[0], consents=["abandoned_cart"])
    store.update("orders", orders[0], staff_notes="feed")
    store.delete("orders", orders[1])  # archived
    store.create("orders")
    expected = {(m.resource, str(m.id), m.action) for m in store.mutation_log}
    assert len(expected) == 11
    second = sync(emu, db, instance, reconcile=True)
    since_first = {row for row in feed(db) if row[0] in LOGGED} - feed(db, {_first.run_id})
    assert since_first == expected, since_first ^ expected
    hard_deletes = {("customers", str(customers[2]), "deleted")}  # marked by the reconciliation's run
    assert {row for row in feed(db, {second.run_id}) if row[0] in LOGGED} == expected - hard_deletes
    meta = feed_metadata(instance, "new_customers")
    assert meta["count"] == 3 and meta["ids_preview"] == [str(i) for i in new_customers]
    with warehouse_connection(db, read_only=True) as conn:
        held = [r[0] for r in conn.execute("SELECT id FROM feed.new_customers ORDER BY id").fetchall()]
    assert held == new_customers
    assert feed_metadata(instance, "new_subscribers")["count"] == 1


def test_a_sync_with_nothing_changed_logs_nothing(synced):
    emu, db, instance, _first = synced
    before = feed(db)
    third = sync(emu, db, instance)
    assert feed(db, {third.run_id}) == set() and feed(db) == before
    assert feed_metadata(instance, "new_customers")["count"] == 0


def test_the_changes_command_prints_json_lines(synced):
    emu, db, _instance, _first = synced
    since = datetime.now(UTC) - timedelta(days=1)
    out = CliRunner().invoke(main, ["changes", "--since", since.isoformat(), "--table", "customers", "--db", str(db)])
    assert out.exit_code == 0, out.output
    lines = [json.loads(line) for line in out.output.splitlines()]
    assert {row["id"] for row in lines} == {str(c["id"]) for c in emu.store.records("customers")}
    assert set(lines[0]) == {"seq", "table_name", "id", "change", "run_id", "changed_at"}
    later = CliRunner().invoke(main, ["changes", "--since", "2999-01-01T00:00:00Z", "--db", str(db)])
    assert later.exit_code == 0 and later.output == ""
    bad = CliRunner().invoke(main, ["changes", "--since", "2024-01-01", "--table", "nope", "--db", str(db)])
    assert bad.exit_code == 1 and bad.output.startswith("Error: unknown table 'nope'")


def test_the_feed_is_pruned_past_its_retention(synced):
    _emu, db, _instance, _first = synced
    with warehouse_connection(db) as conn:
        n = conn.execute("SELECT count(*) FROM bigcommerce._changes").fetchone()[0]
        conn.execute("UPDATE bigcommerce._changes SET changed_at = changed_at - INTERVAL 40 DAY "
                     "WHERE table_name = 'customers'")
        customers = conn.execute("SELECT count(*) FROM bigcommerce._changes WHERE table_name = 'customers'").fetchone()[0]
        assert changes.prune(conn, 30) == customers
        assert conn.execute("SELECT count(*) FROM bigcommerce._changes").fetchone()[0] == n - customers


def test_a_position_past_the_feed_means_a_new_file_and_starts_again(synced):
    emu, db, _instance, _first = synced
    with warehouse_connection(db) as conn:
        new = publish_new_rows(conn, "customers", after_seq=10**9)  # kept by Dagster from an older file
    assert new.ids == sorted(c["id"] for c in emu.store.records("customers"))
