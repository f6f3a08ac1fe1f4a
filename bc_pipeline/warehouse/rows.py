"""Record -> row flattening: what one API record becomes in each warehouse table.

Pure and fast (the hot path): plain dict copies and comprehensions, no per-field validation. Values stay as
the API gave them (strings for v2 money and dates, JSON numbers for v3 money); load.py types them in DuckDB.
Every top-level field the contract does not name goes to `_extra`, so nothing is dropped.

Internal keys a row may carry for load.py (never stored as columns):
  `_children`       on a parent row: child tables whose complete set this record carries (those children are
                    replaced when the parent row is written);
  `_parent_version` on an embedded child row: its parent record's raw `date_modified`, so only the children of
                    the copy of the parent that wins the merge are written;
  `_deleted_at`     raw instant when the record is archived upstream (orders with is_deleted true).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from bc_pipeline.warehouse.rows_carts import cart_rows
from bc_pipeline.warehouse.schema import TABLES

Row = dict[str, Any]
_KNOWN = {name: frozenset(c.name for c in t.api_columns) for name, t in TABLES.items()}
_CONSIGNMENT_LISTS = ("shipping", "pickups", "downloads")


def _row(rec: dict, known: frozenset[str], handled: frozenset[str] = frozenset()) -> Row:
    row = dict(rec)
    extra = rec.keys() - known
    if handled:
        extra -= handled
    if extra:
        row["_extra"] = {k: rec[k] for k in extra}
        for k in extra:  # an API field named like an internal key must not act as one
            if k.startswith("_"):
                del row[k]
    return row


def _plain(table: str) -> Callable[[Iterable[dict]], dict[str, list[Row]]]:
    known = _KNOWN[table]

    def flatten(records: Iterable[dict]) -> dict[str, list[Row]]:
        return {table: [_row(rec, known) for rec in records]}

    return flatten


def _child(rec: dict, known: frozenset[str], key: str, parent_id: Any, version: Any, deleted: Any) -> Row:
    row = _row(rec, known)
    if row.get(key) is None:
        row[key] = parent_id
    row["_parent_version"] = version
    row["_deleted_at"] = deleted
    return row


def _orders(records: Iterable[dict]) -> dict[str, list[Row]]:
    k_order = _KNOWN["orders"]
    orders: list[Row] = []
    items: list[Row] = []
    addrs: list[Row] = []
    for rec in records:
        row = _row(rec, k_order)
        oid = rec.get("id")
        version = rec.get("date_modified")
        deleted = version if rec.get("is_deleted") is True else None
        row["_deleted_at"] = deleted
        row["_children"] = ()
        cons = rec.get("consignments")
        groups = [cons] if isinstance(cons, dict) else cons if isinstance(cons, list) else []
        if groups and all(isinstance(g, dict) for g in groups):
            slim_groups = []
            items_known = True
            saw_kind = False
            for group in groups:
                slim = dict(group)
                for kind in _CONSIGNMENT_LISTS:
                    if isinstance(group.get(kind), list):
                        saw_kind = True
                        slim[kind], ok = _consignments(group[kind], kind, oid, version, deleted, items, addrs)
                        items_known &= ok
                email = group.get("email")
                if isinstance(email, dict) and isinstance(email.get("gift_certificates"), list):
                    slim["email"] = dict(email)
                    slim["email"]["gift_certificates"], ok = _consignments(
                        email["gift_certificates"], "email", oid, version, deleted, items, addrs
                    )
                    items_known &= ok
                slim_groups.append(slim)
            if saw_kind:
                row["consignments"] = slim_groups[0] if isinstance(cons, dict) else slim_groups
                complete_items = items_known and "__warning__" not in rec
                row["_children"] = ("order_shipping_addresses",) + (("order_line_items",) if complete_items else ())
        orders.append(row)
    return {"orders": orders, "order_line_items": items, "order_shipping_addresses": addrs}


def _consignments(
    consignments: list, kind: str, oid: Any, version: Any, deleted: Any, items: list[Row], addrs: list[Row]
) -> tuple[list, bool]:
    """Emit the line items (and shipping addresses) of a consignment list; return it with line items as ids
    and whether every line item was a full record."""
    k_item, k_addr = _KNOWN["order_line_items"], _KNOWN["order_shipping_addresses"]
    slim_list: list = []
    complete = True
    for c in consignments:
        if not isinstance(c, dict):
            slim_list.append(c)
            continue
        line_items = c.get("line_items")
        slim = dict(c)
        if isinstance(line_items, list):
            ids = []
            for li in line_items:
                if isinstance(li, dict) and "id" in li:
                    item = _child(li, k_item, "order_id", oid, version, deleted)
                    if kind == "shipping" and item.get("order_address_id") is None:
                        item["order_address_id"] = c.get("id")
                    items.append(item)
                    ids.append(li["id"])
                else:  # a link object ({url, resource}): the items themselves were not included
                    ids.append(li)
                    complete = False
            slim["line_items"] = ids
        elif line_items is not None:
            complete = False
        if kind == "shipping":
            addr = {k: v for k, v in c.items() if k != "line_items"}
            addrs.append(_child(addr, k_addr, "order_id", oid, version, deleted))
        slim_list.append(slim)
    return slim_list, complete


def _with_children(parent: str, embedded: str, child: str, key: str) -> Callable[[Iterable[dict]], dict[str, list[Row]]]:
    """Parents whose records embed a complete list of children (customers.addresses, products.variants)."""
    k_parent, k_child = _KNOWN[parent], _KNOWN[child]
    handled = frozenset({embedded})

    def flatten(records: Iterable[dict]) -> dict[str, list[Row]]:
        parents: list[Row] = []
        children: list[Row] = []
        for rec in records:
            kids = rec.get(embedded)
            is_list = isinstance(kids, list)
            row = _row(rec, k_parent, handled if is_list else frozenset())
            row.pop(embedded, None)
            if embedded in rec and not is_list:
                row.setdefault("_extra", {})[embedded] = kids
            row["_children"] = (child,) if is_list else ()
            if is_list:
                pid, version = rec.get("id"), rec.get("date_modified")
                children.extend(_child(k, k_child, key, pid, version, None) for k in kids)
            parents.append(row)
        return {parent: parents, child: children}

    return flatten


_FLATTENERS: dict[str, Callable[[Iterable[dict]], dict[str, list[Row]]]] = {
    "orders": _orders,
    "customers": _with_children("customers", "addresses", "customer_addresses", "customer_id"),
    "products": _with_children("products", "variants", "variants", "product_id"),
    "customer_addresses": _plain("customer_addresses"),
    "order_products": _plain("order_line_items"),
    "variants": _plain("variants"),
    "subscribers": _plain("subscribers"),
    "categories": _plain("categories"),
    "brands": _plain("brands"),
    "order_statuses": _plain("order_statuses"),
    "customer_attributes": _plain("customer_attributes"),
    "carts": cart_rows,
}
STREAMS = tuple(_FLATTENERS)


def rows_for(stream: str, records: Iterable[dict]) -> dict[str, list[Row]]:
    """Flatten one stream's API records into rows per warehouse table."""
    try:
        flatten = _FLATTENERS[stream]
    except KeyError:
        raise KeyError(f"no warehouse rows for stream {stream!r}; known: {', '.join(STREAMS)}") from None
    return flatten(records)
