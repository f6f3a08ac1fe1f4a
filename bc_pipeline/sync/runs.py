"""One run of the streams a sync step selected: the dated ones (the registry's Role.DATED: customers,
subscribers, orders, products) each in its window, planned from its own high-water mark and the run's window
kind, and the reference listings (Role.REFERENCE, see reference.py), all at once within the quota and
through one writer. The variants stream runs after them, and only when the products stream (its parent)
did not fail: see reference.reference_plans. Failures are in each report."""

from __future__ import annotations

from datetime import datetime, timedelta

from bc_pipeline.bigcommerce.client import BigCommerceClient
from bc_pipeline.streams import Role
from bc_pipeline.streams import stream as registered
from bc_pipeline.sync.chunks import RESUME_SHARD
from bc_pipeline.sync.engine import Connect, Progress, StreamPlan, run_plans
from bc_pipeline.sync.reference import reference_plans
from bc_pipeline.sync.report import StreamReport
from bc_pipeline.sync.windows import Window, WindowKind, next_high_water_mark, plan_window
from bc_pipeline.warehouse import state
from bc_pipeline.warehouse.errors import Connection


def _resume_point(conn: Connection, stream: str) -> tuple[datetime, datetime] | None:
    """(window start, committed up to) of a killed run of this stream, if any."""
    checkpoint = state.last_checkpoint(conn, stream, RESUME_SHARD)
    if checkpoint is None or not checkpoint.resume_after:
        return None
    return checkpoint.window_start, datetime.fromisoformat(checkpoint.resume_after)


def sync_streams(
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
    """Plan each dated stream's window (see windows.py; a killed run of the same window resumes) and each
    reference listing, run them all, then a due full variant listing. Returns the reports and the dated
    streams' windows."""
    with state.errors_recorded(connect, streams):  # a run that fails here still says so per stream
        store_now = client.store_time()
    dated = [s for s in streams if registered(s).role is Role.DATED]
    plans, windows = _dated_plans(connect, dated, kind=kind, bulk_start=bulk_start, store_now=store_now,
                                  lookback=lookback, range_start=range_start, range_end=range_end,
                                  checkpoint_records=checkpoint_records)
    undated = [s for s in streams if s not in dated]
    parents = {registered(s).by_parent for s in undated} - {None}
    reference, children = reference_plans(connect, undated, store_now, with_parents=bool(parents & set(dated)))
    reports = run_plans(client, connect, plans + reference, progress=progress)
    if children is not None and not any(reports[p].error for p in parents if p in reports):
        # (when their parents' stream failed, the children are not synced either: no report, no state)
        reports |= _with_parents_rows(run_plans(client, connect, [children()], progress=progress), reports)
    return reports, windows


def _with_parents_rows(children: dict[str, StreamReport], parents: dict[str, StreamReport]) -> dict[str, StreamReport]:
    """A child stream that asked for nothing says how many of its rows its parents' stream wrote in this run
    (products list with include=variants), so its line never reads as if nothing landed."""
    for name, report in children.items():
        parent = parents.get(registered(name).by_parent or "")
        if report.note and not report.requests and parent is not None:
            brought = sum(parent.rows.get(t, 0) for t in registered(name).tables)
            report.note += f"; {brought:,} rows came with {parent.stream} in this run"
    return children


def _dated_plans(connect: Connect, streams: list[str], *, kind: WindowKind, bulk_start: datetime,
                 store_now: datetime, lookback: timedelta, range_start: datetime | None,
                 range_end: datetime | None, checkpoint_records: int) -> tuple[list[StreamPlan], dict[str, Window]]:
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
    return plans, windows
