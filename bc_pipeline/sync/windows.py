"""Which `date_modified` window a run asks the API for, and whether it may move the high-water mark.

A run says which kind of window it wants (run configuration of the dated-streams asset, `bc-pipeline sync`
flags, the launchpad in the UI):
* `incremental` (the schedule, `bc-pipeline sync`): from the stream's high-water mark minus a lookback
  (clock skew, late commits; MERGE makes the overlap harmless), or from the bulk-sync start when the stream
  never synced, up to the store's clock;
* `full` (`--full`): from the bulk-sync start up to the store's clock, whatever the mark says;
* `range` (`--from/--to`, a re-sync of some days): exactly those days, clamped to the bulk-sync start and
  the store's clock.
The high-water mark moves to the window's end only when the window is contiguous with what is already
covered (it starts at or before the current mark, or at the bulk-sync start), so a re-sync of March never
pretends that April is synced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

WindowKind = Literal["full", "incremental", "range"]


@dataclass(frozen=True)
class Window:
    since: datetime
    until: datetime
    kind: WindowKind
    moves_high_water_mark: bool

    @property
    def incremental(self) -> bool:
        return self.kind == "incremental"

    def describe(self) -> str:
        return f"{self.kind} {self.since.isoformat(timespec='seconds')} .. {self.until.isoformat(timespec='seconds')}"


def plan_window(
    *,
    kind: WindowKind,
    high_water_mark: datetime | None,
    bulk_start: datetime,
    store_now: datetime,
    lookback: timedelta,
    range_start: datetime | None = None,
    range_end: datetime | None = None,
) -> Window:
    """Decide the API window for one stream of one run (all datetimes timezone-aware); `range_start` and
    `range_end` (exclusive) bound a `range` run, each defaulting to the bulk start and the store's clock."""
    if kind == "incremental":
        since = bulk_start if high_water_mark is None else max(bulk_start, high_water_mark - lookback)
        return Window(since=since, until=store_now, kind=kind, moves_high_water_mark=True)
    until = min(range_end or store_now, store_now) if kind == "range" else store_now
    since = min(max(range_start or bulk_start, bulk_start), until) if kind == "range" else bulk_start
    covered_to = bulk_start if high_water_mark is None else high_water_mark
    return Window(since=since, until=until, kind=kind, moves_high_water_mark=since <= covered_to)


def next_high_water_mark(current: datetime | None, window: Window) -> datetime | None:
    """The mark after `window` committed: never backwards, never past what was covered."""
    if not window.moves_high_water_mark:
        return current
    return window.until if current is None else max(current, window.until)
