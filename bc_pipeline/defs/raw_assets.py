"""Every raw table as one multi-asset, partitioned by store (see partitions.py): the dated streams
(customers + addresses, subscribers, orders + line items and shipping addresses, products) and the
reference streams (variants, categories, brands, order statuses, customer attribute definitions).

One step fetches every selected stream concurrently within the API quota and writes through one DuckDB
writer (see sync/engine.py, sync/runs.py); each table is still its own asset, with its own metadata and
checks, evaluated in this step. One step rather than one per kind of stream: the reference listings then
overlap the dated ones instead of waiting for them, and a run has one step less to start and report (a
step's fixed cost is most of a small sync, see the README's performance section). Subsets work: select
`bigcommerce/orders` alone and only the orders stream runs. Which `date_modified` window the dated streams
ask for is the run's configuration (SyncConfig; sync/windows.py decides); the reference streams are listed
whole (variants: see sync/reference.py). Every stream that succeeds materializes all its tables, even when
it wrote nothing, so the partition and the row counts stay true.
"""

from contextlib import closing
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import dagster as dg
from pydantic import Field

from bc_pipeline.defs.failures import fail, one_line_failures
from bc_pipeline.defs.freshness import with_sync_freshness
from bc_pipeline.defs.metadata import raw_key, raw_spec
from bc_pipeline.defs.partitions import check_partition_is_store, store_partitions
from bc_pipeline.defs.raw_checks import raw_check_specs
from bc_pipeline.defs.resources import BigCommerceResource, WarehouseResource
from bc_pipeline.defs.settings import settings
from bc_pipeline.defs.stream_results import stream_results
from bc_pipeline.streams import Role, raw_stream_names, stream, with_role
from bc_pipeline.sync.report import progress_log
from bc_pipeline.sync.runs import sync_streams

SYNC_OP = "bigcommerce_streams"  # the step; its config (SyncConfig) is run_config["ops"][SYNC_OP]["config"]
RAW_STREAMS = raw_stream_names()
RAW_TABLES = tuple(t for s in RAW_STREAMS for t in stream(s).tables)
# A stream listed by its parents' rows (variants by products) comes after its parent's tables.
_AFTER = {t: tuple(raw_key(p) for p in (s.by_parent,) if p) for s in with_role(Role.REFERENCE) for t in s.tables}


class SyncConfig(dg.Config):
    window: Literal["incremental", "full", "range"] = Field(
        default="incremental",
        description="incremental: each stream from its own high-water mark (the first run from BC_START_DATE); "
        "full: everything from BC_START_DATE; range: exactly the days from_date..to_date.",
    )
    from_date: str | None = Field(default=None, description="window=range: first day (YYYY-MM-DD), inclusive.")
    to_date: str | None = Field(default=None, description="window=range: last day, inclusive (default: today).")


def sync_run_config(config: dict) -> dict:
    """The run config giving the sync step `config` (SyncConfig's fields)."""
    return {"ops": {SYNC_OP: {"config": config}}}


def is_full_sync(run: dg.DagsterRun) -> bool:
    """Whether the run syncs everything again (window: full): its checks then read every row."""
    ops = (run.run_config or {}).get("ops", {})
    return (ops.get(SYNC_OP, {}).get("config") or {}).get("window") == "full"


def _day(context: dg.AssetExecutionContext, value: str | None, what: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        fail(context, f"{what} {value!r} is not a day (YYYY-MM-DD)")


def range_bounds(context: dg.AssetExecutionContext, config: SyncConfig, tz: ZoneInfo) -> tuple[datetime | None, datetime | None]:
    """The [start, end) instants of a range run's days in the store's timezone; (None, None) otherwise."""
    first, last = _day(context, config.from_date, "from_date"), _day(context, config.to_date, "to_date")
    if config.window != "range":
        if first or last:
            fail(context, f"from_date/to_date need window: range (this run's window is {config.window})")
        return None, None
    if first and last and last < first:
        fail(context, f"to_date {last} is before from_date {first}")
    start = datetime.combine(first, time.min, tzinfo=tz) if first else None
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz) if last else None
    return start, end


@dg.multi_asset(
    name=SYNC_OP,
    specs=[raw_spec(t, deps=_AFTER.get(t, ())) for t in RAW_TABLES],
    check_specs=raw_check_specs(RAW_TABLES),
    partitions_def=store_partitions,
    can_subset=True,
)
def raw_streams(
    context: dg.AssetExecutionContext,
    config: SyncConfig,
    bigcommerce: BigCommerceResource,
    warehouse: WarehouseResource,
):
    """Customers, subscribers, orders and products modified in the run's window, and the reference
    listings, merged into the `bigcommerce` schema."""
    store, run_settings = bigcommerce.store, settings()
    check_partition_is_store(context, store)
    chosen = context.selected_asset_keys
    streams = [s for s in RAW_STREAMS if any(raw_key(t) in chosen for t in stream(s).tables)]
    range_start, range_end = range_bounds(context, config, ZoneInfo(store.timezone))
    with one_line_failures(context), closing(bigcommerce.client()) as client:
        reports, windows = sync_streams(
            client,
            warehouse.get_connection,
            streams,
            kind=config.window,
            range_start=range_start,
            range_end=range_end,
            bulk_start=datetime.combine(store.start_date, time.min, tzinfo=ZoneInfo(store.timezone)),
            lookback=timedelta(minutes=run_settings.lookback_minutes),
            checkpoint_records=run_settings.checkpoint_records,
            progress=lambda r: (context.log.debug(r.progress_line()), progress_log.info(r.progress_line())),
        )
    for name, report in reports.items():
        window = f" ({windows[name].describe()})" if name in windows else ""
        context.log.info(report.progress_line() + window)
        progress_log.info(report.progress_line())
    yield from stream_results(context, warehouse, reports, lambda name: stream(name).tables,
                              every_row=config.window == "full")


@dg.definitions
def raw_assets() -> dg.Definitions:
    return dg.Definitions(assets=with_sync_freshness([raw_streams], settings().sync_cron))
