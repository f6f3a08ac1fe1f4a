"""From internal full records to the exact dicts the API serves for a given request (includes, caps).

Internal records carry every sub-list; these functions pick what a request asked for. One place, so
`Store.records()` and the HTTP handlers cannot drift apart.
"""

from __future__ import annotations

from typing import Any

EMBED_CAP = 10  # customers: embedded addresses and attributes are "Limited to 10"
CONSIGNMENT_CAP = 50  # orders: line items embedded per consignment (bigcommerce/docs issue #960)
TRUNCATION_WARNING = (
    "Line items are truncated to 50 per consignment. "
    "Use the /v2/orders/{order_id}/products endpoint to retrieve all line items."
)
INTERNAL_ORDER_KEYS = ("_products", "_shipping", "_coupons")
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
        out["line_items"] = [{"url": f"{base}/orders/{oid}/products/{it['id']}",
                              "resource": f"/orders/{oid}/products/{it['id']}"} for it in mine]
    resource = f"/orders/{oid}/consignments/shipping/{sid}/shipping_quotes"
    out["shipping_quotes"] = {"url": base + resource, "resource": resource}
    return out


def order(full: dict[str, Any], includes: set[str], structure_object: bool, base: str) -> dict[str, Any]:
    """base: 'http://host/stores/{hash}/v2' for the link urls."""
    out = full.copy()
    for key in INTERNAL_ORDER_KEYS:
        out.pop(key, None)
    if "consignments" in includes or "consignments.line_items" in includes:
        with_items = "consignments.line_items" in includes
        ships = full["_shipping"]
        per_ship: dict[int, list[dict[str, Any]]] = {s["id"]: [] for s in ships}
        for it in full["_products"]:
            mine = per_ship.get(it["order_address_id"])
            if mine is not None:
                mine.append(it)
        shipping = [_consignment(s, per_ship[s["id"]], with_items, base) for s in ships]
        cons = {"pickups": [], "shipping": shipping, "downloads": [], "email": {"gift_certificates": []}}
        out["consignments"] = cons if structure_object else [cons]
        if with_items and any(len(mine) > CONSIGNMENT_CAP for mine in per_ship.values()):
            out["__warning__"] = TRUNCATION_WARNING
    if "fees" in includes:
        out["fees"] = []
    return out
