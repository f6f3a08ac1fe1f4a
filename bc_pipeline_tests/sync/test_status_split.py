"""`bc-pipeline status` in its three parts, on a real DuckDB file: the warehouse reads the state and the row
counts, sync/status.py decides what is said (an error a later success superseded is not), cli/status_text.py
lays it out."""

from datetime import UTC, datetime, timedelta

from bc_pipeline.cli.status_text import format_status
from bc_pipeline.streams import rows_for
from bc_pipeline.sync.status import read_status
from bc_pipeline.warehouse import state
from bc_pipeline_tests.warehouse_support import order_with_consignments

T0 = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def test_status_reads_decides_and_lays_out(wh, tmp_path):
    wh.merge(rows_for("orders", [order_with_consignments(218)]), T0,
             [state.success_write("orders", high_water_mark=T0 - timedelta(hours=2), window_start=T0, at=T0)])
    state.record_error(wh.conn, "orders", "superseded", at=T0 - timedelta(minutes=1))
    state.record_error(wh.conn, "customers", "HTTP 503 on /v3/customers", at=T0)
    wh.mark_deleted("orders", [218], T0)
    wh.conn.close()

    status = read_status(tmp_path / "wh.duckdb")
    by_stream = {s.stream: s for s in status.streams}
    assert by_stream["orders"].last_error is None  # the success came after it
    assert by_stream["customers"].last_error == "HTTP 503 on /v3/customers"
    assert by_stream["orders"].behind(T0) == timedelta(hours=2)
    assert status.rows["bigcommerce.orders"] == (1, 1)

    lines = {line.split()[0]: line for line in format_status(status, now=T0 + timedelta(minutes=3)).splitlines()
             if line.strip()}
    assert lines["orders"].split()[1:4] == ["2026-01-05", "12:00:00Z", "2026-01-05T10:00:00+00:00"]
    assert lines["orders"].split()[4] == "2h"
    assert lines["customers"].endswith("HTTP 503 on /v3/customers (3m ago)")
    assert lines["bigcommerce.orders"].split()[1:] == ["1", "1"]
