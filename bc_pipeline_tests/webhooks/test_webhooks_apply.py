"""Applying webhook files end to end (plain code, no Dagster): an emulated store emits a payload file per
mutation, `apply_batch` refetches what they name over real HTTP into a real DuckDB file, marks deletes, and
moves each file to processed/ or quarantine/. The Dagster run around it is tested in test_webhooks_sensor.py.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bc_emulator import Emulator
from bc_pipeline.webhooks.apply import WebhookApplyError, apply_batch
from bc_pipeline.webhooks.inbox import Inbox
from bc_pipeline_tests.webhooks_support import (
    backfilled_store,
    client_for,
    connector,
    drop,
    payload,
    rows,
    tree,
)


@pytest.fixture
def store(make_emulator, tmp_path: Path):
    """A backfilled warehouse and a store that drops webhook files into tmp_path/webhooks/inbox."""
    return backfilled_store(make_emulator, tmp_path)


def _apply(emu: Emulator, db: Path, root: Path, token: str | None = None, **kwargs):
    with client_for(emu, token) as client:
        return apply_batch(client, connector(db), Inbox(root), **kwargs)


def test_emulator_webhooks_are_applied_and_files_move_to_processed(store) -> None:
    emu, db, root = store
    customer = emu.store.records("customers")[0]["id"]
    order = emu.store.records("orders")[0]["id"]
    emu.store.update("customers", customer, first_name="Webhooked")
    emu.store.update("orders", order, status_id=5)  # two events: updated and statusUpdated
    new_customer = emu.store.create("customers", first_name="Brand New")
    emu.clear_request_log()

    report = _apply(emu, db, root)

    assert rows(db, "SELECT id, first_name FROM bigcommerce.customers WHERE id IN (?, ?) ORDER BY id",
                [customer, new_customer]) == [(customer, "Webhooked"), (new_customer, "Brand New")]
    assert rows(db, "SELECT status_id FROM bigcommerce.orders WHERE id = ?", [order]) == [(5,)]
    assert len(report.applied) == 4 and not report.quarantined
    assert report.requests == len(emu.request_log)  # every request counted, completion included
    # one bulk request per stream, whatever the number of events
    assert sorted(e.path.rsplit("/", 2)[-2] + "/" + e.path.rsplit("/", 1)[-1] for e in emu.request_log) == [
        "v2/orders", "v3/customers"]
    assert [p.split("/")[0] for p in tree(root)] == ["processed"] * 4


def test_deletes_mark_rows_and_their_children(store) -> None:
    emu, db, root = store
    product = emu.store.records("products")[0]["id"]
    variants = [v["id"] for v in emu.store.records("variants") if v["product_id"] == product]
    customer = next(c["id"] for c in emu.store.records("customers") if c.get("addresses"))
    subscriber = emu.store.records("subscribers")[0]["id"]
    category = emu.store.records("categories")[-1]["id"]
    for resource, rid in [("products", product), ("customers", customer), ("subscribers", subscriber),
                          ("categories", category)]:
        emu.store.delete(resource, rid)

    report = _apply(emu, db, root)

    assert report.plan.delete == {"products": {product}, "customers": {customer}, "subscribers": {subscriber},
                                  "categories": {category}}
    for table, rid in [("products", product), ("customers", customer), ("subscribers", subscriber),
                       ("categories", category)]:
        assert rows(db, f"SELECT _deleted_at IS NOT NULL FROM bigcommerce.{table} WHERE id = ?", [rid]) == [(True,)]
    assert rows(db, "SELECT count(*), count(_deleted_at) FROM bigcommerce.variants WHERE product_id = ?",
                [product]) == [(len(variants), len(variants))]
    assert rows(db, "SELECT count(*) = count(_deleted_at) FROM bigcommerce.customer_addresses WHERE customer_id = ?",
                [customer]) == [(True,)]
    assert rows(db, "SELECT count(*) FROM bigcommerce.customers WHERE _deleted_at IS NOT NULL") == [(1,)]


def test_a_record_the_store_no_longer_returns_is_marked_deleted(store) -> None:
    emu, db, root = store
    customer = emu.store.records("customers")[3]["id"]
    emu.emit_webhooks_to(None)
    emu.store.delete("customers", customer)  # the delete webhook was lost; an older update arrives
    drop(root / "inbox", "late-update.json", payload("store/customer/updated", {"type": "customer", "id": customer}))

    report = _apply(emu, db, root)

    assert report.missing == {"customers": [customer]}
    assert rows(db, "SELECT _deleted_at IS NOT NULL FROM bigcommerce.customers WHERE id = ?", [customer]) == [(True,)]


def test_bad_files_are_quarantined_while_good_ones_are_applied(store) -> None:
    emu, db, root = store
    customer = emu.store.records("customers")[1]["id"]
    emu.store.update("customers", customer, last_name="StillApplied")
    inbox_dir = root / "inbox"
    drop(inbox_dir, "broken.json", '{"scope": "store/order/created", ')
    drop(inbox_dir, "huge.json", payload("store/order/created", {"type": "order", "id": 1, "pad": "x" * 5000}))
    drop(inbox_dir, "not-a-hook.json", {"hello": "world"})
    drop(inbox_dir, "no-id.json", payload("store/customer/updated", {"type": "customer"}))
    drop(inbox_dir, "cart.json", payload("store/cart/created", {"type": "cart", "id": "9b1c"}))  # unknown: no-op

    report = _apply(emu, db, root, max_bytes=4096)

    assert rows(db, "SELECT last_name FROM bigcommerce.customers WHERE id = ?", [customer]) == [("StillApplied",)]
    reasons = {name: (root / "quarantine" / f"{name}.reason").read_text() for name in report.quarantined}
    assert set(reasons) == {"broken.json", "huge.json", "not-a-hook.json", "no-id.json"}
    assert "not valid JSON" in reasons["broken.json"]
    assert "too large" in reasons["huge.json"]
    assert "not a webhook: scope" in reasons["not-a-hook.json"]
    assert "not a known webhook shape" in reasons["no-id.json"]
    assert all(r.endswith("\n") and r.count("\n") == 1 for r in reasons.values())
    assert report.plan.ignored_scopes == {"store/cart/created": 1}
    assert any(p.endswith("/cart.json") and p.startswith("processed/") for p in tree(root))
    assert not list((root / "inbox").iterdir())


def test_a_run_failing_mid_batch_leaves_its_files_and_a_retry_applies_them_once(store) -> None:
    emu, db, root = store
    customer = emu.store.records("customers")[2]["id"]
    order = emu.store.records("orders")[2]["id"]
    emu.store.update("customers", customer, first_name="Retried")
    emu.store.update("orders", order, staff_notes="retried")
    waiting = tree(root)
    emu.add_token("customers-only", scopes=["store_v2_customers_read_only"])

    with pytest.raises(WebhookApplyError, match="orders"):  # customers merge, then the orders refetch is refused
        _apply(emu, db, root, token="customers-only")
    assert tree(root) == waiting  # nothing moved: the files wait for the next run

    report = _apply(emu, db, root)
    assert rows(db, "SELECT staff_notes FROM bigcommerce.orders WHERE id = ?", [order]) == [("retried",)]
    assert rows(db, "SELECT first_name FROM bigcommerce.customers WHERE id = ?", [customer]) == [("Retried",)]
    assert sorted(report.applied) == sorted(p.split("/")[-1] for p in waiting)
    assert sorted(p.split("/")[-1] for p in tree(root)) == sorted(p.split("/")[-1] for p in waiting)
    assert _apply(emu, db, root).files == 0  # and nothing is left to apply again


def test_a_redropped_file_is_applied_again(store) -> None:
    emu, db, root = store
    customer = emu.store.records("customers")[4]["id"]
    emu.store.update("customers", customer, first_name="First")
    _apply(emu, db, root)
    (applied,) = [p for p in tree(root) if p.startswith("processed/")]
    emu.emit_webhooks_to(None)
    emu.store.update("customers", customer, first_name="Second")
    shutil.copy(root / applied, root / "inbox" / Path(applied).name)  # the same file, dropped again

    report = _apply(emu, db, root)

    assert report.applied == [Path(applied).name]
    assert rows(db, "SELECT first_name FROM bigcommerce.customers WHERE id = ?", [customer]) == [("Second",)]
    assert len([p for p in tree(root) if p.startswith("processed/")]) == 2  # kept both, none overwritten


def test_cart_converted_brings_in_the_order(store) -> None:
    emu, db, root = store
    emu.emit_webhooks_to(None)
    order = emu.store.create("orders", customer_message="from a cart")
    assert rows(db, "SELECT count(*) FROM bigcommerce.orders WHERE id = ?", [order]) == [(0,)]
    drop(root / "inbox", "converted.json",
         payload("store/cart/converted", {"type": "cart", "id": "d30016e2-23c0", "orderId": order}))

    _apply(emu, db, root)

    assert rows(db, "SELECT customer_message FROM bigcommerce.orders WHERE id = ?", [order]) == [("from a cart",)]
    assert rows(db, "SELECT count(*) > 0 FROM bigcommerce.order_line_items WHERE order_id = ?", [order]) == [(True,)]


def test_duplicates_and_ndjson_cost_one_request(store) -> None:
    emu, db, root = store
    order = emu.store.records("orders")[5]["id"]
    emu.emit_webhooks_to(None)
    emu.store.update("orders", order, staff_notes="once")
    event = payload("store/order/updated", {"type": "order", "id": order})
    for n in range(3):
        drop(root / "inbox", f"dup-{n}.json", event)
    lines = [payload("store/order/statusUpdated", {"type": "order", "id": order}),
             payload("store/order/transaction/created", {"type": "transaction", "order_id": str(order)})]
    drop(root / "inbox", "several.ndjson", "\n".join(json.dumps(line) for line in lines) + "\n")
    emu.clear_request_log()

    report = _apply(emu, db, root)

    assert (report.plan.events, report.plan.duplicates, report.plan.refetch) == (5, 2, {"orders": {order}})
    assert len(emu.request_log) == 1
    assert rows(db, "SELECT staff_notes FROM bigcommerce.orders WHERE id = ?", [order]) == [("once",)]


def test_a_file_another_run_moved_first_is_not_an_error(store) -> None:
    emu, db, root = store
    emu.store.update("customers", emu.store.records("customers")[6]["id"], first_name="Raced")
    emu.store.update("customers", emu.store.records("customers")[7]["id"], first_name="Raced")
    first, second = sorted(p.name for p in (root / "inbox").iterdir())

    class RacedInbox(Inbox):
        """Another run (e.g. `webhooks apply` beside the sensor) moves `first` just before this one does."""

        def mark_processed(self, name, at=None):
            if name == first:
                Inbox.mark_processed(self, name, at)
            return super().mark_processed(name, at)

    with client_for(emu) as client:
        report = apply_batch(client, connector(db), RacedInbox(root))

    assert (report.applied, report.gone) == ([second], [first])
    assert sorted(Path(p).name for p in tree(root)) == [first, second]
    assert all(p.startswith("processed/") for p in tree(root))
