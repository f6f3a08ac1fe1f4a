"""One run of the dated streams (customers, subscribers, orders, products): plan each stream's window from
its own high-water mark and the run's window kind, run them together; failures are in each report."""

from __future__ import annotations

from datetime import datetime, timedelta

from bc_pipeline.bigcommerce.client import BigCommerceClient
from bc_pipeline.sync.chunks import RESUME_SHARD
from bc_pipeline.sync.engine import Connect, Progress, StreamPlan, run_plans
from bc_pipeline.sync.report import StreamReport
from bc_pipeline.sync.windows import Window, WindowKind, next_high_water_mark, plan_window
from bc_pipeline.warehouse import state

# Stream -> the raw tables it feeds (first is the stream's own table).
DATED_STREAMS: dict[str, tuple[str, ...]] = {
    "customers": ("customers", "customer_addresses"),
    "subscribers": ("subscribers",),
    "orders": ("orders", "order_line_items", "order_shipping_addresses"),
    "products": ("products",),
}


def _resume_point(conn, stream: str) -> tuple[datetime, datetime] | None:
    """(window start, committed up to) of a killed run of this stream, if any."""
    rows = conn.execute(
        "SELECT window_start, resume_after FROM bigcommerce._sync_progress WHERE stream = ? AND shard = ? "
        "ORDER BY window_start DESC LIMIT 1",
        [stream, RESUME_SHARD],
    ).fetchall()
    return (rows[0][0], datetime.fromisoformat(rows[0][1])) if rows and rows[0][1] else None


def sync_dated_streams(
    client: BigCommerceClient,
    connect: Connect,
    streams: list[str],
    *,
    kind: WindowKind,
    bulk_start: datetime,
    lookback: timedelta,
    range_start: datetime | None = None,
    range_end: datetime | None = None,
    checkpoint_records: int,
    progress: Progress | None = None,
) -> tuple[dict[str, StreamReport], dict[str, Window]]:
    """Plan each stream's window (see windows.py), resume a killed run of the same window, run them all."""
    with state.errors_recorded(connect, streams):  # a run that fails here still says so per stream
        store_now = client.store_time()
    with connect() as conn:
        marks = {s: state.high_water_mark(conn, s) for s in streams}
        resumes = {s: _resume_point(conn, s) for s in streams}
    windows: dict[str, Window] = {}
    plans: list[StreamPlan] = []
    for stream in streams:
        window = plan_window(kind=kind, high_water_mark=marks[stream], bulk_start=bulk_start, store_now=store_now,
                             lookback=lookback, range_start=range_start, range_end=range_end)
        windows[stream] = window
        resume = resumes[stream]
        plans.append(
            StreamPlan(
                stream=stream,
                since=window.since,
                until=window.until,
                high_water_mark=next_high_water_mark(marks[stream], window),
                checkpoint_records=checkpoint_records,
                resume_after=resume[1] if resume and resume[0] == window.since else None,
            )
        )
    return run_plans(client, connect, plans, progress=progress), windows

