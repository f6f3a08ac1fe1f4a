"""A store that changes while it is paged: a full sync while the emulator's background writer updates,
creates and deletes records, then the writer stops, then one incremental sync.

What is promised, and asserted against the store's final state:
* nothing is skipped: every record the store lists is in the warehouse, with its newest values
  (`date_modified` and the field the writer changed are equal for every record);
* orders are exact (a deleted order is archived: still listed, it lands marked `_deleted_at`);
* hard deletes (customers, products, subscribers) are invisible to a listing: after the incremental sync
  their rows are still live, and they are the only extra rows. The daily reconciliation (ids only) then
  marks deleted customers and products, making those exact; subscribers are not reconciled, so a subscriber
  deleted without a webhook stays live until its `store/subscriber/deleted` webhook is applied.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import pytest

from bc_emulator import Emulator, EmulatorConfig
from bc_emulator.writer import MutationWriter
from bc_pipeline.warehouse.connect import warehouse_connection
from bc_pipeline_tests.reliability_support import resources, sync_raw, truth_ids
from bc_pipeline_tests.sync_harness import ids, run_reconcile

CHANGED_FIELD = {"orders": "staff_notes", "customers": "notes", "products": "inventory_level",
                 "subscribers": "consents"}


def instant(value: str) -> datetime:
    if "," in value:
        return parsedate_to_datetime(value).astimezone(UTC)
    return datetime.fromisoformat(value).astimezone(UTC)


def deleted_ids(emu: Emulator, resource: str) -> set[int]:
    table = emu.store.tables[resource]
    return {int(i) for i in table.ids} - set(truth_ids(emu, resource))


def landed_values(db, table: str) -> dict[int, tuple]:
    with warehouse_connection(db, read_only=True) as conn:
        conn.execute("SET TimeZone = 'UTC'")
        rows = conn.execute(f"SELECT id, date_modified, {CHANGED_FIELD[table]} FROM bigcommerce.{table}").fetchall()
    return {r[0]: (r[1], json.loads(r[2]) if table == "subscribers" else r[2]) for r in rows}


@pytest.fixture(scope="module")
def moved(tmp_path_factory):
    db = tmp_path_factory.mktemp("moving") / "bc.duckdb"
    cfg = EmulatorConfig(seed=17, customers=300, orders=1200, products=80, quota=None, latency_ms=(5.0, 20.0))
    with Emulator(cfg) as emu:
        writer = MutationWriter(emu.store, rate=60, seed=17)
        writer.start()
        try:
            sync_raw(emu, db, max_workers=4)
        finally:
            writer.stop()
        mutations = writer.done
        sync_raw(emu, db)  # one incremental sync after the writer stopped
        yield emu, db, mutations


def test_the_writer_really_changed_the_store(moved):
    emu, _, mutations = moved
    print(f"\nbackground writer: {mutations} mutations during the full sync; deleted: "
          f"{ {r: len(deleted_ids(emu, r)) for r in ('customers', 'products', 'subscribers')} }")
    assert mutations >= 20


@pytest.mark.parametrize("table", ["orders", "customers", "products", "subscribers"])
def test_nothing_skipped_and_every_record_has_its_newest_values(moved, table):
    emu, db, _ = moved
    truth = {int(r["id"]): r for r in emu.store.records(table)}
    landed = landed_values(db, table)
    assert set(truth) - set(landed) == set(), "records skipped"
    for rid, record in truth.items():
        assert landed[rid][0] == instant(record["date_modified"]), (table, rid)
        assert landed[rid][1] == record[CHANGED_FIELD[table]], (table, rid)


@pytest.mark.parametrize("table", ["orders", "customers", "products", "subscribers"])
def test_extra_live_rows_are_only_hard_deletes_no_listing_can_see(moved, table):
    emu, db, _ = moved
    extra = set(ids(db, table)) - set(truth_ids(emu, table))
    if table == "orders":  # deleting an order archives it: still listed, landed and marked `_deleted_at`
        archived = {int(o["id"]) for o in emu.store.records("orders") if o.get("is_deleted")}
        assert archived and set(ids(db, "orders")) == set(truth_ids(emu, "orders")) - archived
        assert ids(db, "orders", include_deleted=True) == truth_ids(emu, "orders")
    assert extra <= deleted_ids(emu, table)


def test_reconciliation_makes_customers_and_products_exact(moved):
    emu, db, _ = moved
    run_reconcile(emu, resources(emu, db))
    for table in ("customers", "products"):
        assert ids(db, table) == truth_ids(emu, table), table
    # Subscribers have no ids-only reconciliation: a hard delete reaches them only as a webhook.
    assert set(ids(db, "subscribers")) - set(truth_ids(emu, "subscribers")) <= deleted_ids(emu, "subscribers")
