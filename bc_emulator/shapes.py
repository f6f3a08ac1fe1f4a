"""From internal full records to the exact dicts the API serves for a given request (includes, caps).

Internal records carry every sub-list; these functions pick what a request asked for. One place, so
`Store.records()` and the HTTP handlers cannot drift apart.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bc_emulator.rng import money
from bc_emulator.timefmt import epoch, rfc2822

EMBED_CAP = 10  # customers: embedded addresses and attributes are "Limited to 10"
CONSIGNMENT_CAP = 50  # orders: line items embedded per consignment (bigcommerce/docs issue #960)
TRUNCATION_WARNING = (
    "Line items are truncated to 50 per consignment. "
    "Use the /v2/orders/{order_id}/products endpoint to retrieve all line items."
)
INTERNAL_ORDER_KEYS = ("_products", "_shipping", "_coupons", "_pickups", "_downloads", "_gift_certificates")
CUSTOMER_INCLUDES = {"addresses": "addresses", "attributes": "attributes", "formfields": "form_fields",
                     "storecredit": "store_credit_amounts"}
PRODUCT_INCLUDES = ("variants", "custom_fields", "options", "images", "modifiers", "bulk_pricing_rules",
                    "videos")


def customer(full: dict[str, Any], includes: set[str]) -> dict[str, Any]:
    out = full.copy()
    for inc, key in CUSTOMER_INCLUDES.items():
        value = out.pop(key, None)
        if inc in includes:
            if key == "addresses":
                value = [address(a, "formfields" in includes) for a in value[:EMBED_CAP]]
            elif key == "attributes":
                value = value[:EMBED_CAP]
            out[key] = value
    return out


def address(full: dict[str, Any], formfields: bool) -> dict[str, Any]:
    out = full.copy()
    if not formfields:
        out.pop("form_fields", None)
    return out


def link(v2: str, resource: str) -> dict[str, str]:
    """A v2 link object; v2 is the store's '{base_url}/stores/{hash}/v2' (Store.v2_base)."""
    return {"url": v2 + resource, "resource": resource}


def customer_v2(full: dict[str, Any], v2: str) -> dict[str, Any]:
    """The customers.v2.yml customer_Full of a (v3-form) internal customer record: RFC 2822 dates, store credit
    as a 4-decimal string (the sum of store_credit_amounts), accepts_marketing and reset_pass_on_login from
    their v3 names, addresses as a link; form_fields as on v3."""
    cid = full["id"]
    credit = sum((Decimal(str(c["amount"])) for c in full.get("store_credit_amounts") or ()), Decimal(0))
    return {
        "id": cid, "company": full["company"], "first_name": full["first_name"], "last_name": full["last_name"],
        "email": full["email"], "phone": full["phone"], "form_fields": full.get("form_fields"),
        "date_created": rfc2822(epoch(full["date_created"])), "date_modified": rfc2822(epoch(full["date_modified"])),
        "store_credit": money(int(credit * 10000)), "registration_ip_address": full["registration_ip_address"],
        "customer_group_id": full["customer_group_id"], "notes": full["notes"],
        "tax_exempt_category": full["tax_exempt_category"],
        "reset_pass_on_login": bool((full.get("authentication") or {}).get("force_password_reset")),
        "accepts_marketing": bool(full.get("accepts_product_review_abandoned_cart_emails")),
        "addresses": link(v2, f"/customers/{cid}/addresses"),
    }


ADDRESS_V2_FROM_V3 = (("id", "id"), ("customer_id", "customer_id"), ("first_name", "first_name"),
                      ("last_name", "last_name"), ("company", "company"), ("street_1", "address1"),
                      ("street_2", "address2"), ("city", "city"), ("state", "state_or_province"),
                      ("zip", "postal_code"), ("country", "country"), ("country_iso2", "country_code"),
                      ("phone", "phone"), ("address_type", "address_type"))


def address_v2(full: dict[str, Any]) -> dict[str, Any]:
    """customers.v2.yml customerAddress_Full from a v3 address (v2 has no address form_fields)."""
    return {v2_name: full.get(v3_name) for v2_name, v3_name in ADDRESS_V2_FROM_V3}


def product(full: dict[str, Any], includes: set[str]) -> dict[str, Any]:
    out = full.copy()
    for key in PRODUCT_INCLUDES:
        if key not in includes:
            out.pop(key, None)
    return out


CONSIGNMENT_MONEY = ("base_cost", "cost_ex_tax", "cost_inc_tax", "cost_tax", "base_handling_cost",
                     "handling_cost_ex_tax", "handling_cost_inc_tax", "handling_cost_tax")


def _consignment(ship: dict[str, Any], mine: list[dict[str, Any]], with_items: bool, base: str) -> dict[str, Any]:
    out: dict[str, Any] = ship.copy()
    out.pop("order_id", None)
    out.pop("shipping_quotes", None)
    oid, sid = ship["order_id"], ship["id"]
    for key in CONSIGNMENT_MONEY:
        out[key] = float(ship[key])  # consignments show costs as numbers (shippingConsignment_Get)
    if with_items:  # shared with the record (read-only): the served bytes are the same as a copy's
        out["line_items"] = mine[:CONSIGNMENT_CAP]
    else:
        out["line_items"] = [link(base, f"/orders/{oid}/products/{it['id']}") for it in mine]
    out["shipping_quotes"] = link(base, f"/orders/{oid}/consignments/shipping/{sid}/shipping_quotes")
    return out


def _items_by_consignment(full: dict[str, Any]) -> dict[tuple[str, int], list[dict[str, Any]]]:
    """Each line item under its consignment: (kind, position in that kind's list) -> items."""
    ships = {s["id"]: i for i, s in enumerate(full["_shipping"])}
    pickups = {p["id"]: i for i, p in enumerate(full.get("_pickups") or ())}
    out: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for it in full["_products"]:
        if it["order_address_id"] in ships:
            key = ("shipping", ships[it["order_address_id"]])
        elif it.get("order_pickup_method_id") in pickups:
            key = ("pickups", pickups[it["order_pickup_method_id"]])
        elif it.get("type") == "digital" and full.get("_downloads"):
            key = ("downloads", 0)
        elif it.get("type") == "giftcertificate" and full.get("_gift_certificates"):
            key = ("gift_certificates", 0)
        else:
            continue
        out.setdefault(key, []).append(it)
    return out


def _other(consignment: dict[str, Any], mine: list[dict[str, Any]], with_items: bool, base: str,
           oid: int) -> dict[str, Any]:
    out = consignment.copy()
    if with_items:
        out["line_items"] = mine[:CONSIGNMENT_CAP]
    else:
        out["line_items"] = [link(base, f"/orders/{oid}/products/{it['id']}") for it in mine]
    return out


def order(full: dict[str, Any], includes: set[str], structure_object: bool, base: str) -> dict[str, Any]:
    """base: 'http://host/stores/{hash}/v2' for the link urls."""
    out = full.copy()
    for key in INTERNAL_ORDER_KEYS:
        out.pop(key, None)
    if "consignments" in includes or "consignments.line_items" in includes:
        with_items = "consignments.line_items" in includes
        placed = _items_by_consignment(full)
        shipping = [_consignment(s, placed.get(("shipping", i), []), with_items, base)
                    for i, s in enumerate(full["_shipping"])]
        oid = full["id"]
        other = {kind: [_other(c, placed.get((kind, i), []), with_items, base, oid)
                        for i, c in enumerate(full.get("_" + kind) or ())]
                 for kind in ("pickups", "downloads", "gift_certificates")}
        cons = {"pickups": other["pickups"], "shipping": shipping, "downloads": other["downloads"],
                "email": {"gift_certificates": other["gift_certificates"]}}
        out["consignments"] = cons if structure_object else [cons]
        if with_items and any(len(mine) > CONSIGNMENT_CAP for mine in placed.values()):
            out["__warning__"] = TRUNCATION_WARNING
    if "fees" in includes:
        out["fees"] = []
    return out
