"""Record completion: lists the API caps are filled in before a record is flattened, so no row is partial.

* Customers embed at most 10 addresses and 10 attributes. A customer whose `address_count` /
  `attribute_count` exceeds what came embedded gets the complete lists from /v3/customers/addresses and
  /v3/customers/attribute-values, asked for many customers at once (`customer_id:in`, batched; the
  batches run concurrently, see fetch_pages(parent_batches=)).
* Orders listed with include=consignments.line_items embed at most 50 line items per consignment and then
  carry `__warning__`. Only those orders get their line items from /v2/orders/{id}/products; each
  consignment's `line_items` is replaced by the complete list of its items (matched on order_address_id)
  and the warning, now answered, is removed.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from bc_pipeline.bigcommerce.paging import fetch_pages
from bc_pipeline.bigcommerce.shards import batches
from bc_pipeline.bigcommerce.streams import STREAMS

CUSTOMER_BATCH = 50  # customers per customer_id:in request
ORDER_BATCH = 8  # truncated orders completed together (one /products request each, all at once): a small
# batch starts their completion while the listing still runs (the request count is the same whatever the batch)
BATCH = {"customers": CUSTOMER_BATCH, "orders": ORDER_BATCH}


def needs_completion(stream: str, record: dict[str, Any]) -> bool:
    """Whether a record came with a capped list that must be completed before it is flattened."""
    if stream == "customers":
        return ("addresses" in record and (record.get("address_count") or 0) > len(record["addresses"] or [])) or (
            "attributes" in record and (record.get("attribute_count") or 0) > len(record["attributes"] or [])
        )
    if stream == "orders":
        return "__warning__" in record
    return False


def _children_by_customer(client: Any, stream: str, customer_ids: list[int]) -> dict[int, list[dict]]:
    found: dict[int, list[dict]] = defaultdict(list)
    # by parent, not by date: no window to plan, no store clock to ask for
    for page in fetch_pages(client, STREAMS[stream], parent_batches=batches(customer_ids, CUSTOMER_BATCH)):
        for child in page.records:
            found[int(child["customer_id"])].append(child)
    for children in found.values():
        children.sort(key=lambda c: c.get("id", 0))
    return found


def complete_customers(client: Any, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    short_addr = sorted({r["id"] for r in records
                         if "addresses" in r and (r.get("address_count") or 0) > len(r["addresses"] or [])})
    short_attr = sorted({r["id"] for r in records
                         if "attributes" in r and (r.get("attribute_count") or 0) > len(r["attributes"] or [])})
    if short_addr:
        addresses = _children_by_customer(client, "customer_addresses", short_addr)
        for r in records:
            if r["id"] in addresses:
                r["addresses"] = addresses[r["id"]]
    if short_attr:
        attributes = _children_by_customer(client, "customer_attribute_values", short_attr)
        for r in records:
            if r["id"] in attributes:
                r["attributes"] = attributes[r["id"]]
    return records


def _consignment_lists(order: dict[str, Any]) -> list[dict[str, Any]]:
    cons = order.get("consignments")
    groups = cons if isinstance(cons, list) else [cons] if isinstance(cons, dict) else []
    out: list[dict[str, Any]] = []
    for group in groups:
        for value in group.values():
            if isinstance(value, list):
                out.extend(c for c in value if isinstance(c, dict) and "line_items" in c)
    return out


def complete_orders(client: Any, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    truncated = [r for r in records if "__warning__" in r]
    if not truncated:
        return records
    items: dict[int, list[dict]] = defaultdict(list)
    for page in fetch_pages(client, STREAMS["order_products"], ids=[r["id"] for r in truncated]):
        for item in page.records:
            items[int(item["order_id"])].append(item)
    for order in truncated:
        by_address: dict[Any, list[dict]] = defaultdict(list)
        for item in sorted(items.get(order["id"], []), key=lambda i: i["id"]):
            by_address[item.get("order_address_id")].append(item)
        for consignment in _consignment_lists(order):
            if consignment.get("id") in by_address:
                consignment["line_items"] = by_address[consignment["id"]]
        order.pop("__warning__", None)
    return records


def complete_records(client: Any, stream: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Complete one page of a stream's records (streams without capped lists pass through)."""
    if stream == "customers":
        return complete_customers(client, records)
    if stream == "orders":
        return complete_orders(client, records)
    return records
