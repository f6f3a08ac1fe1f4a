"""Dagster metadata for the raw tables: column schemas from the warehouse contract, and per-run figures:
the table's real row count, the stream's last success, high-water mark, lag and last error (from the
warehouse's sync state, so the UI and `bc-pipeline status` say the same), API figures and a preview."""

from datetime import UTC, datetime

import dagster as dg

from bc_pipeline.sync.report import StreamReport
from bc_pipeline.warehouse import reads, state
from bc_pipeline.warehouse.errors import Connection
from bc_pipeline.warehouse.schema import TABLES

PREVIEW_ROWS = 5
PREVIEW_COLUMNS = 8


def raw_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["bigcommerce", table])


def column_schema(table: str) -> dg.TableSchema:
    return dg.TableSchema(
        columns=[dg.TableColumn(c.name, c.type, description=c.description) for c in TABLES[table].columns]
    )


def raw_spec(table: str, *, deps: tuple[dg.AssetKey, ...] = ()) -> dg.AssetSpec:
    t = TABLES[table]
    return dg.AssetSpec(
        key=raw_key(table),
        description=t.description,
        group_name="bigcommerce",
        kinds={"bigcommerce", "duckdb"},
        deps=list(deps),
        skippable=True,
        metadata={"dagster/column_schema": column_schema(table), "dagster/table_name": t.qualified},
    )


def markdown_table(names: list[str], rows: list[tuple]) -> str:
    """A GitHub-style table (what the UI renders in Markdown metadata); None shows empty, `|` escaped."""
    def cell(value: object) -> str:
        return "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")
    lines = ["| " + " | ".join(names) + " |", "|" + "|".join("---" for _ in names) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _preview(conn: Connection, table: str) -> str:
    return markdown_table(*reads.newest_rows(conn, table, rows=PREVIEW_ROWS, columns=PREVIEW_COLUMNS))


def table_metadata(conn: Connection, table: str, report: StreamReport, rows_written: int) -> dict:
    """Row counts, API figures and a short preview for one table owned by one stream. `rows_written`: the
    rows the whole run wrote to the table, which another stream may have added to (products write variants)."""
    total, deleted = reads.row_counts(conn, table)
    meta: dict = {
        "dagster/row_count": dg.MetadataValue.int(int(total)),
        "dagster/partition_row_count": dg.MetadataValue.int(int(total)),  # the partition is the store: all of it
        "rows_written_this_run": dg.MetadataValue.int(int(rows_written)),
        "rows_marked_deleted": dg.MetadataValue.int(int(deleted)),
        "api_stream": report.stream,
        "api_records": dg.MetadataValue.int(report.records),
        "api_pages": dg.MetadataValue.int(report.pages),
        "api_requests": dg.MetadataValue.int(report.requests),
        "api_seconds": dg.MetadataValue.float(round(report.seconds, 3)),
        "api_quota_wait_seconds": dg.MetadataValue.float(round(report.quota_wait_seconds, 3)),
        "records_per_second": dg.MetadataValue.float(round(report.rate, 1)),
        "preview": dg.MetadataValue.md(_preview(conn, table)),
    }
    if report.note:
        meta["api_note"] = report.note
    for part, share in report.time_shares().items():
        meta[f"time_share_{part}"] = dg.MetadataValue.float(share)
    if report.since or report.until:
        meta["api_window_start"] = report.since.isoformat() if report.since else "start"
        meta["api_window_end"] = report.until.isoformat() if report.until else "now"
    meta.update(stream_state_metadata(conn, report.stream))
    return meta


def stream_state_metadata(conn: Connection, stream: str) -> dict:
    """Last success, high-water mark, lag and last error of the stream, as stored in the warehouse."""
    s = state.read_state(conn, stream)
    if s is None:
        return {}
    meta: dict = {"last_error": s.last_error or "none"}
    if s.last_success_at:
        meta["last_success"] = dg.MetadataValue.timestamp(s.last_success_at)
    if s.high_water_mark:
        meta["high_water_mark"] = dg.MetadataValue.timestamp(s.high_water_mark)
        meta["lag_seconds"] = dg.MetadataValue.float(round((datetime.now(UTC) - s.high_water_mark).total_seconds(), 1))
    if s.last_error_at:
        meta["last_error_at"] = dg.MetadataValue.timestamp(s.last_error_at)
    return meta
