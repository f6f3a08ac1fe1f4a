"""The generated store is realistic and self-consistent: the awkward cases the issue lists are present, ids
line up across endpoints, money adds up exactly, dates are ordered, and a seed always gives the same store."""

from __future__ import annotations

from decimal import Decimal
from email.utils import parsedate_to_datetime

import pytest

from bc_emulator import EmulatorConfig
from bc_emulator.store import Store


@pytest.fixture(scope="module")
def store() -> Store:
    return Store(EmulatorConfig(seed=42, customers=300, orders=700, products=60))


def test_same_seed_same_store_other_seed_other_store():
    a = Store(EmulatorConfig(seed=5, customers=20, orders=30, products=8))
    b = Store(EmulatorConfig(seed=5, customers=20, orders=30, products=8))
    c = Store(EmulatorConfig(seed=6, customers=20, orders=30, products=8))
    for resource in ("customers", "orders", "products", "subscribers", "variants"):
        assert a.records(resource) == b.records(resource)
    assert a.records("orders") != c.records("orders")


def test_orders_cover_every_status_custom_labels_currencies_refunds_and_archives(store):
    orders = store.records("orders")
    assert {o["status_id"] for o in orders} == set(range(15))
    assert any(o["custom_status"] != o["status"] for o in orders)
    assert len({o["currency_code"] for o in orders}) >= 3
    assert any(o["coupon_discount"] != "0.0000" for o in orders)
    refunded = [o for o in orders if o["status_id"] == 4]
    assert refunded and all(o["refunded_amount"] == o["total_inc_tax"] for o in refunded)
    partial = [o for o in orders if o["status_id"] == 14]
    assert partial and all(Decimal("0") < Decimal(o["refunded_amount"]) <= Decimal(o["total_inc_tax"]) for o in partial)
    assert any(o["is_deleted"] for o in orders)  # archived orders are listed


def test_big_orders_are_truncated_at_50_per_consignment_with_a_warning(store):
    orders = {o["id"]: o for o in store.records("orders")}
    items_by_order: dict[int, list] = {}
    for item in store.records("order_products"):
        items_by_order.setdefault(item["order_id"], []).append(item)
    big = [oid for oid, items in items_by_order.items() if len(items) > 50]
    assert big
    for oid in big:
        order = orders[oid]
        embedded = [it for c in order["consignments"]["shipping"] for it in c["line_items"]]
        assert all(len(c["line_items"]) <= 50 for c in order["consignments"]["shipping"])
        if len(embedded) < len(items_by_order[oid]):
            assert "50" in order["__warning__"]
    assert any("__warning__" in orders[oid] for oid in big)
    assert not any("__warning__" in o for oid, o in orders.items() if len(items_by_order[oid]) <= 50)


def test_consignment_ids_are_shipping_address_ids_and_line_item_address_ids(store):
    shipping = {}
    for s in store.records("order_shipping_addresses"):
        shipping.setdefault(s["order_id"], set()).add(s["id"])
    items = {}
    for it in store.records("order_products"):
        items.setdefault(it["order_id"], set()).add(it["order_address_id"])
    multi = 0
    for o in store.records("orders"):
        cons_ids = {c["id"] for c in o["consignments"]["shipping"]}
        assert cons_ids == shipping.get(o["id"], set())
        assert items[o["id"]] <= cons_ids or items[o["id"]] == {0}  # 0: picked up, downloaded or e-mailed
        assert o["shipping_address_count"] == len(cons_ids)
        multi += len(cons_ids) > 1
    assert multi > 0


def test_money_is_4_decimal_strings_that_add_up(store):
    items: dict[int, Decimal] = {}
    for it in store.records("order_products"):
        items[it["order_id"]] = items.get(it["order_id"], Decimal(0)) + Decimal(it["total_ex_tax"])
    for o in store.records("orders"):
        assert Decimal(o["subtotal_ex_tax"]) == items[o["id"]]
        total = Decimal(o["subtotal_ex_tax"]) + Decimal(o["shipping_cost_ex_tax"]) - Decimal(o["discount_amount"])
        assert Decimal(o["total_ex_tax"]) == total
        assert Decimal(o["total_inc_tax"]) == Decimal(o["total_ex_tax"]) + Decimal(o["total_tax"])
        assert all(len(o[k].split(".")[1]) == 4 for k in ("total_inc_tax", "subtotal_ex_tax", "refunded_amount"))


def test_dates_span_years_and_modified_is_not_before_created(store):
    orders = store.records("orders")
    years = {parsedate_to_datetime(o["date_created"]).year for o in orders}
    assert {2021, 2025} <= years
    assert all(parsedate_to_datetime(o["date_modified"]) >= parsedate_to_datetime(o["date_created"])
               for o in orders)
    assert all(c["date_modified"] >= c["date_created"] for c in store.records("customers"))


def test_customers_have_uncapped_counts_signup_fields_and_non_ascii_names(store):
    customers = store.records("customers")
    many = [c for c in customers if c["address_count"] > 10]
    assert many and all(len(c["addresses"]) == 10 for c in many)
    assert any(c["attribute_count"] > 10 and len(c["attributes"]) == 10 for c in customers)
    addresses = store.records("customer_addresses")
    for c in many:
        assert sum(1 for a in addresses if a["customer_id"] == c["id"]) == c["address_count"]
    names = {f["name"] for c in customers for f in c["form_fields"]}
    assert {"Favourite colour", "How did you hear about us?"} <= names
    assert any(isinstance(f["value"], list) for c in customers for f in c["form_fields"])
    assert ("Zoë", "Ångström") in {(c["first_name"], c["last_name"]) for c in customers}
    assert any(c["last_name"] == "李" for c in customers)
    assert {True, False} == {c["accepts_product_review_abandoned_cart_emails"] for c in customers}


def test_subscribers_include_non_customers_and_consents(store):
    emails = {c["email"] for c in store.records("customers")}
    subs = store.records("subscribers")
    assert any(s["email"] in emails for s in subs) and any(s["email"] not in emails for s in subs)
    assert {"marketing_newsletter", "abandoned_cart"} <= {c for s in subs for c in s["consents"]}
    assert any(s["consents"] == [] for s in subs)


def test_catalog_has_hidden_products_options_and_variant_option_values(store):
    products = store.records("products")
    assert {True, False} == {p["is_visible"] for p in products}
    assert any(p["options"] for p in products) and all(p["custom_fields"] for p in products)
    variants = store.records("variants")
    assert any(v["option_values"] for v in variants)
    assert {v["id"] for p in products for v in p["variants"]} == {v["id"] for v in variants}
    line_products = {it["product_id"] for it in store.records("order_products")}
    assert line_products <= {p["id"] for p in products}
