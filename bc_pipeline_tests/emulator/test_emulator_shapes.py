"""The emulator's responses against the reference: field names and value types of a sample of records from
every endpoint, compared with the field lists and examples copied into fixtures/emulator/reference_fields.json.
"""

from __future__ import annotations

import json
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from bc_pipeline_tests.conftest import bc_url

REF = json.loads((Path(__file__).parents[1] / "fixtures" / "emulator" / "reference_fields.json").read_text())
EXAMPLES, SCHEMA = REF["examples"], REF["schema_fields"]
# Fields the reference shows as {} placeholders, or documents as nullable, that the emulator serves as null.
NULLABLE = {"preorder_release_date", "option_set_id", "base_variant_id", "sku_id", "external_source",
            "credit_card_type", "external_id", "external_merchant_id", "parent_order_product_id",
            "gift_certificate_id", "order_id", "channel_ids", "event_name", "value_data"}
# Fields an example shows as a bare {} placeholder (the value type is not really an object).
PLACEHOLDERS = {"map_price", "sku_id", "option_set_id", "preorder_release_date"}


def json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return {str: "string", list: "array", dict: "object"}[type(value)]


def assert_shape(record: dict, example: str, allowed_extra: set[str] = frozenset(), optional: set[str] = frozenset(),
                 schema: str | None = None) -> None:
    want = EXAMPLES[example]
    missing = set(want) - set(record) - optional
    assert not missing, f"{example}: missing {sorted(missing)}"
    known = set(want) | set(SCHEMA.get(schema or example, ())) | allowed_extra
    extra = set(record) - known
    assert not extra, f"{example}: fields the reference does not show {sorted(extra)}"
    for key, wanted in want.items():
        if key not in record:
            continue
        got = json_type(record[key])
        if got == wanted or (got == "null" and key in NULLABLE) or (wanted == "object" and key in PLACEHOLDERS):
            continue
        raise AssertionError(f"{example}.{key}: type {got}, reference shows {wanted} ({record[key]!r})")


def get(session, emu, path, status=200):
    r = session.get(bc_url(emu, path))
    assert r.status_code == status, (path, r.status_code, r.text[:300])
    return r.json() if r.content else None


def test_customers_with_every_include_match_the_reference(emulator, session):
    body = get(session, emulator, "/v3/customers?include=addresses,attributes,formfields,storecredit&limit=20")
    assert set(body["meta"]) == {"pagination", "cursor_pagination"}  # first page: both, as documented
    assert_shape(body["meta"]["pagination"], "customers_meta_pagination")
    assert set(body["meta"]["cursor_pagination"]) >= set(EXAMPLES["customers_meta_cursor_pagination"])
    for c in body["data"]:
        assert_shape(c, "customer", optional={"origin_channel_id", "channel_ids"})
        assert c["date_created"].endswith("Z") and c["date_modified"] >= c["date_created"]
        for a in c["addresses"]:
            assert_shape(a, "customer_address")
        for a in c["attributes"]:
            assert_shape(a, "customer_attribute")
        for f in c["form_fields"]:
            assert set(f) == {"name", "value", "customer_id"} and f["customer_id"] == c["id"]


def test_customers_without_include_have_no_embedded_lists(emulator, session):
    c = get(session, emulator, "/v3/customers?limit=1")["data"][0]
    assert not {"addresses", "attributes", "form_fields", "store_credit_amounts"} & set(c)
    assert {"address_count", "attribute_count"} <= set(c)


def test_page_two_has_only_offset_pagination(emulator, session):
    meta = get(session, emulator, "/v3/customers?limit=5&page=2")["meta"]
    assert set(meta) == {"pagination"}


def test_orders_match_the_reference(emulator, session):
    orders = get(session, emulator, "/v2/orders?limit=30")
    extra = {"is_deleted", "consignments", "fees"}
    for o in orders:
        assert_shape(o, "order", allowed_extra=extra)
        assert_shape(o["billing_address"], "order_billing_address", schema="none")
        parsedate_to_datetime(o["date_modified"])
        assert o["date_created"].endswith("+0000")
        assert o["total_inc_tax"].count(".") == 1 and len(o["total_inc_tax"].split(".")[1]) == 4
        assert "consignments" not in o  # only with include=consignments


def test_order_sub_resources_match_the_reference(emulator, session):
    oid = next(o["id"] for o in emulator.store.records("orders")
               if o["coupon_discount"] != "0.0000" and o["shipping_address_count"])
    for item in get(session, emulator, f"/v2/orders/{oid}/products"):
        assert_shape(item, "order_product", optional={"upc", "event_name", "event_date"},
                     allowed_extra={"event_name", "event_date"})
    for ship in get(session, emulator, f"/v2/orders/{oid}/shipping_addresses"):
        assert_shape(ship, "order_shipping_address")
    for coupon in get(session, emulator, f"/v2/orders/{oid}/coupons"):
        assert_shape(coupon, "order_coupon")


def test_consignments_object_matches_the_reference(emulator, session):
    order = get(session, emulator, "/v2/orders/1?include=consignments.line_items&consignment_structure=object")
    cons = order["consignments"]
    assert_shape(cons, "consignments")
    for ship in cons["shipping"]:
        assert_shape(ship, "shipping_consignment")
        for item in ship["line_items"]:
            assert_shape(item, "order_product", optional={"upc"}, allowed_extra={"event_name", "event_date"})
            assert item["order_address_id"] == ship["id"]


def test_order_statuses_and_count_match_the_reference(emulator, session):
    rows = get(session, emulator, "/v2/order_statuses")
    assert [r["id"] for r in rows] == list(range(15))
    for r in rows:
        assert_shape(r, "order_status", allowed_extra={"order"})
    assert any(r["custom_label"] != r["name"] for r in rows)
    count = get(session, emulator, "/v2/orders/count")
    assert_shape(count, "order_count")
    for s in count["statuses"]:
        assert_shape(s, "order_count_status", schema="none")
    assert count["count"] == sum(s["count"] for s in count["statuses"]) == len(emulator.store.records("orders"))


def test_catalog_matches_the_reference(emulator, session):
    body = get(session, emulator, "/v3/catalog/products?limit=10&include=variants,custom_fields,images")
    assert_shape(body["meta"]["pagination"], "catalog_meta_pagination")
    for p in body["data"]:
        assert_shape(p, "product", allowed_extra={"variants", "custom_fields", "images"})
        assert p["date_modified"].endswith("+00:00")
        for v in p["variants"]:
            assert_shape(v, "variant", optional={"map_price"})
            assert "date_modified" not in v and "date_created" not in v
    for v in get(session, emulator, "/v3/catalog/variants?limit=50")["data"]:
        assert_shape(v, "variant")
        for ov in v["option_values"]:
            assert_shape(ov, "variant_option_value", schema="none")
    for c in get(session, emulator, "/v3/catalog/categories")["data"]:
        assert_shape(c, "category")
    for b in get(session, emulator, "/v3/catalog/brands")["data"]:
        assert_shape(b, "brand")


def test_store_time_and_hooks_match_the_reference(emulator, session):
    assert_shape(get(session, emulator, "/v2/store"), "store", optional={"infrastructure_region"})
    assert_shape(get(session, emulator, "/v2/time"), "time", schema="none")
    r = session.post(bc_url(emulator, "/v3/hooks"),
                     json={"scope": "store/order/created", "destination": "https://example.com/hooks",
                           "is_active": True, "headers": {"custom-key": "value"}})
    assert r.status_code == 200
    assert set(r.json()) == {"data", "meta"}
    assert_shape(r.json()["data"], "hook")
    listed = get(session, emulator, "/v3/hooks")["data"]
    assert [h["id"] for h in listed] == [r.json()["data"]["id"]]


@pytest.mark.parametrize("body", [{"scope": "store/order/created"}, {"destination": "https://example.com/x"}])
def test_hook_without_required_fields_is_422_like_the_reference(emulator, session, body):
    r = session.post(bc_url(emulator, "/v3/hooks"), json=body)
    assert r.status_code == 422
    assert set(r.json()) == set(REF["bodies"]["error_422_v3_webhooks"])
