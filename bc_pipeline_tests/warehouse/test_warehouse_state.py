"""Sync state: high-water marks only move forward, checkpoints resume, errors are recorded on their own."""

from datetime import UTC, datetime, timedelta

import pytest

from bc_pipeline.warehouse import state

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def test_high_water_mark_never_moves_back(wh):
    wh.merge({}, T0, [state.success_write("orders", high_water_mark=T0 + timedelta(days=2), at=T0)])
    wh.merge({}, T0, [state.success_write("orders", high_water_mark=T0, window_start=T0, at=T0 + timedelta(hours=1))])
    s = state.read_state(wh.conn, "orders")
    assert s.high_water_mark == T0 + timedelta(days=2)
    assert s.last_window_start == T0
    assert state.high_water_mark(wh.conn, "customers") is None


def test_a_window_resync_does_not_move_the_last_success(wh):
    """`sync --from/--to` of past days keeps the mark, so it is not the incremental cursor's success;
    an incremental run (the mark advances) is, and so is a listing without a window."""
    mark = T0 + timedelta(days=2)
    wh.merge({}, T0, [state.success_write("orders", high_water_mark=mark, window_start=T0, at=T0)])
    later = T0 + timedelta(hours=5)
    wh.merge({}, T0, [state.success_write("orders", high_water_mark=mark, window_start=T0 - timedelta(days=30),
                                          window_end=T0 - timedelta(days=1), at=later)])
    s = state.read_state(wh.conn, "orders")
    assert (s.last_success_at, s.last_window_end) == (T0, T0 - timedelta(days=1))
    wh.merge({}, T0, [state.success_write("orders", high_water_mark=mark + timedelta(minutes=1), window_start=mark,
                                          at=later)])
    assert state.read_state(wh.conn, "orders").last_success_at == later
    wh.merge({}, T0, [state.success_write("subscribers", window_start=T0, at=later)])  # a window, no mark yet
    assert state.read_state(wh.conn, "subscribers").last_success_at is None
    wh.merge({}, T0, [state.success_write("brands", at=later)])
    assert state.read_state(wh.conn, "brands").last_success_at == later


def test_an_error_shows_only_until_a_later_success(wh):
    wh.merge({}, T0, [state.success_write("orders", high_water_mark=T0, window_start=T0, at=T0)])
    state.record_error(wh.conn, "orders", "API unavailable", at=T0 + timedelta(minutes=5))
    assert state.read_state(wh.conn, "orders").current_error == "API unavailable"
    wh.merge({}, T0, [state.success_write("orders", high_water_mark=T0 + timedelta(minutes=9),
                                          window_start=T0, at=T0 + timedelta(minutes=10))])
    s = state.read_state(wh.conn, "orders")
    assert s.last_error == "API unavailable" and s.current_error is None
    state.record_error(wh.conn, "customers", "never synced yet", at=T0)
    assert state.read_state(wh.conn, "customers").current_error == "never synced yet"


def test_progress_checkpoints_resume_and_clear(wh):
    end = T0 + timedelta(days=1)
    wh.merge({}, T0, [state.progress_write("orders", T0, end, "0", "100", False),
                      state.progress_write("orders", T0, end, "1", None, True)])
    wh.merge({}, T0, [state.progress_write("orders", T0, end, "0", "250", False)])
    assert state.last_checkpoint(wh.conn, "orders", "0") == state.Checkpoint(T0, "250", False)
    assert state.last_checkpoint(wh.conn, "orders", "1") == state.Checkpoint(T0, None, True)
    later = T0 + timedelta(hours=1)
    wh.merge({}, T0, [state.progress_write("orders", later, end, "0", "7", False)])
    assert state.last_checkpoint(wh.conn, "orders", "0") == state.Checkpoint(later, "7", False)  # the latest window
    wh.merge({}, T0, [state.clear_progress_write("orders", T0, end), state.clear_progress_write("orders", later, end)])
    assert state.last_checkpoint(wh.conn, "orders", "0") is None and state.last_checkpoint(wh.conn, "orders", "1") is None


def test_record_error_keeps_the_mark(wh):
    wh.merge({}, T0, [state.success_write("orders", high_water_mark=T0, at=T0)])
    state.record_error(wh.conn, "orders", "HTTP 503 on /v2/orders" + "x" * 5000, at=T0 + timedelta(minutes=5))
    s = state.read_state(wh.conn, "orders")
    assert s.high_water_mark == T0 and s.last_error.startswith("HTTP 503") and len(s.last_error) == 2000
    assert s.last_error_at == T0 + timedelta(minutes=5)
    assert set(state.read_states(wh.conn)) == {"orders"}


def test_state_writes_must_be_state_write_objects(wh):
    with pytest.raises(TypeError):
        wh.merge({}, T0, [("UPDATE bigcommerce._sync_state SET rows = 1", ())])
