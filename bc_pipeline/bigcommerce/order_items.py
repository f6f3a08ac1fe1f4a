"""Placing an order's complete line items (from /v2/orders/{id}/products) into its consignments.

An order listed with include=consignments.line_items carries each consignment's first 50 items. The
complete list says which consignment the others belong to only through their own fields: a shipping
consignment's `id` is its items' `order_address_id`, a pickup consignment's `id` their
`order_pickup_method_id`; digital items go to the (at most one) download consignment and gift certificates
to the e-mailed ones. An item those rules cannot place goes to the only consignment that was truncated, if
there is one; otherwise the order is not completed (fill returns False and the caller keeps the warning).
"""

from __future__ import annotations

from typing import Any

Consignment = tuple[str, dict[str, Any]]  # (kind, the consignment dict, changed in place)


def consignments(order: dict[str, Any]) -> list[Consignment]:
    """Every consignment of the order that carries line items, with its kind."""
    cons = order.get("consignments")
    groups = cons if isinstance(cons, list) else [cons] if isinstance(cons, dict) else []
    out: list[Consignment] = []
    for group in groups:
        if not isinstance(group, dict):
            continue
        lists = [(kind, group.get(kind)) for kind in ("shipping", "pickups", "downloads")]
        email = group.get("email")
        if isinstance(email, dict):
            lists.append(("gift_certificates", email.get("gift_certificates")))
        for kind, items in lists:
            if isinstance(items, list):
                out.extend((kind, c) for c in items if isinstance(c, dict) and "line_items" in c)
    return out


def _by_rule(item: dict[str, Any], cons: list[Consignment]) -> list[int]:
    """Positions of the consignments an item's own fields say it belongs to."""
    def where(kind: str, match=lambda c: True) -> list[int]:
        return [i for i, (k, c) in enumerate(cons) if k == kind and match(c)]
    if item.get("order_address_id"):
        return where("shipping", lambda c: c.get("id") == item["order_address_id"])
    if item.get("order_pickup_method_id"):
        return where("pickups", lambda c: c.get("id") == item["order_pickup_method_id"])
    if item.get("type") == "digital":
        return where("downloads")
    if item.get("type") == "giftcertificate":
        return where("gift_certificates")
    return []


def fill(order: dict[str, Any], items: list[dict[str, Any]]) -> bool:
    """Replace each consignment's line items with its complete list and drop `__warning__`; False (order
    unchanged) when an embedded item is missing from `items` or an item cannot be placed."""
    cons = consignments(order)
    owner = {li["id"]: i for i, (_, c) in enumerate(cons) for li in c["line_items"]
             if isinstance(li, dict) and "id" in li}
    if not items or not owner.keys() <= {it.get("id") for it in items}:
        return False
    truncated = [i for i, (_, c) in enumerate(cons) if len(c["line_items"]) >= 50]
    placed: list[list[dict[str, Any]]] = [[] for _ in cons]
    for item in sorted(items, key=lambda it: it["id"]):
        where = [owner[item["id"]]] if item["id"] in owner else _by_rule(item, cons)
        if len(where) != 1:
            where = truncated if len(truncated) == 1 else []
        if not where:
            return False
        placed[where[0]].append(item)
    for (_, consignment), mine in zip(cons, placed, strict=True):
        consignment["line_items"] = mine
    order.pop("__warning__", None)
    return True
