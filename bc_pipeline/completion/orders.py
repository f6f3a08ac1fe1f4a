"""Orders whose line items were truncated at 50 per consignment, completed from /v2/orders/{id}/products.

Orders listed with include=consignments.line_items embed at most 50 line items per consignment, in any
consignment kind (shipping, pickups, downloads, e-mailed gift certificates), and then carry `__warning__`.
Only those orders get their line items from /v2/orders/{id}/products, and each consignment's `line_items`
becomes the complete list of its items; only then is the warning removed. The complete list says which
consignment an item belongs to only through the item's own fields: a shipping consignment's `id` is its
items' `order_address_id`, a pickup consignment's `id` their `order_pickup_method_id`; digital items go to
the (at most one) download consignment and gift certificates to the e-mailed ones. An item those rules
cannot place goes to the only consignment that was truncated, if there is one; otherwise the order keeps
its warning and the batch fails loudly (LineItemsIncompleteError): a truncated list must never replace the
stored one (warehouse/rows.py only replaces the line items of orders that are not truncated).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from bc_pipeline.bigcommerce.api import ApiClient
from bc_pipeline.bigcommerce.listing import Listing
from bc_pipeline.bigcommerce.paging import fetch_pages
from bc_pipeline.completion.base import Completion, Record
from bc_pipeline.completion.consignments import Consignment, consignments, truncated

ORDER_BATCH = 8  # truncated orders completed together (one /products request each, all at once): a small
# batch starts their completion while the listing still runs (the request count is the same whatever the batch),
# and fewer than 8 start at once when a completion worker is idle (per_record)


class LineItemsIncompleteError(RuntimeError):
    """An order's truncated line items could not be completed: the stream fails rather than store a part."""


@dataclass(frozen=True)
class OrderLineItems(Completion):
    items: Listing  # /v2/orders/{id}/products, fetched with ids= (one listing per order)
    batch: int = ORDER_BATCH
    per_record: bool = True  # one listing per order: started whenever a completion worker is idle

    def needs(self, record: Record) -> bool:
        return truncated(record)

    def listings(self) -> tuple[Listing, ...]:
        return (self.items,)

    def complete(self, client: ApiClient, records: list[Record]) -> list[Record]:
        """Give each truncated order its complete line items; raise LineItemsIncompleteError for an order
        whose items cannot all be placed, keeping its warning."""
        cut = [r for r in records if truncated(r)]
        if not cut:
            return records
        items: dict[int, list[dict]] = defaultdict(list)
        for page in fetch_pages(client, self.items, ids=[r["id"] for r in cut]):
            for item in page.records:
                items[int(item["order_id"])].append(item)
        failed = [order["id"] for order in cut if not fill(order, items.get(order["id"], []))]
        if failed:
            shown = ", ".join(map(str, failed[:5])) + (f" and {len(failed) - 5} more" if len(failed) > 5 else "")
            raise LineItemsIncompleteError(
                f"the line items of order {shown} were truncated at 50 per consignment and could not be "
                "completed from /v2/orders/{id}/products; their stored line items were kept")
        return records


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
    full = [i for i, (_, c) in enumerate(cons) if len(c["line_items"]) >= 50]
    placed: list[list[dict[str, Any]]] = [[] for _ in cons]
    for item in sorted(items, key=lambda it: it["id"]):
        where = [owner[item["id"]]] if item["id"] in owner else _by_rule(item, cons)
        if len(where) != 1:
            where = full if len(full) == 1 else []
        if not where:
            return False
        placed[where[0]].append(item)
    for (_, consignment), mine in zip(cons, placed, strict=True):
        consignment["line_items"] = mine
    order.pop("__warning__", None)
    return True
