"""One transaction per merge: a failing batch leaves data and sync state as they were; state commits with data."""

from datetime import UTC, datetime

import pytest

from bc_pipeline.streams import rows_for
from bc_pipeline.warehouse import state
from bc_pipeline.warehouse.schema import TABLES
from bc_pipeline_tests.warehouse_support import order_with_consignments, snapshot

T1 = datetime(2026, 1, 1, tzinfo=UTC)
T2 = datetime(2026, 1, 2, tzinfo=UTC)
MARK = datetime(2026, 1, 1, 12, tzinfo=UTC)


def _failing_batch() -> dict:
    """Orders merge first and succeed; a line item without an id then violates the key midway."""
    rows = rows_for("orders", [order_with_consignments(218, date_modified="Tue, 12 Mar 2019 10:00:00 +0000"),
                               order_with_consignments(300)])
    rows["order_line_items"][-1]["id"] = None
    return rows


def test_a_failing_batch_leaves_the_database_unchanged(wh):
    wh.merge(rows_for("orders", [order_with_consignments(218)]), T1, [state.success_write("orders", high_water_mark=MARK)])
    before = snapshot(wh.conn, [*TABLES, "_sync_state"])
    with pytest.raises(Exception):  # noqa: B017 - DuckDB's constraint error class is version specific
        wh.merge(_failing_batch(), T2, [state.success_write("orders", high_water_mark=T2, rows=3)])
    assert snapshot(wh.conn, [*TABLES, "_sync_state"]) == before
    # the connection is usable afterwards and the same data merges once fixed
    fixed = rows_for("orders", [order_with_consignments(300)])
    assert wh.merge(fixed, T2)["orders"] == 1


def test_state_commits_with_the_data(wh):
    counts = wh.merge(rows_for("orders", [order_with_consignments(218)]), T1,
                      [state.success_write("orders", high_water_mark=MARK, window_start=T1, window_end=MARK,
                                           run_id="run-1", rows=1, requests=2, at=T1)])
    assert counts["orders"] == 1
    s = state.read_state(wh.conn, "orders")
    assert (s.high_water_mark, s.last_success_at, s.last_run_id, s.rows, s.requests) == (MARK, T1, "run-1", 1, 2)


def test_state_is_not_written_when_the_batch_rolls_back(wh):
    with pytest.raises(Exception):  # noqa: B017
        wh.merge(_failing_batch(), T1, [state.success_write("orders", high_water_mark=MARK),
                                         state.progress_write("orders", T1, T2, "0", "218", False)])
    assert state.read_state(wh.conn, "orders") is None
    assert state.last_checkpoint(wh.conn, "orders", "0") is None


def test_state_alone_can_be_merged(wh):
    assert wh.merge({}, T1, [state.success_write("brands", at=T1)]) == {}
    assert state.last_success_at(wh.conn, "brands") == T1
