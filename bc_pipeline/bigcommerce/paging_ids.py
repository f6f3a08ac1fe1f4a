"""Fetching named records in bulk (`fetch_pages(..., ids=[...])`), for webhooks and completion, and the
children of named parents (`fetch_pages(..., parent_batches=[[...], ...])`).

v3 streams: `id:in` in batches of 250, each paged the stream's own way. v2 orders have no `id:in`: ids are grouped into min_id/max_id
ranges spanning fewer than 250 ids (one request each, unrequested ids in the range dropped). Order products
are a sub-resource: one listing of /v2/orders/{id}/products per order (an order that is gone gives nothing).
Children by parent: one small listing per batch with the stream's `parent_filter` (variants `product_id:in`,
addresses and attribute values `customer_id:in`), paged the stream's own way (page numbers: 1, then the last
page down to 2, then 1 again: a batch has no date bound, so records can join it meanwhile). Each batch is a task: batches run concurrently.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from typing import Any

from bc_pipeline.bigcommerce.api import ApiClient
from bc_pipeline.bigcommerce.errors import ApiRequestError
from bc_pipeline.bigcommerce.listing import Listing
from bc_pipeline.bigcommerce.paging_styles import Page, page_shard
from bc_pipeline.bigcommerce.shards import PAGE_LIMIT, Shard, batches, id_ranges


class IdLookup(ABC):
    """How a listing fetches named records: one task per request group, run concurrently by fetch_pages."""

    @abstractmethod
    def tasks(self, client: ApiClient, listing: Listing, ids: list[int], base: dict[str, Any]) -> list: ...


class IdIn(IdLookup):
    """v3 `id:in`, in batches of 250, each paged the listing's own way."""

    def tasks(self, client: ApiClient, listing: Listing, ids: list[int], base: dict[str, Any]) -> list:
        return [_filtered_task(client, listing, "id:in", chunk, base, "ids") for chunk in batches(ids)]


class IdRanges(IdLookup):
    """v2 orders: min_id/max_id ranges spanning fewer than 250 ids, unrequested ids dropped."""

    def tasks(self, client: ApiClient, listing: Listing, ids: list[int], base: dict[str, Any]) -> list:
        return [_range_task(client, listing, lo, hi, wanted, base) for lo, hi, wanted in id_ranges(ids)]


class EachParent(IdLookup):
    """A sub-resource: one listing of the path per parent id (one task each, so one per worker)."""

    def tasks(self, client: ApiClient, listing: Listing, ids: list[int], base: dict[str, Any]) -> list:
        return [_parent_task(client, listing, [parent], base) for parent in sorted(set(ids))]


def id_tasks(client: ApiClient, listing: Listing, ids: Iterable[int], base: dict[str, Any]) -> list:
    if listing.by_ids is None:
        raise ValueError(f"stream {listing.name} cannot fetch records by id")
    return listing.by_ids.tasks(client, listing, list(ids), base)


def parent_tasks(client: ApiClient, listing: Listing, parent_batches: Iterable[Iterable[int]],
                 base: dict[str, Any]) -> list:
    if listing.parent_filter is None:
        raise ValueError(f"stream {listing.name} cannot list children by parent id")
    return [_filtered_task(client, listing, listing.parent_filter, ids, base, "parents")
            for ids in (sorted({int(i) for i in batch}) for batch in parent_batches) if ids]


def _filtered_task(client: ApiClient, listing: Listing, name: str, values: list[int], base: dict[str, Any],
                   label: str):
    # Paged the stream's own way: a batch can span several pages (products with include=options are
    # served 10 per page, whatever the limit; a product can have more than 250 variants).
    def task(emit, pool=None) -> None:
        query = {**base, name: ",".join(map(str, values))}
        for page in page_shard(client, listing, Shard(), query):
            page.shard = label
            emit(page)
    return task


def _range_task(client: ApiClient, listing: Listing, lo: int, hi: int, wanted: list[int], base: dict[str, Any]):
    want = set(wanted)

    def task(emit, pool=None) -> None:
        query = {**base, "min_id": lo, "max_id": hi, "limit": PAGE_LIMIT}
        records = client.get_json(listing.path, query) or []
        emit(Page(listing.name, [r for r in records if r.get("id") in want], query, "ids", last=True))
    return task


def _parent_task(client: ApiClient, listing: Listing, parents: list[int], base: dict[str, Any]):
    def task(emit, pool=None) -> None:
        for parent in parents:
            path = listing.path.format(id=parent)
            number = 1
            while True:
                query = {**base, "page": number}
                try:
                    records = client.get_json(path, query) or []
                except ApiRequestError as exc:
                    if exc.status == 404:
                        break
                    raise
                emit(Page(listing.name, records, {"parent": parent, **query}, "ids", last=len(records) < PAGE_LIMIT))
                if len(records) < PAGE_LIMIT:
                    break
                number += 1
    return task
