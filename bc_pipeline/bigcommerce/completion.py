"""Record completion: lists the API caps are filled in before a record is flattened, so no row is partial.

* Customers embed at most 10 addresses and 10 attributes. A customer whose `address_count` /
  `attribute_count` exceeds what came embedded gets the complete lists from /v3/customers/addresses and
  /v3/customers/attribute-values, asked for many customers at once (`customer_id:in`, batched; the
  batches run concurrently, see fetch_pages(parent_batches=)).
* Orders listed with include=consignments.line_items embed at most 50 line items per consignment, in any
  consignment kind (shipping, pickups, downloads, e-mailed gift certificates), and then carry `__warning__`.
  Only those orders get their line items from /v2/orders/{id}/products; each consignment's `line_items`
  becomes the complete list of its items (order_items.py) and only then is the warning removed. An order
  whose items cannot all be placed keeps the warning and fails the page loudly: a truncated list must never
  replace the stored one (warehouse/rows.py only replaces line items of orders without the warning).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from bc_pipeline.bigcommerce import order_items
from bc_pipeline.bigcommerce.paging import fetch_pages
from bc_pipeline.bigcommerce.shards import batches
from bc_pipeline.bigcommerce.streams import STREAMS

CUSTOMER_BATCH = 50  # customers per customer_id:in request
ORDER_BATCH = 8  # truncated orders completed together (one /products request each, all at once): a small
# batch starts their completion while the listing still runs (the request count is the same whatever the batch)
BATCH = {"customers": CUSTOMER_BATCH, "orders": ORDER_BATCH}


class LineItemsIncompleteError(RuntimeError):
    """An order's truncated line items could not be completed: the stream fails rather than store a part."""


def _short_addresses(record: dict[str, Any]) -> bool:
    return "addresses" in record and (record.get("address_count") or 0) > len(record["addresses"] or [])


def _short_attributes(record: dict[str, Any]) -> bool:
    return "attributes" in record and (record.get("attribute_count") or 0) > len(record["attributes"] or [])


def needs_completion(stream: str, record: dict[str, Any]) -> bool:
    """Whether a record came with a capped list that must be completed before it is flattened (the one
    place that decides it: the completer holds these records, the functions below complete them)."""
    if stream == "customers":
        return _short_addresses(record) or _short_attributes(record)
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
    for key, short, stream in (("addresses", _short_addresses, "customer_addresses"),
                               ("attributes", _short_attributes, "customer_attribute_values")):
        ids = sorted({r["id"] for r in records if short(r)})
        if ids:
            children = _children_by_customer(client, stream, ids)
            for r in records:
                if r["id"] in children:
                    r[key] = children[r["id"]]
    return records


def complete_orders(client: Any, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give each truncated order its complete line items (see order_items.py); raise
    LineItemsIncompleteError for an order whose items cannot all be placed, keeping its warning."""
    truncated = [r for r in records if needs_completion("orders", r)]
    if not truncated:
        return records
    items: dict[int, list[dict]] = defaultdict(list)
    for page in fetch_pages(client, STREAMS["order_products"], ids=[r["id"] for r in truncated]):
        for item in page.records:
            items[int(item["order_id"])].append(item)
    failed = [order["id"] for order in truncated if not order_items.fill(order, items.get(order["id"], []))]
    if failed:
        shown = ", ".join(map(str, failed[:5])) + (f" and {len(failed) - 5} more" if len(failed) > 5 else "")
        raise LineItemsIncompleteError(
            f"the line items of order {shown} were truncated at 50 per consignment and could not be completed "
            "from /v2/orders/{id}/products; their stored line items were kept")
    return records


def complete_records(client: Any, stream: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Complete one page of a stream's records (streams without capped lists pass through)."""
    if stream == "customers":
        return complete_customers(client, records)
    if stream == "orders":
        return complete_orders(client, records)
    return records
