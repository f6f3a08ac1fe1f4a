"""A stream that fails on a bug in our own code keeps its traceback (logged at ERROR on the run) beside the
step's one-line failure; a stream that fails on an error whose message says it all logs no traceback."""

from __future__ import annotations

import dataclasses
import logging

import dagster as dg
import duckdb
import pytest

from bc_pipeline.sync import engine
from bc_pipeline_tests.sync_harness import run_sync


@pytest.fixture
def store(make_emulator):
    return make_emulator(orders=30, customers=10, products=5)


def _run(store, tmp_path, monkeypatch, flatten) -> tuple[str, list[str]]:
    """Sync with the orders stream's flattener replaced; the step failure's text and the run's ERROR logs."""
    real = engine.registered
    monkeypatch.setattr(engine, "registered", lambda name: dataclasses.replace(real(name), flatten=flatten)
                        if name == "orders" else real(name))
    instance = dg.DagsterInstance.ephemeral()
    result = run_sync(store, tmp_path / "bc.duckdb", instance=instance, raise_on_error=False)
    assert not result.success
    failure = " ".join(e.event_specific_data.error.to_string() for e in result.all_events
                       if e.event_type_value == "STEP_FAILURE")
    errors = [e.user_message for e in instance.all_logs(result.run_id) if e.level >= logging.ERROR]
    return failure, errors


def test_a_bug_in_a_stream_keeps_its_traceback(store, tmp_path, monkeypatch):
    def flatten_with_a_bug(records):
        return [][len(records)]  # an IndexError in our own code

    failure, errors = _run(store, tmp_path, monkeypatch, flatten_with_a_bug)
    assert "orders: list index out of range" in failure  # the step's one line, as for any stream error
    (traced,) = [m for m in errors if "Traceback" in m]
    assert "stream orders failed on a bug" in traced and "flatten_with_a_bug" in traced
    assert "IndexError: list index out of range" in traced


def test_an_error_that_says_it_all_logs_no_traceback(store, tmp_path, monkeypatch):
    def flatten_with_a_database_error(records):
        raise duckdb.IOException("could not write: disk full")

    failure, errors = _run(store, tmp_path, monkeypatch, flatten_with_a_database_error)
    assert "orders: could not write: disk full" in failure
    assert not [m for m in errors if "Traceback" in m]
