"""Orders v2 records, generated on demand: the order, its line items, shipping addresses and coupons.

`order_full` returns the internal form: the order dict plus `_products`, `_shipping`, `_coupons`,
`_pickups`, `_downloads` and `_gift_certificates` lists (internal keys start with "_" and are never served as
such). Each order has one consignment kind (the index's `kind`): shipping (one to three addresses), a pickup,
a download (digital items) or an e-mailed gift certificate. Money is computed in integer ten-thousandths
and served as 4-decimal strings; totals add up exactly. Ids: line item = order_id*1000 + k,
shipping address (= shipping consignment id = line items' order_address_id) = order_id*10 + k,
order coupon = order_id*10 + 1, pickup consignment (= line items' order_pickup_method_id) = order_id*10 + 1.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from bc_emulator import statuses, vocab
from bc_emulator.gen_customers import person, slug
from bc_emulator.indexes import CONSIGNMENT_KINDS
from bc_emulator.rng import money, rng_for, uuid_for
from bc_emulator.shapes import link
from bc_emulator.timefmt import rfc2822

if TYPE_CHECKING:
    from bc_emulator.state import StoreState

PAYMENT_STATUS = {0: "", 1: "pending", 4: "refunded", 5: "void", 6: "declined", 7: "pending",
                  12: "held for review", 14: "partially refunded"}
SHIPPED_ALL = {2, 10}


def _round_cents(units: int) -> int:
    return (units + 50) // 100 * 100


ZERO = money(0)
# Constant part of a line item, in the documented field order; per-item values are filled in below.
ITEM_TEMPLATE: dict[str, Any] = {
    "id": 0, "order_id": 0, "product_id": 0, "variant_id": 0, "order_pickup_method_id": 0, "order_address_id": 0,
    "name": "", "name_customer": "", "name_merchant": "", "sku": "", "upc": "", "type": "physical",
    "base_price": ZERO, "price_ex_tax": ZERO, "price_inc_tax": ZERO, "price_tax": ZERO, "base_total": ZERO,
    "total_ex_tax": ZERO, "total_inc_tax": ZERO, "total_tax": ZERO, "weight": "1.0000", "width": "1.0000",
    "height": "1.0000", "depth": "1.0000", "quantity": 1, "base_cost_price": ZERO, "cost_price_inc_tax": ZERO,
    "cost_price_ex_tax": ZERO, "cost_price_tax": ZERO, "is_refunded": False, "quantity_refunded": 0,
    "refund_amount": ZERO, "return_id": 0, "wrapping_id": 0, "wrapping_name": "", "base_wrapping_cost": ZERO,
    "wrapping_cost_ex_tax": ZERO, "wrapping_cost_inc_tax": ZERO, "wrapping_cost_tax": ZERO,
    "wrapping_message": "", "quantity_shipped": 0, "event_name": None, "event_date": None,
    "fixed_shipping_cost": ZERO, "ebay_item_id": "", "ebay_transaction_id": "", "option_set_id": None,
    "parent_order_product_id": None, "is_bundled_product": False, "bin_picking_number": "",
    "external_id": None, "brand": "", "applied_discounts": [], "product_options": [],
    "configurable_fields": [], "gift_certificate_id": None, "discounted_total_inc_tax": ZERO,
}


def _tax(price: int, rate: int) -> int:
    return _round_cents(price * rate // 10000)


def _item_money(item: dict[str, Any], price: int, rate: int, qty: int) -> None:
    """Set the money fields of a line item; each distinct amount is formatted once (qty 1 shares them)."""
    tax = _round_cents(price * rate // 10000)
    p, pi, cost = money(price), money(price + tax), money(_round_cents(price * 6 // 10))
    t = money(tax)
    if qty == 1:
        tot, toti, tott = p, pi, t
    else:
        tot, toti, tott = money(price * qty), money((price + tax) * qty), money(tax * qty)
    item["base_price"] = item["price_ex_tax"] = p
    item["price_inc_tax"], item["price_tax"] = pi, t
    item["base_total"] = item["total_ex_tax"] = tot
    item["total_inc_tax"] = item["discounted_total_inc_tax"] = toti
    item["total_tax"] = tott
    item["base_cost_price"] = item["cost_price_inc_tax"] = item["cost_price_ex_tax"] = cost


OPTION_TEMPLATE: dict[str, Any] = {
    "id": 0, "option_id": 1, "order_product_id": 0, "product_option_id": 0,
    "display_name": "Color", "display_name_customer": "Color", "display_name_merchant": "Color",
    "display_value": "", "display_value_customer": "", "display_value_merchant": "", "value": "",
    "type": "Swatch", "name": "Colors", "display_style": ""}


def line_item(store: StoreState, oid: int, k: int, address_id: int, rate: int, rnd) -> dict[str, Any]:
    products = store.tables["products"]
    pid = rnd.randrange(1, products.n + 1) if products.n else 0
    i = products.pos(pid)
    if i is not None:
        cols = products._cols
        name = cols["name0"][i]  # line items keep the name the product had when ordered
        price, n_var, brand, first_var = (cols["price"].item(i), cols["n_var"].item(i), cols["brand"].item(i),
                                          cols["var_start"].item(i))
        variant_id = first_var + rnd.randrange(n_var)
    else:
        name, price, n_var, brand, first_var, variant_id = "Custom Item", 100000, 1, 0, 0, 0
    qty = rnd.choice((1, 1, 1, 2, 3))
    item_id = oid * 1000 + k
    item = ITEM_TEMPLATE.copy()
    item["id"], item["order_id"], item["product_id"], item["variant_id"] = item_id, oid, pid, variant_id
    item["order_address_id"] = address_id
    item["name"] = item["name_customer"] = item["name_merchant"] = name
    item["sku"], item["quantity"] = f"SKU-{pid}-{variant_id}", qty
    _item_money(item, price, rate, qty)
    item["applied_discounts"], item["configurable_fields"] = [], []
    if brand:
        item["brand"] = BRANDS[(brand - 1) % N_BRANDS]
    if n_var > 1:
        item["option_set_id"] = 10 + pid % 7
        opt = OPTION_TEMPLATE.copy()
        opt["id"] = opt["order_product_id"] = item_id
        opt["product_option_id"] = 100 + pid
        opt["display_value"] = COLORS[(variant_id - first_var) % N_COLORS]
        opt["value"] = str(variant_id)
        item["product_options"] = [opt]
    else:
        item["product_options"] = []
    return item, (price * qty, _round_cents(price * rate // 10000) * qty)


BRANDS, N_BRANDS = vocab.BRAND_NAMES, len(vocab.BRAND_NAMES)
COLORS, N_COLORS = vocab.COLORS, len(vocab.COLORS)


SHIPPING_BASES = (0, 0, 50000, 99900, 129900, 200000)
_SHIP_MONEY: dict[tuple[int, int], tuple[str, str, str]] = {}  # (base, rate) -> base, inc tax, tax strings


def _ship_money(base: int, rate: int) -> tuple[str, str, str]:
    found = _SHIP_MONEY.get((base, rate))
    if found is None:
        tax = _round_cents(base * rate // 10000)
        found = _SHIP_MONEY[(base, rate)] = (money(base), money(base + tax), money(tax))
    return found


def _shipping(v2: str, oid: int, k: int, names: tuple[str, str, str], rnd, rate: int) -> dict[str, Any]:
    street, city, state, zip_code, country, iso2 = rnd.choice(vocab.ADDRESSES)
    base = rnd.choice(SHIPPING_BASES)
    tax = _round_cents(base * rate // 10000)
    base_s, inc_s, tax_s = _ship_money(base, rate)
    sid = oid * 10 + k
    first, last, email = names if k == 1 else (rnd.choice(vocab.FIRST_NAMES), rnd.choice(vocab.LAST_NAMES),
                                                names[2])
    return {
        "id": sid, "order_id": oid, "first_name": first, "last_name": last, "company": "",
        "street_1": street, "street_2": "", "city": city, "state": state, "zip": zip_code,
        "country": country, "country_iso2": iso2, "phone": f"555-01{k:02d}", "email": email,
        "items_total": 0, "items_shipped": 0,
        "shipping_method": "Free Shipping" if base == 0 else rnd.choice(vocab.SHIPPING_METHODS[1:]),
        "base_cost": base_s, "cost_ex_tax": base_s, "cost_inc_tax": inc_s,
        "cost_tax": tax_s, "cost_tax_class_id": 2, "base_handling_cost": ZERO,
        "handling_cost_ex_tax": ZERO, "handling_cost_inc_tax": ZERO, "handling_cost_tax": ZERO,
        "handling_cost_tax_class_id": 2, "shipping_zone_id": 1, "shipping_zone_name": country,
        "shipping_quotes": link(v2, f"/orders/{oid}/shippingaddresses/{sid}/shippingquotes"),
        "form_fields": [],
    }, (base, tax)


ORDER_TEMPLATE: dict[str, Any] = {  # every order field in the served order; constants filled in
    "id": None, "customer_id": None, "date_created": None, "date_modified": None, "date_shipped": None,
    "status_id": None, "status": None, "custom_status": None, "subtotal_ex_tax": None,
    "subtotal_inc_tax": None, "subtotal_tax": None, "base_shipping_cost": None, "shipping_cost_ex_tax": None,
    "shipping_cost_inc_tax": None, "shipping_cost_tax": None, "shipping_cost_tax_class_id": 2,
    "base_handling_cost": ZERO, "handling_cost_ex_tax": ZERO, "handling_cost_inc_tax": ZERO,
    "handling_cost_tax": ZERO, "handling_cost_tax_class_id": 2, "base_wrapping_cost": ZERO,
    "wrapping_cost_ex_tax": ZERO, "wrapping_cost_inc_tax": ZERO, "wrapping_cost_tax": ZERO,
    "wrapping_cost_tax_class_id": 3, "total_ex_tax": None, "total_inc_tax": None, "total_tax": None,
    "is_tax_inclusive_pricing": False, "items_total": None, "items_shipped": None, "payment_method": None,
    "payment_provider_id": "", "payment_status": None, "refunded_amount": None, "order_is_digital": False,
    "store_credit_amount": ZERO, "gift_certificate_amount": ZERO, "ip_address": None, "ip_address_v6": "",
    "geoip_country": None, "geoip_country_iso2": None, "currency_id": None, "currency_code": None,
    "currency_exchange_rate": "1.0000000000", "default_currency_id": None, "default_currency_code": None,
    "store_default_currency_code": "USD", "store_default_to_transactional_exchange_rate": None,
    "staff_notes": None, "customer_message": None, "discount_amount": None, "coupon_discount": None,
    "shipping_address_count": None, "is_deleted": None, "ebay_order_id": "0", "cart_id": None,
    "billing_address": None, "is_email_opt_in": None, "credit_card_type": None, "order_source": None,
    "channel_id": 1, "external_source": None, "products": None, "shipping_addresses": None, "coupons": None,
    "external_id": None, "external_merchant_id": None, "tax_provider_id": "BasicTaxProvider",
    "customer_locale": None, "external_order_id": "", "_products": None, "_shipping": None, "_coupons": None,
    "_pickups": None, "_downloads": None, "_gift_certificates": None,
}


def order_full(store: StoreState, oid: int) -> dict[str, Any]:
    t = store.tables["orders"]
    i = t.pos(oid)
    status, cust, n_items, n_ship, created, modified, currency, has_coupon, archived, kind = t.values(
        i, "status", "customer", "n_items", "n_ship", "created", "modified", "currency", "coupon", "archived",
        "kind")
    cur_id, cur_code, cur_rate = vocab.CURRENCIES[currency]
    rnd = rng_for(store.seed, "order", oid)
    rate = rnd.choice((0, 825, 2000))
    if cust:
        first, last, email, phone = person(store, cust)
    else:
        first, last = rnd.choice(vocab.FIRST_NAMES), rnd.choice(vocab.LAST_NAMES)
        email, phone = f"{slug(first)}.{slug(last)}.guest{oid}@example.net", ""
    v2 = store.v2_base
    kind = CONSIGNMENT_KINDS[kind]
    ships, ship_ex, ship_tax = [], 0, 0
    for k in range(1, (n_ship if kind == "shipping" else 0) + 1):
        ship, (base, tax) = _shipping(v2, oid, k, (first, last, email), rnd, rate)
        ships.append(ship)
        ship_ex += base
        ship_tax += tax
    chunk = math.ceil(n_items / max(1, n_ship))
    shipped_all = status in SHIPPED_ALL
    items, sub_ex, sub_tax, first_units = [], 0, 0, (0, 0)
    for k in range(1, n_items + 1):
        ship = ships[(k - 1) // chunk] if ships else None
        item, units = line_item(store, oid, k, ship["id"] if ship else 0, rate, rnd)
        _place(item, kind, oid)
        items.append(item)
        sub_ex += units[0]
        sub_tax += units[1]
        if k == 1:
            first_units = units
        qty = item["quantity"]
        if ship is None:
            continue
        ship["items_total"] += qty
        if shipped_all or (status == 3 and ship is ships[0]):
            item["quantity_shipped"] = qty
            ship["items_shipped"] += qty
    coupons = []
    discount = 0
    if has_coupon:
        ctype = rnd.choice((1, 2))
        amount = 10 if ctype == 1 else rnd.choice((5, 10))
        discount = min(sub_ex // 2, sub_ex * amount // 100 if ctype == 1 else amount * 10000)
        discount = _round_cents(discount)
        coupons.append({"id": oid * 10 + 1, "coupon_id": 1 + ctype, "order_id": oid,
                        "code": f"SAVE{amount}{'PCT' if ctype == 1 else ''}", "amount": amount,
                        "type": ctype, "discount": discount / 10000})
    total_ex = sub_ex + ship_ex - discount
    total_tax = sub_tax + ship_tax
    total_inc = total_ex + total_tax
    refunded = 0
    if status == 4:
        for it in items:
            it["is_refunded"], it["quantity_refunded"] = True, it["quantity"]
            it["refund_amount"] = it["total_inc_tax"]
        refunded = total_inc
    elif status == 14 and items:
        it = items[0]
        refunded = min(sum(first_units), _round_cents(total_inc // 2))  # partial: less than the total
        it["is_refunded"], it["quantity_refunded"], it["refund_amount"] = True, it["quantity"], money(refunded)
    street, city, state, zip_code, country, iso2 = rnd.choice(vocab.ADDRESSES)
    items_total = sum(it["quantity"] for it in items)
    items_shipped = sum(it["quantity_shipped"] for it in items)
    shipped_at = min(modified, created + rnd.randrange(3600, 86400 * 5))
    discount_s = money(discount)
    order = ORDER_TEMPLATE.copy()
    order.update({
        "id": oid, "customer_id": cust, "date_created": rfc2822(created), "date_modified": rfc2822(modified),
        "date_shipped": rfc2822(shipped_at) if items_shipped else "",
        "status_id": status, "status": statuses.NAMES[status], "custom_status": statuses.custom_label(status),
        "subtotal_ex_tax": money(sub_ex), "subtotal_inc_tax": money(sub_ex + sub_tax), "subtotal_tax": money(sub_tax),
        "base_shipping_cost": money(ship_ex), "shipping_cost_ex_tax": money(ship_ex),
        "shipping_cost_inc_tax": money(ship_ex + ship_tax), "shipping_cost_tax": money(ship_tax),
        "total_ex_tax": money(total_ex), "total_inc_tax": money(total_inc), "total_tax": money(total_tax),
        "items_total": items_total, "items_shipped": items_shipped,
        "payment_method": rnd.choice(vocab.PAYMENT_METHODS),
        "payment_status": PAYMENT_STATUS.get(status, "captured"), "refunded_amount": money(refunded),
        "ip_address": f"192.0.2.{oid % 250 + 1}", "geoip_country": country,
        "geoip_country_iso2": iso2, "currency_id": cur_id, "currency_code": cur_code,
        "default_currency_id": cur_id, "default_currency_code": cur_code,
        "store_default_to_transactional_exchange_rate": cur_rate,
        "staff_notes": rnd.choice(("", "", "Gift — handle with care", "VIP")),
        "customer_message": rnd.choice(("", "", "Bitte klingeln, merci !", "请放在门口")),
        "discount_amount": discount_s, "coupon_discount": discount_s,
        "shipping_address_count": len(ships), "is_deleted": archived, "order_is_digital": kind == "downloads",
        "cart_id": uuid_for(rnd),
        "billing_address": {
            "first_name": first, "last_name": last, "company": "", "street_1": street, "street_2": "",
            "city": city, "state": state, "zip": zip_code, "country": country, "country_iso2": iso2,
            "phone": phone, "email": email, "form_fields": []},
        "is_email_opt_in": rnd.random() < 0.4,
        "order_source": rnd.choice(vocab.ORDER_SOURCES),
        "products": link(v2, f"/orders/{oid}/products"),
        "shipping_addresses": link(v2, f"/orders/{oid}/shippingaddresses"),
        "coupons": link(v2, f"/orders/{oid}/coupons"),
        "customer_locale": rnd.choice(vocab.LOCALES),
        "_products": items, "_shipping": ships, "_coupons": coupons,
        **_other_consignments(kind, oid, email, rnd),
    })
    return order


def _place(item: dict[str, Any], kind: str, oid: int) -> None:
    """Make a line item belong to its order's non-shipping consignment: picked up (order_pickup_method_id is
    the pickup consignment's id, as order_address_id is the shipping one's), downloaded (a digital item) or
    e-mailed (a gift certificate)."""
    if kind == "pickups":
        item["order_pickup_method_id"] = oid * 10 + 1
    elif kind == "downloads":
        item["type"] = "digital"
    elif kind == "gift_certificates":
        item["type"], item["gift_certificate_id"] = "giftcertificate", item["id"]


def _other_consignments(kind: str, oid: int, email: str, rnd) -> dict[str, list[dict[str, Any]]]:
    """`_pickups`, `_downloads` and `_gift_certificates`: the order's consignments other than shipping
    (orders.v2 pickupConsignment_Get, digitalConsignment_Get, giftCertificateConsignment_Get, without
    line_items, which shapes.order fills in)."""
    out: dict[str, list[dict[str, Any]]] = {"_pickups": [], "_downloads": [], "_gift_certificates": []}
    if kind == "pickups":
        street, city, state, zip_code, _country, iso2 = rnd.choice(vocab.ADDRESSES)
        out["_pickups"].append({
            "id": oid * 10 + 1, "pickup_method_id": 1, "pickup_method_display_name": "Pick Up",
            "collection_instructions": "Bring your ID", "collection_time_description": "9am - 6pm",
            "location": {"id": 1, "name": "Location 1", "code": "LOCATION-1", "address_line_1": street,
                         "address_line_2": "", "city": city, "state": state, "postal_code": zip_code,
                         "country_alpha2": iso2, "email": "pickup@example.com", "phone": "+1 555 0100"}})
    elif kind == "downloads":
        out["_downloads"].append({"recipient_email": email})
    elif kind == "gift_certificates":
        out["_gift_certificates"].append({"recipient_email": email})
    return out
