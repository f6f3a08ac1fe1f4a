"""Checkpointed time chunks for long windows, so a killed backfill resumes instead of starting over.

A window holding more than `per_chunk` records (BC_CHECKPOINT_RECORDS) (one cheap count request tells) is cut into
sequential time chunks of about that many records; each chunk is still fetched concurrently inside (see
bigcommerce/paging.py). When a chunk's pages are all queued, the engine writes a checkpoint "committed up to
the chunk's end" in the same transaction as the chunk's last rows. Because chunks run in time order, the
committed data is always a prefix of the window, and a re-run with the same window start continues after
the checkpoint. Short windows (incremental runs) are never counted or chunked: no extra request.

The count and the window's first page are asked at the same time (`first_chunks`; a v3 page says the
window's total itself, so there the page is the count): a window that turns out to be one chunk (the usual
first sync) goes on from that page, one round of the API's latency sooner (and, on v3, one request fewer); a
window of several chunks drops the page (on v2 one request more, on a window of more than
BC_CHECKPOINT_RECORDS).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta

from bc_pipeline.bigcommerce.api import ApiClient
from bc_pipeline.bigcommerce.dates import format_param
from bc_pipeline.bigcommerce.listing import Listing
from bc_pipeline.bigcommerce.paging import Page, fetch_pages
from bc_pipeline.bigcommerce.workers import DaemonExecutor

COUNT_WINDOWS_LONGER_THAN = timedelta(days=1)
SECOND = timedelta(seconds=1)
RESUME_SHARD = "time-chunks"


def count_in_window(client: ApiClient, stream: Listing, since: datetime, until: datetime) -> int:
    """Records of a dated stream modified in [since, until] (both inclusive), in one request."""
    dates = {stream.date_min: format_param(since), stream.date_max: format_param(until)}
    if stream.count_path:
        body = client.get_json(stream.count_path, dates) or {}
        return int(body.get("count", 0))
    body = client.get_json(stream.path, {"limit": 1, **dates}) or {}
    return int(((body.get("meta") or {}).get("pagination") or {}).get("total", 0))


Chunk = tuple[datetime | None, datetime | None, int | None]


def counted(stream: Listing, since: datetime | None, until: datetime | None) -> bool:
    """Whether a window is long enough to be counted (and maybe cut into chunks)."""
    return since is not None and until is not None and stream.dated and until - since > COUNT_WINDOWS_LONGER_THAN


def plan_chunks(
    client: ApiClient, stream: Listing, since: datetime | None, until: datetime | None, per_chunk: int
) -> list[Chunk]:
    """Inclusive [start, end, records] chunks covering [since, until]; one chunk unless the window is long and
    full. `records` is the count when it is known for exactly that chunk (the listing then need not ask again)."""
    if not counted(stream, since, until):
        return [(since, until, None)]
    return chunks_of(since, until, count_in_window(client, stream, since, until), per_chunk)


def first_chunks(client: ApiClient, stream: Listing, since: datetime, until: datetime, per_chunk: int,
                 params: Mapping[str, str] | None) -> tuple[list[Chunk], Iterator[Page] | None]:
    """plan_chunks for a counted window, its count asked while the whole window's first page is (v2), or read
    from that page (v3 pages carry the window's total): the chunks, and the pages of the first one when the
    window is one chunk (that page first), else None."""
    helper = DaemonExecutor(1, thread_name_prefix=f"bc-count-{stream.name}")
    try:
        count = helper.submit(count_in_window, client, stream, since, until) if stream.count_path else None
        pages = fetch_pages(client, stream, since=since, until=until, params=params, total=count)
        try:
            first = next(pages, None)  # the listing takes the count from the future (v2) instead of asking
            if count is not None:
                total = count.result()
            elif first is None:
                total = 0
            elif first.total is not None and not params:
                total = first.total
            else:  # a total under other filters than the dates: count as plan_chunks does
                total = count_in_window(client, stream, since, until)
            chunks = chunks_of(since, until, total, per_chunk)
        except BaseException:
            pages.close()
            raise
    finally:
        helper.shutdown(wait=False)
    if len(chunks) > 1:
        pages.close()
        return chunks, None
    return chunks, _from(first, pages)


def _from(first: Page | None, pages: Iterator[Page]) -> Iterator[Page]:
    try:
        if first is not None:
            yield first
        yield from pages
    finally:
        pages.close()


def chunks_of(since: datetime, until: datetime, total: int, per_chunk: int) -> list[Chunk]:
    """[since, until] cut into chunks of about `per_chunk` of its `total` records."""
    n = math.ceil(total / per_chunk)
    if n <= 1:
        return [(since, until, total)]
    span = (until - since) / n
    cuts = [(since + span * k).replace(microsecond=0) for k in range(1, n)]
    starts = [since, *cuts]
    ends = [c - SECOND for c in cuts] + [until]
    return [(start, end, None) for start, end in zip(starts, ends, strict=True)]
