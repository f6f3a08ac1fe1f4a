"""The dated streams as one multi-asset: customers (+ addresses), subscribers, orders (+ line items and
shipping addresses) and products, partitioned by day of `date_modified`.

One step fetches every selected stream concurrently within the API quota and writes through one DuckDB
writer (see sync/engine.py); each table is still its own asset, with its own metadata. Subsets work: select
`bigcommerce/orders` alone and only the orders stream runs.
"""

from datetime import date, datetime, time, timedelta
from typing import Literal

import dagster as dg
from pydantic import Field

from bc_pipeline.defs.metadata import raw_key, raw_spec, table_metadata
from bc_pipeline.defs.partitions import monthly_modified
from bc_pipeline.defs.resources import BigCommerceResource, WarehouseResource
from bc_pipeline.defs.settings import settings
from bc_pipeline.sync.report import progress_log
from bc_pipeline.sync.runs import DATED_STREAMS, raise_for_failures, sync_dated_streams


class SyncConfig(dg.Config):
    mode: Literal["auto", "incremental", "window"] = Field(
        default="auto",
        description="auto: the latest partition syncs incrementally from each stream's high-water mark; "
        "older partitions re-sync exactly their window. incremental / window force one or the other.",
    )
    from_date: str | None = Field(
        default=None, description="Narrow a window run to days: first day (YYYY-MM-DD), inclusive."
    )
    to_date: str | None = Field(default=None, description="Narrow a window run to days: last day, inclusive.")


def _day_bounds(config: SyncConfig, start: datetime, end: datetime) -> tuple[datetime, datetime]:
    tz = settings().tz
    if config.from_date:
        start = max(start, datetime.combine(date.fromisoformat(config.from_date), time.min, tzinfo=tz))
    if config.to_date:
        end = min(end, datetime.combine(date.fromisoformat(config.to_date) + timedelta(days=1), time.min, tzinfo=tz))
    return start, end


@dg.multi_asset(
    name="bigcommerce_dated_streams",
    specs=[raw_spec(t) for tables in DATED_STREAMS.values() for t in tables],
    partitions_def=monthly_modified,
    backfill_policy=dg.BackfillPolicy.single_run(),
    can_subset=True,
    pool="duckdb",
)
def dated_streams(
    context: dg.AssetExecutionContext,
    config: SyncConfig,
    bigcommerce: BigCommerceResource,
    warehouse: WarehouseResource,
):
    """Customers, subscribers, orders and products modified in the partitions' window (or since the
    high-water mark, for the latest partition), merged into the `bigcommerce` schema."""
    selected = {key.path[-1] for key in context.selected_asset_keys}
    streams = [s for s, tables in DATED_STREAMS.items() if selected & set(tables)]
    window_start, window_end = _day_bounds(config, *context.partition_time_window)
    key_range = context.partition_key_range
    last_key = monthly_modified.get_last_partition_key()
    client = bigcommerce.client()
    try:
        reports, windows = sync_dated_streams(
            client,
            warehouse.get_connection,
            streams,
            partition_start=window_start,
            partition_end=window_end,
            is_latest_partition=key_range.start == key_range.end == last_key,
            bulk_start=settings().start_datetime(),
            lookback=timedelta(minutes=settings().lookback_minutes),
            mode=config.mode,
            progress=lambda r: (context.log.debug(r.progress_line()), progress_log.info(r.progress_line())),
        )
    finally:
        client.close()
    for stream, report in reports.items():
        context.log.info(report.progress_line() + f" ({windows[stream].describe()})")
        progress_log.info(report.progress_line())
    with warehouse.get_connection() as conn:
        for stream, report in reports.items():
            if report.error:
                continue
            for table in DATED_STREAMS[stream]:
                if table in selected:
                    yield dg.MaterializeResult(asset_key=raw_key(table), metadata=table_metadata(conn, table, report))
    raise_for_failures(reports)
