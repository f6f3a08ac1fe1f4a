"""Listing a stream page by page without skipping or repeating a record while the store changes.

`fetch_pages(client, listing, since=, until=, ids=, parent_batches=, params=)` yields `Page`s as they complete.

A listing (since/until) is planned from its first response: the total (v3 meta.pagination.total, v2
/v2/orders/count, asked only when the first page is full) says how many pages remain, and the date window
is cut into that many time shards, at most one per worker the quota allows (shards.py). Equal time spans hold unequal record counts, so a keyset shard
hands the later half of its range to an idle worker while at least two pages remain (at most `workers`
splits). Each shard or split costs at most one partial page, so a listing takes at most
ceil(n/250) + 2 x workers + 3 requests (store clock, count, catch-up slice). Shards are disjoint on whole seconds and `until` is fixed (one
second before the store's clock when not given), so a record modified during the sync moves past `until`
and leaves every shard instead of moving between them. When a given `until` reaches the store's present,
records modified during the listing can move from one shard to another; the slice from the start of the
listing to `until` is read once more at the end to catch them. A seen-id set drops repeats. Within a shard:
* keyset (orders `min_id` + sort=id:asc; catalog `id:min` + sort=id): changes cannot shift the pages;
* cursor (customers `after` = the previous end_cursor), BigCommerce's recommended way;
* page numbers (subscribers, addresses, attribute values, variants: no other way exists): page 1, then
  the last page down to page 2, then page 1 again if a total shrank meanwhile, or always when the shard
  is open (it reaches the store's present or has no date bound: a record created meanwhile can hide a
  removal from the total). A record can only move to a lower position, so reading downwards never
  passes over it (the argument is in paging_styles.py).
`ids=` fetches named records in bulk: v3 `id:in` in batches of 250, v2 orders as min_id/max_id ranges,
order products per order. `parent_batches=` lists the children of the given parents, one listing per batch
(the stream's `parent_filter`, e.g. variants `product_id:in`), batches concurrently (paging_ids.py).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bc_pipeline.bigcommerce.api import ApiClient
from bc_pipeline.bigcommerce.concurrent import run_tasks
from bc_pipeline.bigcommerce.dates import format_param, parse_api_date
from bc_pipeline.bigcommerce.idset import IdSet
from bc_pipeline.bigcommerce.listing import Listing
from bc_pipeline.bigcommerce.paging_ids import id_tasks, parent_tasks
from bc_pipeline.bigcommerce.paging_styles import Page, page_shard
from bc_pipeline.bigcommerce.shards import PAGE_LIMIT, Shard, earliest, shard_count, time_shards

__all__ = ["Page", "fetch_pages"]

# Listing parameters that do not change which records a window holds (a count without them still applies).
_COUNT_NEUTRAL = frozenset({"limit", "include", "consignment_structure", "sort"})
# A given `until` this close to the local clock may reach the store's present: ask the store's clock.
CLOCK_SLACK = timedelta(minutes=10)


def fetch_pages(client: ApiClient, listing: Listing, *, since: datetime | None = None, until: datetime | None = None,
                ids: list[int] | tuple[int, ...] | None = None,
                parent_batches: Iterable[Iterable[int]] | None = None,
                params: Mapping[str, Any] | None = None, total: int | Future | None = None) -> Iterator[Page]:
    """`total`: the window's record count when the caller already asked for it (v2 then skips its count), or
    a Future of it (the caller's count under way: taken when the first page shows it is needed).
    `ids` and `parent_batches` (batches of parent ids, each one listing) ignore the date window."""
    base: dict[str, Any] = {"limit": PAGE_LIMIT, **listing.params, **(params or {})}
    if ids is not None and parent_batches is not None:
        raise ValueError("fetch_pages takes ids= or parent_batches=, not both")
    tasks = None
    if ids is not None:
        tasks = id_tasks(client, listing, ids, base)
    elif parent_batches is not None:
        tasks = parent_tasks(client, listing, parent_batches, base)
    if tasks is not None:
        pages = run_tasks(tasks, client.gate.allowed_workers(client.max_workers))
    else:
        pages = _listing(client, listing, since, until, base, total)
    seen = IdSet()
    for page in pages:
        fresh = []
        for record in page.records:
            key = record.get("id") if isinstance(record, dict) else None
            if key is None or seen.add(key):
                fresh.append(record)
        client.stats.add(pages=1)
        # A new Page: the worker that fetched this one may still read its records (its last id, to ask for
        # the next page). Emptying its list under it (a page of nothing but repeats) raised "list index out
        # of range" in that worker and failed the stream.
        yield page if len(fresh) == len(page.records) else replace(page, records=fresh)


def _listing(client: ApiClient, listing: Listing, since: datetime | None, until: datetime | None,
             base: dict[str, Any], counted: int | Future | None = None) -> Iterator[Page]:
    planning = 0
    live_from: datetime | None = None  # the store's clock at the start, when the window reaches it
    if listing.dated and until is None:
        store_now, asked = _store_clock(client)
        until = store_now - timedelta(seconds=1)  # changes from now on land after `until`
        planning += asked
    elif listing.dated and until is not None and until >= datetime.now(UTC) - CLOCK_SLACK:
        store_now, asked = _store_clock(client)
        live_from = store_now - timedelta(seconds=1)
        planning += asked
        if until < live_from:
            live_from = None
    whole = _closing(Shard(since if listing.dated else None, until if listing.dated else None), live_from)
    total: int | None = None
    # The first page of the whole window; keep reading it when one shard is enough.
    probe = page_shard(client, listing, whole, base)
    first = next(probe, None)
    if first is None:
        return
    if listing.paging.counts_apart and not first.last:
        if counted is not None and not base.keys() - _COUNT_NEUTRAL:
            # the caller counted exactly this window with no other filter (or is counting it)
            total = counted.result() if isinstance(counted, Future) else counted
        else:
            # v2 lists carry no total: a window past one page asks /v2/orders/count (a smaller one needs none)
            total = _v2_count(client, listing, whole, base)
            planning += 1
    first.requests += planning
    yield first
    total = total if total is not None else (first.total or 0)
    workers = client.gate.allowed_workers(client.max_workers)
    per_page = first.per_page or PAGE_LIMIT
    if not listing.dated or first.last or shard_count(total, 1, workers, per_page) <= 1:
        yield from probe
        return
    probe.close()
    # Keyset shards all start after the probe's last id; cursor and page shards start afresh (the
    # probe's records come again and are dropped as repeats).
    reuse = listing.paging.keyset
    after_id = first.records[-1]["id"] if reuse and first.records else None
    anchor = since or earliest([parse_api_date(r.get("date_modified")) for r in first.records])
    shards = [_closing(s, live_from)
              for s in _plan(listing, whole, total, 1 if reuse else 0, workers, anchor=anchor, per_page=per_page)]
    splits = _SplitBudget(workers if reuse and anchor is not None else 0)
    tasks = [_task(client, listing, s, base, after_id, splits, anchor) for s in shards]
    yield from run_tasks(tasks, workers)
    if live_from is not None and (len(shards) > 1 or splits.used):
        # The window reaches the present: a record modified during the listing kept a date inside it and
        # may have moved from a shard not yet past it to one already past it. It now sits in
        # [live_from, until]; read that slice once more (one shard, so nothing can move across it).
        yield from page_shard(client, listing, Shard(max(live_from, since) if since else live_from, until), base)


def _store_clock(client: ApiClient) -> tuple[datetime, int]:
    """A time the store's clock has reached, and the requests it took: none when a recent reading by this
    client or a sibling gives a lower bound (store_clock.py), else GET /v2/time."""
    known = client.clock.lower_bound()
    return (known, 0) if known is not None else (client.store_time(), 1)


def _closing(shard: Shard, live_from: datetime | None) -> Shard:
    """Mark a shard closed when it ends before the store's clock at the start of the listing (`live_from`
    is None when the whole window does): a record created or modified meanwhile gets a later date, so the
    shard's set can only shrink. A shard without an end, or reaching the present, stays open."""
    ended = shard.date_max is not None and (live_from is None or shard.date_max < live_from)
    return replace(shard, closed=ended)


def _plan(listing: Listing, whole: Shard, total: int, pages_done: int, workers: int,
          anchor: datetime | None, per_page: int = PAGE_LIMIT) -> list[Shard]:
    count = shard_count(total, pages_done, workers, per_page)
    if count <= 1 or whole.date_max is None or anchor is None or anchor >= whole.date_max:
        return [whole]
    return time_shards(whole.date_min, anchor, whole.date_max, count)


class _SplitBudget:
    """How many more times running keyset shards may be split (each split can cost one partial page)."""

    def __init__(self, allowed: int) -> None:
        self.left, self.used = allowed, 0
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            if self.left <= 0:
                return False
            self.left, self.used = self.left - 1, self.used + 1
            return True


def _halves(shard: Shard, anchor: datetime) -> tuple[Shard, Shard] | None:
    lo = shard.date_min or anchor
    if shard.date_max is None or (shard.date_max - lo).total_seconds() < 2:
        return None
    mid = lo + timedelta(seconds=int((shard.date_max - lo).total_seconds()) // 2)
    return replace(shard, date_max=mid - timedelta(seconds=1)), replace(shard, date_min=mid)


def _worth_splitting(page: Page) -> bool:
    """At least two more pages follow in this shard (v3 says how many remain; v2 only that the page was full)."""
    if page.total is not None:
        return page.total - len(page.records) > 2 * (page.per_page or PAGE_LIMIT)
    return len(page.records) >= PAGE_LIMIT


def _task(client: ApiClient, listing: Listing, shard: Shard, base: dict[str, Any], after_id: Any,
          splits: _SplitBudget, anchor: datetime | None):
    """Page one shard; when a worker is idle, hand the later half of the shard's time range to it.
    Both halves continue after the last id read, which covered the whole range, so nothing is lost."""
    def task(emit, pool) -> None:
        current, after = shard, after_id
        while True:
            pages = page_shard(client, listing, current, base, after_id=after)
            for page in pages:
                emit(page)
                if page.last:
                    return
                if not page.records:  # e.g. a page-number page emptied by deletions: read on
                    continue
                after = page.records[-1]["id"]
                halves = _halves(current, anchor) if anchor is not None else None
                if halves and _worth_splitting(page) and pool.idle() and splits.take():
                    current = halves[0]
                    pool.spawn(_task(client, listing, halves[1], base, after, splits, anchor))
                    pages.close()
                    break
            else:
                return
    return task


def _v2_count(client: ApiClient, listing: Listing, shard: Shard, base: dict[str, Any]) -> int:
    params = {k: v for k, v in base.items() if k not in _COUNT_NEUTRAL}
    if shard.date_min is not None:
        params[listing.date_min] = format_param(shard.date_min)
    if shard.date_max is not None:
        params[listing.date_max] = format_param(shard.date_max)
    body = client.get_json(listing.count_path, params) or {}
    return int(body.get("count", 0))
