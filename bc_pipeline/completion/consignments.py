"""The one walker over an order's consignments, shared by completion (orders.py) and the flattening of
orders (warehouse/rows.py), and the one test of "its line items were truncated".

An order listed with include=consignments.line_items&consignment_structure=object carries `consignments`:
an object (or a list of them) holding lists per kind: `shipping`, `pickups`, `downloads`, and
`email.gift_certificates`. Each consignment in those lists is an object with `line_items`; a shipping
consignment is also the order's shipping address. The API caps each consignment at 50 line items and then
marks the order with `__warning__`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Consignment = tuple[str, dict[str, Any]]  # (kind, the consignment dict)
KINDS = ("shipping", "pickups", "downloads", "gift_certificates")
# kind, the object enclosing its list (None: the group itself), the list's key
_PLACES = (("shipping", None, "shipping"), ("pickups", None, "pickups"), ("downloads", None, "downloads"),
           ("gift_certificates", "email", "gift_certificates"))


def truncated(order: dict[str, Any]) -> bool:
    """The API cut a consignment's line items at 50: the order must be completed before its items are stored."""
    return "__warning__" in order


def _groups(order: dict[str, Any]) -> list[Any]:
    cons = order.get("consignments")
    return [cons] if isinstance(cons, dict) else cons if isinstance(cons, list) else []


def _kind_lists(group: dict[str, Any]) -> list[tuple[str, str | None, str, list[Any]]]:
    """(kind, enclosing key, list key, the list) for every consignment list the group holds (a plain loop:
    the flattening of orders walks every order through here)."""
    found = []
    for kind, enclosing, key in _PLACES:
        holder = group.get(enclosing) if enclosing else group
        if isinstance(holder, dict):
            items = holder.get(key)
            if isinstance(items, list):
                found.append((kind, enclosing, key, items))
    return found


def consignments(order: dict[str, Any]) -> list[Consignment]:
    """Every consignment of the order that carries line items, with its kind (the dicts themselves)."""
    return [(kind, c) for group in _groups(order) if isinstance(group, dict)
            for kind, _, _, found in _kind_lists(group) for c in found if isinstance(c, dict) and "line_items" in c]


def rebuilt(order: dict[str, Any], visit: Callable[[str, dict[str, Any]], dict[str, Any]]) -> Any | None:
    """A copy of the order's consignments (same shape) where each consignment dict `c` of kind `k` is
    `visit(k, c)`; None when the order holds no consignment list (or a group that is not an object)."""
    cons = order.get("consignments")
    groups = [cons] if isinstance(cons, dict) else cons
    # every group must be an object, checked before any visit (visits emit rows)
    if not groups or not isinstance(groups, list) or not all(isinstance(g, dict) for g in groups):
        return None
    copies, saw_kind = [], False
    for group in groups:
        copy = dict(group)
        for kind, enclosing, key, found in _kind_lists(group):
            saw_kind = True
            holder = copy
            if enclosing:
                holder = copy[enclosing] = dict(group[enclosing])
            holder[key] = [visit(kind, c) if isinstance(c, dict) else c for c in found] if found else []
        copies.append(copy)
    if not saw_kind:
        return None
    return copies[0] if isinstance(cons, dict) else copies
