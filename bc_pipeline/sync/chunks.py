"""Checkpointed time chunks for long windows, so a killed backfill resumes instead of starting over.

A window holding more than `per_chunk` records (BC_CHECKPOINT_RECORDS) (one cheap count request tells) is cut into
sequential time chunks of about that many records; each chunk is still fetched concurrently inside (see
bigcommerce/paging.py). When a chunk's pages are all queued, the engine writes a checkpoint "committed up to
the chunk's end" in the same transaction as the chunk's last rows. Because chunks run in time order, the
committed data is always a prefix of the window, and a re-run with the same window start continues after
the checkpoint. Short windows (incremental runs) are never counted or chunked: no extra request.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from bc_pipeline.bigcommerce.dates import format_param
from bc_pipeline.bigcommerce.streams import Stream

COUNT_WINDOWS_LONGER_THAN = timedelta(days=1)
SECOND = timedelta(seconds=1)
RESUME_SHARD = "time-chunks"


def count_in_window(client: Any, stream: Stream, since: datetime, until: datetime) -> int:
    """Records of a dated stream modified in [since, until] (both inclusive), in one request."""
    dates = {stream.date_min: format_param(since), stream.date_max: format_param(until)}
    if stream.count_path:
        body = client.get_json(stream.count_path, dates) or {}
        return int(body.get("count", 0))
    body = client.get_json(stream.path, {"limit": 1, **dates}) or {}
    return int(((body.get("meta") or {}).get("pagination") or {}).get("total", 0))


Chunk = tuple[datetime | None, datetime | None, int | None]


def plan_chunks(
    client: Any, stream: Stream, since: datetime | None, until: datetime | None, per_chunk: int
) -> list[Chunk]:
    """Inclusive [start, end, records] chunks covering [since, until]; one chunk unless the window is long and
    full. `records` is the count when it is known for exactly that chunk (the listing then need not ask again)."""
    if since is None or until is None or not stream.dated or until - since <= COUNT_WINDOWS_LONGER_THAN:
        return [(since, until, None)]
    total = count_in_window(client, stream, since, until)
    n = math.ceil(total / per_chunk)
    if n <= 1:
        return [(since, until, total)]
    span = (until - since) / n
    cuts = [(since + span * k).replace(microsecond=0) for k in range(1, n)]
    starts = [since, *cuts]
    ends = [c - SECOND for c in cuts] + [until]
    return [(start, end, None) for start, end in zip(starts, ends, strict=True)]
