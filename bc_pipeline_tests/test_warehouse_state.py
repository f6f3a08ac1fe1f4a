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
    assert s.last_success_at == T0 + timedelta(hours=1) and s.last_window_start == T0
    assert state.high_water_mark(wh.conn, "customers") is None


def test_progress_checkpoints_resume_and_clear(wh):
    end = T0 + timedelta(days=1)
    wh.merge({}, T0, [state.progress_write("orders", T0, end, "0", "100", False),
                      state.progress_write("orders", T0, end, "1", None, True)])
    wh.merge({}, T0, [state.progress_write("orders", T0, end, "0", "250", False)])
    got = state.read_progress(wh.conn, "orders", T0, end)
    assert got == {"0": state.Progress("0", "250", False), "1": state.Progress("1", None, True)}
    wh.merge({}, T0, [state.clear_progress_write("orders", T0, end)])
    assert state.read_progress(wh.conn, "orders", T0, end) == {}


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
