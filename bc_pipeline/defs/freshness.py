"""The raw tables' freshness policy, from the sync schedule (BC_SYNC_CRON): WARN once a scheduled sync was
missed, FAIL once three were.

When every tick syncs, a table's latest materialization is at most one interval old (plus the run's
duration), so the policy warns when it is older than two intervals (one missed tick) and fails when older
than four (three missed). The interval is the longest gap between ticks over the next week, so a cron that
pauses at night or at weekends does not warn every night.
"""

from datetime import UTC, datetime, timedelta
from functools import cache
from itertools import islice

import dagster as dg
from dagster._utils.schedules import cron_string_iterator

MAX_TICKS = 2016  # a week of 5-minute ticks; enough to see a cron's longest pause
HORIZON = timedelta(days=7)


@cache
def schedule_interval(cron: str, timezone: str = "UTC") -> timedelta:
    """The longest gap between two consecutive ticks of `cron` within a week (at most MAX_TICKS ticks)."""
    start = datetime(2026, 1, 5, tzinfo=UTC)  # a fixed Monday: the same cron always gives the same policy
    ticks = []
    for tick in islice(cron_string_iterator(start.timestamp(), cron, timezone), MAX_TICKS):
        ticks.append(tick)
        if tick - start > HORIZON:
            break
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    return max(gaps) if gaps else HORIZON


def sync_freshness(cron: str) -> dg.FreshnessPolicy:
    interval = schedule_interval(cron)
    return dg.FreshnessPolicy.time_window(fail_window=4 * interval, warn_window=2 * interval)


def with_sync_freshness(assets: list[dg.AssetsDefinition], cron: str) -> list[dg.AssetsDefinition]:
    """The raw assets with the policy of `cron` on each table (applied when the definitions load)."""
    policy = sync_freshness(cron)
    return list(dg.map_asset_specs(lambda spec: spec.replace_attributes(freshness_policy=policy), assets))
