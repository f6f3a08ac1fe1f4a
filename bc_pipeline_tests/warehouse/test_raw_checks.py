"""The raw tables' checks (warehouse/checks.py, evaluated in the sync step): they pass after a real sync,
each fails on the defect it names, a failing one fails the step (blocking), and every raw asset of the
store's partition is materialized with the table's real count. Also the freshness policy's interval."""

from __future__ import annotations

import shutil
from datetime import timedelta

import dagster as dg
import pytest

from bc_pipeline.defs.freshness import schedule_interval, sync_freshness
from bc_pipeline.defs.partitions import store_label
from bc_pipeline.streams import marked_tables
from bc_pipeline.warehouse import checks
from bc_pipeline.warehouse.connect import warehouse_connection
from bc_pipeline.warehouse.schema import TABLES
from bc_pipeline_tests.sync_harness import RAW_ASSETS, run_sync, store_instance

# The tables a sync writes (abandoned carts come from webhooks only, not from a raw asset of the sync).
SYNCED = sorted({key.path[-1] for asset in RAW_ASSETS for key in asset.keys})


@pytest.fixture(scope="module")
def synced(module_emulator, tmp_path_factory):
    """(emulator, db, instance) after one sync of every raw asset."""
    db = tmp_path_factory.mktemp("checks") / "bc.duckdb"
    instance = store_instance(module_emulator)
    run_sync(module_emulator, db, instance=instance)
    return module_emulator, db, instance


def outcomes(db) -> dict[tuple[str, str], checks.CheckOutcome]:
    with warehouse_connection(db, read_only=True) as conn:
        return {(t, name): checks.RAW_CHECKS[name](conn, t)
                for t in TABLES for name in checks.raw_check_names(t, marked=t in marked_tables())}


def test_every_raw_check_passes_after_a_sync(synced):
    _, db, _ = synced
    found = outcomes(db)
    assert ("order_line_items", "parents_present") in found and ("orders", "nothing_past_the_mark") in found
    assert all(o.passed for o in found.values()), {k: o.description for k, o in found.items() if not o.passed}


def test_every_raw_asset_has_the_stores_partition_with_the_tables_count(synced):
    emu, db, instance = synced
    with warehouse_connection(db, read_only=True) as conn:
        counts = {t: conn.execute(f"SELECT count(*) FROM bigcommerce.{t}").fetchone()[0] for t in SYNCED}
    for table, rows in counts.items():
        key = dg.AssetKey(["bigcommerce", table])
        assert instance.get_materialized_partitions(key) == {store_label(emu.store_hash)}, table
        metadata = instance.get_latest_materialization_event(key).asset_materialization.metadata
        assert metadata["dagster/row_count"].value == metadata["dagster/partition_row_count"].value == rows, table
    orders = instance.get_latest_materialization_event(dg.AssetKey(["bigcommerce", "orders"]))
    metadata = orders.asset_materialization.metadata
    assert {"last_success", "high_water_mark", "lag_seconds", "last_error"} <= set(metadata)
    # The preview: a Markdown table of the newest rows, header and separator first, ids from the table.
    preview = metadata["preview"].value.splitlines()
    assert preview[0].startswith("| id |") and set(preview[1]) <= {"|", "-"} and len(preview) == 2 + 5
    with warehouse_connection(db) as conn:
        ids = {str(i) for (i,) in conn.execute("SELECT id FROM bigcommerce.orders").fetchall()}
    assert {line.split(" | ")[0].removeprefix("| ") for line in preview[2:]} <= ids


def test_orphans_and_rows_past_the_mark_fail_and_block_the_step(synced, tmp_path):
    emu, db, _ = synced
    broken = tmp_path / "broken.duckdb"
    shutil.copy(db, broken)
    with warehouse_connection(broken) as conn:
        conn.execute("INSERT INTO bigcommerce.order_line_items (id, order_id) VALUES (999999001, 999999)")
        conn.execute("UPDATE bigcommerce.customers SET date_modified = (SELECT high_water_mark + INTERVAL 1 DAY "
                     "FROM bigcommerce._sync_state WHERE stream = 'customers') "
                     "WHERE id = (SELECT min(id) FROM bigcommerce.customers)")
    found = outcomes(broken)
    assert not found[("order_line_items", "parents_present")].passed
    assert "999999" in found[("order_line_items", "parents_present")].description
    assert found[("customers", "nothing_past_the_mark")].metadata["rows_past_mark"] == 1
    assert found[("orders", "ids_unique")].passed

    result = run_sync(emu, broken, raise_on_error=False)
    assert not result.success
    failed = {(e.event_specific_data.asset_key.path[-1], e.event_specific_data.check_name)
              for e in result.all_events
              if e.event_type_value == "ASSET_CHECK_EVALUATION" and not e.event_specific_data.passed}
    assert ("order_line_items", "parents_present") in failed


@pytest.mark.parametrize(("cron", "interval"), [
    ("*/5 * * * *", timedelta(minutes=5)),
    ("0 * * * *", timedelta(hours=1)),
    ("0 9-17 * * 1-5", timedelta(hours=64)),  # Friday 17:00 to Monday 09:00
])
def test_the_freshness_interval_is_the_longest_gap_between_ticks(cron, interval):
    assert schedule_interval(cron) == interval
    policy = sync_freshness(cron)
    assert (policy.warn_window.to_timedelta(), policy.fail_window.to_timedelta()) == (2 * interval, 4 * interval)
