"""Customers whose addresses or attribute values exceed what came embedded (at most 10 of each).

A customer whose `address_count` / `attribute_count` exceeds its embedded list gets the complete lists from
/v3/customers/addresses and /v3/customers/attribute-values, asked for many customers at once
(`customer_id:in`, batched; the batches run concurrently, see fetch_pages(parent_batches=)), the two lists
at the same time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bc_pipeline.bigcommerce.api import ApiClient
from bc_pipeline.bigcommerce.listing import Listing
from bc_pipeline.bigcommerce.paging import fetch_pages
from bc_pipeline.bigcommerce.shards import batches
from bc_pipeline.bigcommerce.workers import DaemonExecutor
from bc_pipeline.completion.base import Completion, Record

CUSTOMER_BATCH = 50  # customers per customer_id:in request


def _short(key: str, count: str) -> Callable[[Record], bool]:
    def short(record: Record) -> bool:
        return key in record and (record.get(count) or 0) > len(record[key] or [])
    return short


_SHORT = {"addresses": _short("addresses", "address_count"), "attributes": _short("attributes", "attribute_count")}


@dataclass(frozen=True)
class CustomerLists(Completion):
    addresses: Listing   # /v3/customers/addresses, by customer_id:in
    attributes: Listing  # /v3/customers/attribute-values, by customer_id:in
    batch: int = CUSTOMER_BATCH

    def needs(self, record: Record) -> bool:
        return any(short(record) for short in _SHORT.values())

    def listings(self) -> tuple[Listing, ...]:
        return (self.addresses, self.attributes)

    def complete(self, client: ApiClient, records: list[Record]) -> list[Record]:
        """Both lists at once: one round of the API's latency, not two."""
        lists = {"addresses": self.addresses, "attributes": self.attributes}
        wanted = {key: ids for key in lists if (ids := sorted({r["id"] for r in records if _SHORT[key](r)}))}
        helper = DaemonExecutor(len(wanted), thread_name_prefix="bc-complete-customer-lists")
        try:
            asked = {key: helper.submit(_children_by_customer, client, lists[key], ids) for key, ids in wanted.items()}
            found = {key: future.result() for key, future in asked.items()}
        finally:
            helper.shutdown(wait=False)
        for key, children in found.items():
            for r in records:
                if r["id"] in children:
                    r[key] = children[r["id"]]
        return records


def _children_by_customer(client: ApiClient, listing: Listing, customer_ids: list[int]) -> dict[int, list[dict]]:
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    # by parent, not by date: no window to plan, no store clock to ask for
    for page in fetch_pages(client, listing, parent_batches=batches(customer_ids, CUSTOMER_BATCH)):
        for child in page.records:
            found[int(child["customer_id"])].append(child)
    for children in found.values():
        children.sort(key=lambda c: c.get("id", 0))
    return found
