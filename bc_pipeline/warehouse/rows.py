"""Record -> row flattening: what one API record becomes in each warehouse table.

One flattener per kind of record; the stream registry (bc_pipeline/streams.py) names each stream's, and
`streams.rows_for(stream, records)` calls it. Orders walk their consignments with completion's walker
(completion/consignments.py), the same one that completes truncated orders.
Fast (the hot path): no per-field validation, and no copies. A flattener owns the records it is given: each
record dict becomes its row in place (a copy of every record, and freeing both, was a third of flattening's
cost), so a caller that keeps its records flattens copies of them (`streams.rows_for` does). Values stay as
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

from bc_pipeline.completion.consignments import rebuilt, truncated
from bc_pipeline.warehouse.schema import TABLES

Row = dict[str, Any]
Flatten = Callable[[Iterable[dict]], dict[str, list[Row]]]  # records -> rows per table (every table it feeds)
_KNOWN = {name: frozenset(c.name for c in t.api_columns) for name, t in TABLES.items()}
_ITEM, _ADDRESS = _KNOWN["order_line_items"], _KNOWN["order_shipping_addresses"]


def _row(rec: dict, known: frozenset[str], handled: frozenset[str] = frozenset()) -> Row:
    """The record as its row, in place: the fields the contract does not name (less `handled`) also in `_extra`."""
    if known.issuperset(rec):  # the usual record: every field is a contract column (no set built)
        return rec
    extra = rec.keys() - known
    if handled:
        extra -= handled
    if extra:
        kept = {k: rec[k] for k in extra}
        for k in extra:  # an API field named like an internal key (even `_extra`) must not act as one
            if k.startswith("_"):
                del rec[k]
        rec["_extra"] = kept
    return rec


def plain(table: str) -> Flatten:
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


def order_rows(records: Iterable[dict]) -> dict[str, list[Row]]:
    """Orders, their line items (every consignment kind) and shipping addresses (shipping consignments). The
    order row keeps `consignments` with line items as ids and each shipping consignment as its address id
    (and its line items' ids); an order whose line items are not all full records, or are truncated, does not
    replace its stored line items."""
    k_order = _KNOWN["orders"]
    orders: list[Row] = []
    items: list[Row] = []
    addrs: list[Row] = []
    for rec in records:
        cut = truncated(rec)  # (its marker is an internal-looking key, which the row keeps in _extra only)
        row = _row(rec, k_order)
        version = row.get("date_modified")
        deleted = version if row.get("is_deleted") is True else None
        row["_deleted_at"] = deleted
        row["_children"] = ()
        parts = _ConsignmentRows(row.get("id"), version, deleted, items, addrs)
        slim = rebuilt(row, parts.take)
        if slim is not None:
            row["consignments"] = slim
            complete_items = parts.items_known and not cut
            row["_children"] = ("order_shipping_addresses",) + (("order_line_items",) if complete_items else ())
        orders.append(row)
    return {"orders": orders, "order_line_items": items, "order_shipping_addresses": addrs}


class _ConsignmentRows:
    """Emits one order's line items (and shipping addresses) consignment by consignment; `take` returns the
    consignment with its line items as ids (a shipping consignment: its id and those ids; the rest of it is
    the address row). `items_known`: every line item was a full record."""

    __slots__ = ("oid", "version", "deleted", "items", "addrs", "items_known")

    def __init__(self, oid: Any, version: Any, deleted: Any, items: list[Row], addrs: list[Row]) -> None:
        self.oid, self.version, self.deleted, self.items, self.addrs = oid, version, deleted, items, addrs
        self.items_known = True

    def take(self, kind: str, c: dict) -> dict:
        line_items = c.get("line_items")
        ids = line_items  # a link object ({url, resource}) or anything else stays as the API gave it
        if isinstance(line_items, list):
            ids = []
            for li in line_items:
                if isinstance(li, dict) and "id" in li:
                    item = _child(li, _ITEM, "order_id", self.oid, self.version, self.deleted)
                    if kind == "shipping" and item.get("order_address_id") is None:
                        item["order_address_id"] = c.get("id")
                    self.items.append(item)
                    ids.append(li["id"])
                else:  # a link object ({url, resource}): the items themselves were not included
                    ids.append(li)
                    self.items_known = False
        elif line_items is not None:
            self.items_known = False
        # A shipping consignment is the order's shipping address: the address row holds its fields and the
        # order keeps its id (one place per fact). One without an id stays whole, so nothing is lost.
        slim = {"id": c["id"]} if kind == "shipping" and "id" in c else dict(c)
        if "line_items" in c:
            slim["line_items"] = ids
        if kind == "shipping":
            c.pop("line_items", None)  # the consignment itself becomes the address row (no copy)
            self.addrs.append(_child(c, _ADDRESS, "order_id", self.oid, self.version, self.deleted))
        return slim


def with_children(parent: str, embedded: str, child: str, key: str) -> Flatten:
    """Parents whose records embed a complete list of children (customers.addresses, products.variants)."""
    k_parent, k_child = _KNOWN[parent], _KNOWN[child]
    handled = frozenset({embedded})

    def flatten(records: Iterable[dict]) -> dict[str, list[Row]]:
        parents: list[Row] = []
        children: list[Row] = []
        for rec in records:
            embeds = embedded in rec
            kids = rec.get(embedded)
            is_list = isinstance(kids, list)
            row = _row(rec, k_parent, handled if is_list else frozenset())
            row.pop(embedded, None)
            if embeds and not is_list:
                row.setdefault("_extra", {})[embedded] = kids
            row["_children"] = (child,) if is_list else ()
            if is_list:
                pid, version = row.get("id"), row.get("date_modified")
                children.extend(_child(k, k_child, key, pid, version, None) for k in kids)
            parents.append(row)
        return {parent: parents, child: children}

    return flatten
