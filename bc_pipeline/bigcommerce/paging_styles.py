"""Paging one shard of a listing: `Paging`, one class per style (listing.py says who uses which).

Page numbers over a moving set are the classic way to skip records: when a record on page 1 is deleted
(or modified past the window's end) after page 1 was read, every later record moves one place up and the
first record of page 2 slides onto page 1, unseen. Subscribers, customer addresses, attribute values and
variants only offer page numbers, so for them a shard is read as: page 1 (for the total), then the last
page down to page 2, then page 1 again. A record that was there at the start only moves to lower
positions (removals before it shift it down; records created meanwhile come last, in id order), so
reading positions downwards cannot pass over it; a record's move to page 1 is caught by the second read
of page 1, and repeats are dropped by id. That second read is skipped only when it provably has nothing
new: the shard is closed (it ends before the store's clock at the start, so its set can only shrink) and
no later page reported a smaller total. In an open shard (no date bound, or reaching the present) a
record created inside it can cancel a removal in the total, so page 1 is always read again.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from bc_pipeline.bigcommerce.api import ApiClient
from bc_pipeline.bigcommerce.dates import format_param
from bc_pipeline.bigcommerce.listing import Listing
from bc_pipeline.bigcommerce.shards import PAGE_LIMIT, Shard


@dataclass
class Page:
    stream: str
    records: list[dict[str, Any]]
    params: dict[str, Any] = field(default_factory=dict)  # the query of the request (no secrets)
    shard: str = ""
    requests: int = 1          # requests this page cost (planning requests are added to the first page)
    total: int | None = None   # v3 meta.pagination.total of this request, when given
    per_page: int | None = None  # v3 meta.pagination.per_page: what the API really serves per page
    last: bool = False         # nothing follows this page in its shard


class UnorderedPageError(RuntimeError):
    """A keyset page came back out of id order: keyset paging would skip records, so stop loudly."""


def page_shard(client: ApiClient, listing: Listing, shard: Shard, base: dict[str, Any],
               after_id: Any = None) -> Iterator[Page]:
    params = dict(base)
    if shard.date_min is not None:
        params[listing.date_min] = format_param(shard.date_min)
    if shard.date_max is not None:
        params[listing.date_max] = format_param(shard.date_max)
    yield from listing.paging.pages(client, listing, shard, params, after_id)


class Paging(ABC):
    """How a listing's shard is read, page after page."""

    keyset = False        # pages follow ids: a later shard can start after the probe's last id
    counts_apart = False  # pages carry no total: a window past one page asks the listing's count_path

    @abstractmethod
    def pages(self, client: ApiClient, listing: Listing, shard: Shard, params: dict[str, Any],
              after_id: Any) -> Iterator[Page]:
        """The shard's pages, `params` already holding its date bounds."""


def _ascending(listing: Listing, records: list[dict[str, Any]]) -> None:
    ids = [r["id"] for r in records]
    if any(b <= a for a, b in zip(ids, ids[1:], strict=False)):
        raise UnorderedPageError(f"{listing.path} returned ids out of order; keyset paging is not safe")


class _Keyset(Paging):
    """Pages ordered by id, each asking for the ids after the previous page's last (`param`)."""

    keyset = True
    param: str

    def pages(self, client: ApiClient, listing: Listing, shard: Shard, params: dict[str, Any],
              after_id: Any) -> Iterator[Page]:
        while True:
            query = dict(params)
            if after_id is not None:
                query[self.param] = int(after_id) + 1
            page = self.page(client, listing, shard, query)
            _ascending(listing, page.records)
            yield page
            if page.last:
                return
            after_id = page.records[-1]["id"]

    @abstractmethod
    def page(self, client: ApiClient, listing: Listing, shard: Shard, query: dict[str, Any]) -> Page: ...


class KeysetV2(_Keyset):
    """v2 bare arrays ordered by id; the next page is asked with `min_id`."""

    param = "min_id"
    counts_apart = True

    def page(self, client: ApiClient, listing: Listing, shard: Shard, query: dict[str, Any]) -> Page:
        records = client.get_json(listing.path, query) or []
        # A short page is the last; a shard that ended on a full page ends with an empty one (a 204 that
        # cost a request, so it is reported too).
        return Page(listing.name, records, query, shard.label(), last=len(records) < PAGE_LIMIT)


def _meta(body: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    body = body or {}
    return list(body.get("data") or []), dict(body.get("meta") or {})


class KeysetV3(_Keyset):
    """v3 envelopes ordered by id; the next page is asked with `id:min`."""

    param = "id:min"

    def page(self, client: ApiClient, listing: Listing, shard: Shard, query: dict[str, Any]) -> Page:
        records, meta = _meta(client.get_json(listing.path, query))
        pagination = meta.get("pagination") or {}
        total = pagination.get("total")
        # With the id:min bound, `total` counts what is left from here on. It decides (not the page size:
        # BigCommerce caps pages at 10 with include=options, so a short page is not proof of the end).
        last = not records or (total <= len(records) if total is not None else len(records) < PAGE_LIMIT)
        return Page(listing.name, records, query, shard.label(), total=total, last=last,
                    per_page=pagination.get("per_page"))


class Cursor(Paging):
    """v3 cursor paging: `after` = the previous page's end_cursor."""

    def pages(self, client: ApiClient, listing: Listing, shard: Shard, params: dict[str, Any],
              after_id: Any) -> Iterator[Page]:
        after: str | None = None
        while True:
            query = dict(params)
            if after:
                query["after"] = after
            records, meta = _meta(client.get_json(listing.path, query))
            total = (meta.get("pagination") or {}).get("total")
            cursor = meta.get("cursor_pagination") or {}
            end = cursor.get("end_cursor")
            has_next = bool((cursor.get("links") or {}).get("next", True))
            per_page = int(cursor.get("per_page") or PAGE_LIMIT)
            last = (not records or len(records) < min(per_page, PAGE_LIMIT) or not end or not has_next
                    or (total is not None and after is None and total <= len(records)))
            yield Page(listing.name, records, query, shard.label(), total=total, last=last)
            if last:
                return
            after = end


class PageNumbers(Paging):
    """v3 page numbers: page 1, the last page down to 2, then page 1 again (see the module docstring)."""

    def pages(self, client: ApiClient, listing: Listing, shard: Shard, params: dict[str, Any],
              after_id: Any) -> Iterator[Page]:
        def get(number: int) -> tuple[Page, int | None, int]:
            query = {**params, "page": number}
            records, meta = _meta(client.get_json(listing.path, query))
            pagination = meta.get("pagination") or {}
            total = pagination.get("total")
            pages = int(pagination.get("total_pages") or (1 if len(records) < PAGE_LIMIT else number + 1))
            return Page(listing.name, records, query, shard.label(), total=total), total, pages

        first, first_total, total_pages = get(1)
        first.last = total_pages <= 1
        yield first
        if total_pages <= 1:
            return
        smallest = first_total
        for number in range(total_pages, 1, -1):
            page, total, _ = get(number)
            if total is not None and (smallest is None or total < smallest):
                smallest = total
            reread = not shard.closed or smallest != first_total
            page.last = number == 2 and not reread
            yield page
        if reread:
            again, _, _ = get(1)
            again.last = True
            yield again


class WholeList(Paging):
    """One request returns the whole (small) list, with no limit and no paging."""

    def pages(self, client: ApiClient, listing: Listing, shard: Shard, params: dict[str, Any],
              after_id: Any) -> Iterator[Page]:
        body = client.get_json(listing.path, {k: v for k, v in params.items() if k != "limit"})
        yield Page(listing.name, list(body or []), params=params, last=True)


class PerParent(Paging):
    """A sub-resource per parent id (/v2/orders/{id}/products): there is no listing, only ids= (paging_ids.py)."""

    def pages(self, client: ApiClient, listing: Listing, shard: Shard, params: dict[str, Any],
              after_id: Any) -> Iterator[Page]:
        raise ValueError(f"stream {listing.name} is read per parent: call fetch_pages with ids=")
