"""Abandoned carts from webhooks, against the emulator: carts land with their items and their shopper's
consents (mapped.abandoned_carts), conversion marks them, a cart already gone is recorded from its event, and
the change feed and feed.new_abandoned_carts list them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import dagster as dg
import pytest

from bc_pipeline.defs.change_feed_assets import change_feed, feed_key
from bc_pipeline.mapping.load import load_mapping
from bc_pipeline.mapping.rebuild import rebuild_entity
from bc_pipeline.webhooks.apply import apply_batch
from bc_pipeline.webhooks.inbox import Inbox
from bc_pipeline_tests.sync_harness import warehouse_for
from bc_pipeline_tests.webhooks_support import backfill, client_for, connector, rows


@pytest.fixture
def store(make_emulator, tmp_path: Path):
    emu = make_emulator(customers=20, orders=30, products=10, subscribers=15)
    db = tmp_path / "wh.duckdb"
    backfill(emu, db)
    root = tmp_path / "webhooks"
    emu.emit_webhooks_to(root / "inbox")
    return emu, db, root


def apply(emu, db: Path, root: Path):
    with client_for(emu) as client:
        report = apply_batch(client, connector(db), Inbox(root))
    assert not report.quarantined and not list((root / "inbox").glob("*.json"))
    return report


def items_of(cart: dict) -> list[tuple]:
    return sorted((i["id"], i["product_id"], i["variant_id"], i["quantity"], i["sale_price"])
                  for kind in ("physical_items", "digital_items") for i in cart["line_items"][kind])


def stored_items(db: Path, cart_id: str) -> list[tuple]:
    return [(i, p, v, q, float(s)) for i, p, v, q, s in rows(
        db, "SELECT id, product_id, variant_id, quantity, sale_price FROM bigcommerce.abandoned_cart_items "
            "WHERE cart_id = ? ORDER BY id", [cart_id])]


def test_abandoned_carts_land_with_items_and_consents_and_conversion_marks_them(store):
    emu, db, root = store
    shopper = emu.store.records("customers")[0]
    subscriber = emu.store.records("subscribers")[0]["id"]
    emu.store.update("subscribers", subscriber, email=shopper["email"].upper(), consents=["abandoned_cart"])
    consenting = emu.store.create_cart(shopper["id"])
    guest = emu.store.create_cart()
    for cart_id in (consenting, guest):
        emu.store.abandon_cart(cart_id)
    truth = {c: dict(emu.store.carts[c]) for c in (consenting, guest)}
    report = apply(emu, db, root)
    assert report.carts.fetched == 2
    for cart_id, cart in truth.items():
        assert stored_items(db, cart_id) == items_of(cart)
        ((email, currency, amount, customer, abandoned),) = rows(
            db, "SELECT email, currency, cart_amount, customer_id, abandoned_at FROM bigcommerce.abandoned_carts "
                "WHERE id = ?", [cart_id])
        assert (email, currency, amount, customer) == (cart["email"], "USD", Decimal(str(cart["cart_amount"])),
                                                              cart["customer_id"])
        assert abandoned is not None and abandoned.utcoffset().total_seconds() == 0
    with connector(db)() as conn:
        rebuild_entity(conn, load_mapping(), "subscribers")
        rebuild_entity(conn, load_mapping(), "abandoned_carts")
        consent = dict(conn.execute("SELECT id, abandoned_cart_consent FROM mapped.abandoned_carts").fetchall())
    assert consent == {consenting: True, guest: False}

    order_id = emu.store.convert_cart(consenting)  # later: the shopper comes back and buys
    apply(emu, db, root)
    ((converted, at, email),) = rows(db, "SELECT converted_order_id, converted_at, email FROM "
                                         "bigcommerce.abandoned_carts WHERE id = ?", [consenting])
    assert converted == order_id and at is not None and email == shopper["email"]  # the fetched cart stays
    assert stored_items(db, consenting) == items_of(truth[consenting])
    assert rows(db, "SELECT cart_id FROM bigcommerce.orders WHERE id = ?", [order_id]) == [(consenting,)]


def test_a_cart_gone_before_its_event_is_applied_is_recorded_from_the_event(store):
    emu, db, root = store
    expired, converted = emu.store.create_cart(), emu.store.create_cart()
    for cart_id in (expired, converted):
        emu.store.abandon_cart(cart_id)
    emu.store.expire_cart(expired)
    order_id = emu.store.convert_cart(converted)
    report = apply(emu, db, root)
    assert report.carts.gone == [expired] and report.carts.converted == 1
    got = dict((r[0], r[1:]) for r in rows(
        db, "SELECT id, email, abandoned_at IS NOT NULL, converted_order_id FROM bigcommerce.abandoned_carts"))
    assert got == {expired: (None, True, None), converted: (None, True, order_id)}


def test_the_change_feed_and_new_abandoned_carts_list_the_new_carts(store, tmp_path):
    emu, db, root = store
    carts = [emu.store.create_cart() for _ in range(3)]
    for cart_id in carts:
        emu.store.abandon_cart(cart_id)
    apply(emu, db, root)
    emu.store.convert_cart(carts[0])
    apply(emu, db, root)
    logged = rows(db, "SELECT id, change FROM bigcommerce._changes WHERE table_name = 'abandoned_carts' ORDER BY seq")
    assert logged == [(c, "created") for c in sorted(carts)] + [(carts[0], "updated")]
    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize([change_feed], resources={"warehouse": warehouse_for(emu, db)}, instance=instance,
                            selection=[feed_key("new_abandoned_carts")])
    (event,) = result.asset_materializations_for_node(change_feed.node_def.name)
    assert event.metadata["count"].value == 3
    assert sorted(event.metadata["ids_preview"].value) == sorted(carts)
