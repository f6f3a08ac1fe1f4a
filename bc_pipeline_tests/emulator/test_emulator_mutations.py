"""The mutation API and webhook files: create/update/delete change what the API serves, bump date_modified,
and drop the documented webhook payload as one JSON file each; the background writer moves the store."""

from __future__ import annotations

import hashlib
import json
import time
from email.utils import parsedate_to_datetime

import pytest

from bc_emulator import Emulator, EmulatorConfig
from bc_pipeline_tests.conftest import bc_url


def payloads(folder):
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]


def test_update_bumps_date_modified_and_is_served(emulator, session, tmp_path):
    emulator.emit_webhooks_to(tmp_path)
    before = session.get(bc_url(emulator, "/v2/orders/3")).json()
    emulator.store.update("orders", 3, staff_notes="checked", status_id=2 if before["status_id"] != 2 else 10)
    after = session.get(bc_url(emulator, "/v2/orders/3")).json()
    assert after["staff_notes"] == "checked"
    assert parsedate_to_datetime(after["date_modified"]) > parsedate_to_datetime(before["date_modified"])
    assert after["status"] != before["status"]
    got = payloads(tmp_path)
    assert [p["scope"] for p in got] == ["store/order/updated", "store/order/statusUpdated"]
    assert got[1]["data"]["status"] == {"previous_status_id": before["status_id"], "new_status_id": after["status_id"]}
    newest = session.get(bc_url(emulator, "/v2/orders"), params={"sort": "date_modified:desc", "limit": 1}).json()
    assert newest[0]["id"] == 3


def test_webhook_payload_has_the_documented_shape(emulator, tmp_path):
    emulator.emit_webhooks_to(tmp_path)
    emulator.store.update("customers", 2, notes="vip")
    (p,) = payloads(tmp_path)
    assert set(p) == {"scope", "store_id", "data", "hash", "created_at", "producer"}
    assert p["scope"] == "store/customer/updated" and p["data"] == {"type": "customer", "id": 2}
    assert isinstance(p["store_id"], str) and isinstance(p["created_at"], int)
    assert p["producer"] == f"stores/{emulator.store_hash}"
    assert p["hash"] == hashlib.sha1(json.dumps(p["data"], separators=(",", ":"), sort_keys=True).encode()).hexdigest()
    assert not list(tmp_path.glob(".tmp-*"))  # written atomically


def test_create_and_delete(emulator, session, tmp_path):
    emulator.emit_webhooks_to(tmp_path)
    store = emulator.store
    cid = store.create("customers", first_name="Zoë", last_name="Nouvelle", email="zoe.new@example.com")
    c = session.get(bc_url(emulator, "/v3/customers"), params={"id:in": cid, "include": "addresses"}).json()["data"]
    assert c[0]["first_name"] == "Zoë" and all(a["customer_id"] == cid for a in c[0]["addresses"])
    store.delete("customers", cid)
    assert session.get(bc_url(emulator, "/v3/customers"), params={"id:in": cid}).json()["data"] == []
    pid = store.create("products", name="Brand New Kettle")
    product = session.get(bc_url(emulator, f"/v3/catalog/products/{pid}?include=variants")).json()["data"]
    assert product["name"] == "Brand New Kettle" and len(product["variants"]) == 1
    store.delete("products", pid)
    assert session.get(bc_url(emulator, f"/v3/catalog/products/{pid}")).status_code == 404
    assert session.get(bc_url(emulator, "/v3/catalog/variants"),
                       params={"product_id:in": pid}).json()["data"] == []
    scopes = [p["scope"] for p in payloads(tmp_path)]
    assert scopes[:2] == ["store/customer/created", "store/customer/deleted"]
    assert "store/product/created" in scopes and scopes[-1] == "store/product/deleted"


def test_deleting_an_order_archives_it(emulator, session, tmp_path):
    emulator.emit_webhooks_to(tmp_path)
    oid = emulator.store.create("orders", customer_id=0, staff_notes="new")
    assert session.get(bc_url(emulator, f"/v2/orders/{oid}/products")).status_code == 200
    emulator.store.delete("orders", oid)
    order = session.get(bc_url(emulator, f"/v2/orders/{oid}")).json()
    assert order["is_deleted"] is True
    assert oid in [o["id"] for o in emulator.store.records("orders")]
    assert [p["scope"] for p in payloads(tmp_path)] == ["store/order/created", "store/order/archived"]


def test_variant_update_emits_sku_event_and_bumps_the_product(emulator, session, tmp_path):
    emulator.emit_webhooks_to(tmp_path)
    variant = next(v for v in emulator.store.records("variants") if v["sku_id"])
    before = session.get(bc_url(emulator, f"/v3/catalog/products/{variant['product_id']}")).json()["data"]
    emulator.store.update("variants", variant["id"], price=12.5)
    product = session.get(bc_url(emulator, f"/v3/catalog/products/{variant['product_id']}?include=variants")).json()
    assert product["data"]["date_modified"] > before["date_modified"]
    assert next(v for v in product["data"]["variants"] if v["id"] == variant["id"])["price"] == 12.5
    (p,) = payloads(tmp_path)
    assert p["scope"] == "store/sku/updated"
    assert p["data"] == {"type": "sku", "id": variant["sku_id"],
                         "sku": {"product_id": variant["product_id"], "variant_id": variant["id"]}}


def test_unknown_resource_or_record_is_refused(emulator):
    with pytest.raises(ValueError):
        emulator.store.update("order_products", 1001, quantity=2)
    with pytest.raises(KeyError):
        emulator.store.update("customers", 10**9, notes="x")


def test_background_writer_changes_records_while_serving(tmp_path):
    cfg = EmulatorConfig(seed=3, customers=40, orders=60, products=15, quota=None, mutation_rate=40,
                         emit_webhooks_to=tmp_path)
    with Emulator(cfg) as emu:
        before = {o["id"]: o["date_modified"] for o in emu.store.records("orders")}
        deadline = time.monotonic() + 10
        while len(list(tmp_path.glob("*.json"))) < 10 and time.monotonic() < deadline:
            time.sleep(0.05)
        after = {o["id"]: o["date_modified"] for o in emu.store.records("orders")}
    assert len(list(tmp_path.glob("*.json"))) >= 10
    assert any(after.get(oid) != stamp for oid, stamp in before.items()) or len(after) > len(before)


def test_naive_page_number_paging_is_caught_when_data_moves(emulator, session):
    """Page 1 by date_modified, then a record from page 1 changes (moves to the end), then page 2: the
    first record of the old page 2 slides onto page 1 and is skipped, and the moved record comes twice."""
    params = {"sort": "date_modified:asc", "limit": 20}
    first = session.get(bc_url(emulator, "/v2/orders"), params={**params, "page": 1}).json()
    old_second = session.get(bc_url(emulator, "/v2/orders"), params={**params, "page": 2}).json()
    emulator.store.update("orders", first[0]["id"], staff_notes="moved")
    seen = [o["id"] for o in first]
    page = 2
    while True:
        r = session.get(bc_url(emulator, "/v2/orders"), params={**params, "page": page})
        if r.status_code == 204:
            break
        seen += [o["id"] for o in r.json()]
        page += 1
    assert old_second[0]["id"] not in seen  # skipped
    assert seen.count(first[0]["id"]) == 2  # duplicated
