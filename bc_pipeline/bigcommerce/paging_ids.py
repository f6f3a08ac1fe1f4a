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

from collections.abc import Iterable
from typing import Any

from bc_pipeline.bigcommerce.errors import ApiRequestError
from bc_pipeline.bigcommerce.paging_styles import Page, page_shard
from bc_pipeline.bigcommerce.shards import PAGE_LIMIT, Shard, batches, id_ranges
from bc_pipeline.bigcommerce.streams import Stream


def id_tasks(client: Any, stream: Stream, ids: Iterable[int], base: dict[str, Any]) -> list:
    ids = list(ids)
    if stream.id_filter == "id:in":
        return [_id_in_task(client, stream, chunk, base) for chunk in batches(ids)]
    if stream.id_filter == "v2_range":
        return [_range_task(client, stream, lo, hi, wanted, base) for lo, hi, wanted in id_ranges(ids)]
    if stream.id_filter == "per_parent":
        return [_parent_task(client, stream, [parent], base) for parent in sorted(set(ids))]  # one per worker
    raise ValueError(f"stream {stream.name} cannot fetch records by id")


def parent_tasks(client: Any, stream: Stream, parent_batches: Iterable[Iterable[int]], base: dict[str, Any]) -> list:
    if stream.parent_filter is None:
        raise ValueError(f"stream {stream.name} cannot list children by parent id")
    return [_filtered_task(client, stream, stream.parent_filter, ids, base, "parents")
            for ids in (sorted({int(i) for i in batch}) for batch in parent_batches) if ids]


def _id_in_task(client: Any, stream: Stream, chunk: list[int], base: dict[str, Any]):
    return _filtered_task(client, stream, "id:in", chunk, base, "ids")


def _filtered_task(client: Any, stream: Stream, name: str, values: list[int], base: dict[str, Any], label: str):
    # Paged the stream's own way: a batch can span several pages (products with include=options are
    # served 10 per page, whatever the limit; a product can have more than 250 variants).
    def task(emit, pool=None) -> None:
        query = {**base, name: ",".join(map(str, values))}
        for page in page_shard(client, stream, Shard(), query):
            page.shard = label
            emit(page)
    return task


def _range_task(client: Any, stream: Stream, lo: int, hi: int, wanted: list[int], base: dict[str, Any]):
    want = set(wanted)

    def task(emit, pool=None) -> None:
        query = {**base, "min_id": lo, "max_id": hi, "limit": PAGE_LIMIT}
        records = client.get_json(stream.path, query) or []
        emit(Page(stream.name, [r for r in records if r.get("id") in want], query, "ids", last=True))
    return task


def _parent_task(client: Any, stream: Stream, parents: list[int], base: dict[str, Any]):
    def task(emit, pool=None) -> None:
        for parent in parents:
            path = stream.path.format(id=parent)
            number = 1
            while True:
                query = {**base, "page": number}
                try:
                    records = client.get_json(path, query) or []
                except ApiRequestError as exc:
                    if exc.status == 404:
                        break
                    raise
                emit(Page(stream.name, records, {"parent": parent, **query}, "ids", last=len(records) < PAGE_LIMIT))
                if len(records) < PAGE_LIMIT:
                    break
                number += 1
    return task
