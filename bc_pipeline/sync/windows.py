"""Which `date_modified` window a run asks the API for, and whether it may move the high-water mark.

Two kinds of run share the partitioned assets:
* incremental (the schedule, `bc-pipeline sync`, "Materialize" on the latest partition): from the stream's
  high-water mark minus a lookback (clock skew, late commits; MERGE makes the overlap harmless), or from the
  bulk-sync start when the stream never synced, up to the store's clock;
* window (a backfill or a re-run of older partitions): exactly the partitions' window, clamped to the store's
  clock.
The high-water mark moves to the window's end only when the window is contiguous with what is already
covered (it starts at or before the current mark, or at the bulk-sync start), so a backfill of March never
pretends that April is synced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Window:
    since: datetime
    until: datetime
    incremental: bool
    moves_high_water_mark: bool

    def describe(self) -> str:
        kind = "incremental" if self.incremental else "window"
        return f"{kind} {self.since.isoformat(timespec='seconds')} .. {self.until.isoformat(timespec='seconds')}"


def plan_window(
    *,
    partition_start: datetime,
    partition_end: datetime,
    is_latest_partition: bool,
    high_water_mark: datetime | None,
    bulk_start: datetime,
    store_now: datetime,
    lookback: timedelta,
) -> Window:
    """Decide the API window for one stream of one run (all datetimes timezone-aware)."""
    if is_latest_partition and partition_start <= store_now:
        since = bulk_start if high_water_mark is None else max(bulk_start, high_water_mark - lookback)
        return Window(since=since, until=store_now, incremental=True, moves_high_water_mark=True)
    until = min(partition_end, store_now)
    since = min(max(partition_start, bulk_start), until)
    covered_to = bulk_start if high_water_mark is None else high_water_mark
    contiguous = since <= covered_to
    return Window(since=since, until=until, incremental=False, moves_high_water_mark=contiguous)


def next_high_water_mark(current: datetime | None, window: Window) -> datetime | None:
    """The mark after `window` committed: never backwards, never past what was covered."""
    if not window.moves_high_water_mark:
        return current
    return window.until if current is None else max(current, window.until)
