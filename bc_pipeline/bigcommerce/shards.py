"""Pure planning for paging: time shards of a date window, id batches, parent batches and v2 id ranges.

A window [since, until] is cut into `count` disjoint time shards on whole seconds (the API's dates are to
the second and both bounds are inclusive): [t0, t1-1s], [t1, t2-1s], ..., [t(n-1), until]. When `since` is
None the first shard has no lower bound, so nothing older than the planning point is left out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

PAGE_LIMIT = 250
_SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class Shard:
    """A slice of a listing's date window; None bounds are open. `closed`: the slice ends before the store's
    clock at the start of the listing, so no record can join it while it is read (page-number paging relies on it)."""

    date_min: datetime | None = None
    date_max: datetime | None = None
    closed: bool = False

    def label(self) -> str:
        lo = self.date_min.isoformat() if self.date_min else "-inf"
        hi = self.date_max.isoformat() if self.date_max else "+inf"
        return f"[{lo} .. {hi}]"


def shard_count(total: int, pages_done: int, workers: int, per_page: int = PAGE_LIMIT) -> int:
    """How many shards the rest of a listing gets: one per worker, never more than the pages left.
    Each shard costs at most one extra request (its partial last page), so this bounds the overhead.
    `per_page` is what the API really serves per page (products with include=options: 10)."""
    pages_left = math.ceil(total / max(1, per_page)) - pages_done
    return max(1, min(workers, pages_left))


def time_shards(lo: datetime | None, anchor: datetime, until: datetime, count: int) -> list[Shard]:
    """Split [lo, until] into `count` shards of equal length, starting the arithmetic at `anchor`
    (= lo when lo is known; a point inside the data when lo is open). Whole seconds, no gaps, no overlap."""
    anchor = anchor.replace(microsecond=0)
    until = until.replace(microsecond=0)
    span = int((until - anchor).total_seconds())
    count = max(1, min(count, span))
    cuts = [anchor + timedelta(seconds=(span * k) // count) for k in range(1, count)]
    cuts = sorted(set(c for c in cuts if anchor < c <= until))
    starts: list[datetime | None] = [lo, *cuts]
    ends: list[datetime] = [c - _SECOND for c in cuts] + [until]
    return [Shard(s, e) for s, e in zip(starts, ends, strict=True)]


def batches(ids: Iterable[int], size: int = PAGE_LIMIT) -> list[list[int]]:
    """Sorted unique ids in chunks of at most `size` (for `id:in` and `customer_id:in`)."""
    unique = sorted(set(int(i) for i in ids))
    return [unique[i : i + size] for i in range(0, len(unique), size)]


def packed_batches(counts: Iterable[tuple[int, int]], page: int = PAGE_LIMIT,
                   max_ids: int = PAGE_LIMIT) -> list[list[int]]:
    """Parent ids packed greedily in id order into batches whose children fit one page.

    `counts` is (parent id, children known now). Every parent weighs at least one child (a product always
    has its base variant), so a parent with none known still goes in a batch; a batch holds at most
    `max_ids` parents (a `product_id:in` of 250 ids keeps the URL near 3 kB). A parent with more children
    than a page gets a batch of its own; its listing is paged completely all the same."""
    known = {int(p): max(1, int(n or 0)) for p, n in counts}
    out: list[list[int]] = []
    load = 0
    for parent in sorted(known):
        if not out or load + known[parent] > page or len(out[-1]) >= max_ids:
            out.append([])
            load = 0
        out[-1].append(parent)
        load += known[parent]
    return out


def id_ranges(ids: Iterable[int], span: int = PAGE_LIMIT) -> list[tuple[int, int, list[int]]]:
    """Group ids into (min_id, max_id, wanted) with max_id - min_id < span, so one v2 request of
    limit=span returns every record of the range (v2 orders have no `id:in`)."""
    out: list[tuple[int, int, list[int]]] = []
    for i in sorted(set(int(x) for x in ids)):
        if out and i - out[-1][0] < span:
            out[-1][2].append(i)
            out[-1] = (out[-1][0], i, out[-1][2])
        else:
            out.append((i, i, [i]))
    return out


def earliest(values: Sequence[datetime | None]) -> datetime | None:
    known = [v for v in values if v is not None]
    return min(known) if known else None
