"""The local instance's event log (bc_pipeline/instance/sqlite_event_log.py) keeps its SQLite databases
connected between events. What must still hold, with real processes on one DAGSTER_HOME made from the repo's
dagster.yaml: another process (the webserver) sees each event while the writer is still running, both by
reading and through Dagster's watcher that the UI follows a run with; events committed by a process killed
with SIGKILL are all there; a process that writes to many runs keeps a bounded number of databases open."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import dagster as dg
import pytest
import sqlalchemy
from dagster._core.definitions.asset_checks.asset_check_evaluation import AssetCheckEvaluationPlanned

from bc_pipeline.instance.sqlite_event_log import MAX_OPEN_DATABASES, PooledSqliteEventLogStorage
from bc_pipeline.instance.sqlite_run_schedule_storage import (
    FastOpenSqliteRunStorage,
    FastOpenSqliteScheduleStorage,
)

REPO = Path(__file__).resolve().parents[2]

# Writes one engine event per line read from stdin to a run it creates, printing the run id first and "ok"
# after each event, so the test decides when each write happens and when the writer dies.
WRITER = textwrap.dedent("""
    import sys
    import dagster as dg
    instance = dg.DagsterInstance.get()
    run = instance.create_run_for_job(dg.GraphDefinition(name="g", node_defs=[]).to_job(), run_id=None)
    print(run.run_id, flush=True)
    for line in sys.stdin:
        instance.report_engine_event(line.strip(), run)
        print("ok", flush=True)
""")


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    shutil.copy(REPO / "dagster.yaml", tmp_path / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    return tmp_path


def _writer(home: Path) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-c", WRITER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True, env={**os.environ, "DAGSTER_HOME": str(home)})
    return proc, proc.stdout.readline().strip()


def _write(proc: subprocess.Popen, message: str) -> None:
    proc.stdin.write(message + "\n")
    proc.stdin.flush()
    assert proc.stdout.readline().strip() == "ok"


def _messages(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    return [_text(r.event_log_entry) for r in instance.get_records_for_run(run_id).records]


def _text(entry) -> str:
    return entry.dagster_event.message if entry.dagster_event else entry.user_message


def test_the_repo_instance_uses_the_pooled_event_log(home):
    with dg.DagsterInstance.get() as instance:
        assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)
        assert Path(instance.event_log_storage._base_dir) == home / "history" / "runs"
        # and the run and schedule storages that open without alembic (test_instance_sqlite_schema.py)
        assert isinstance(instance.run_storage, FastOpenSqliteRunStorage)
        assert isinstance(instance.schedule_storage, FastOpenSqliteScheduleStorage)
        assert (home / "history" / "runs.db").exists() and (home / "schedules" / "schedules.db").exists()


def test_another_process_sees_each_event_while_the_writer_runs(home):
    proc, run_id = _writer(home)
    try:
        with dg.DagsterInstance.get() as reader:
            seen: list[str] = []
            arrived = threading.Event()

            def on_event(entry, _cursor):
                if _text(entry).startswith("step "):
                    seen.append(_text(entry))
                    arrived.set()

            _write(proc, "warm-up")  # creates the run's database; its file events must not count below
            cursor = reader.get_records_for_run(run_id).cursor
            reader.watch_event_logs(run_id, cursor, on_event)
            for n in range(3):
                arrived.clear()
                _write(proc, f"step {n}")
                assert f"step {n}" in _messages(reader, run_id)  # read while the writer holds its connection
                assert arrived.wait(30), f"the watcher was not told about 'step {n}'"
            assert seen == ["step 0", "step 1", "step 2"]
            reader.end_watch_event_logs(run_id, on_event)
    finally:
        proc.kill()
        proc.wait()


def test_events_committed_before_sigkill_are_kept(home):
    proc, run_id = _writer(home)
    for n in range(5):
        _write(proc, f"event {n}")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with dg.DagsterInstance.get() as instance:
        messages = _messages(instance, run_id)
    assert [m for m in messages if m.startswith("event ")] == [f"event {n}" for n in range(5)]


def test_a_process_writing_to_many_runs_keeps_few_databases_open(home):
    job = dg.GraphDefinition(name="g", node_defs=[]).to_job()
    with dg.DagsterInstance.get() as instance:
        runs = [instance.create_run_for_job(job) for _ in range(MAX_OPEN_DATABASES + 4)]
        for run in runs:
            instance.report_engine_event("hello", run)
        storage = instance.event_log_storage
        assert len([s for s in storage._engines if s != "index"]) == MAX_OPEN_DATABASES
        for run in runs:  # the closed ones reopen on demand
            assert "hello" in _messages(instance, run.run_id)


def test_asset_check_events_do_not_open_a_connection_each(home):
    """Dagster asks whether the asset-check table exists before storing each asset check event, with a new
    engine and connection each time; the answer is remembered once it is yes."""
    asset = dg.AssetKey("orders")
    job = dg.GraphDefinition(name="g", node_defs=[]).to_job()
    connects: list[object] = []

    def count(*_: object) -> None:
        connects.append(1)

    with dg.DagsterInstance.get() as instance:
        run = instance.create_run_for_job(job)
        instance.report_engine_event("open the run's database", run)
        sqlalchemy.event.listen(sqlalchemy.engine.Engine, "connect", count)
        try:
            for n in range(20):
                instance.report_dagster_event(
                    dg.DagsterEvent(
                        event_type_value=dg.DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED.value,
                        job_name=job.name,
                        event_specific_data=AssetCheckEvaluationPlanned(asset_key=asset, check_name=f"check_{n}"),
                    ),
                    run.run_id,
                )
        finally:
            sqlalchemy.event.remove(sqlalchemy.engine.Engine, "connect", count)
        planned = instance.event_log_storage.get_asset_check_execution_history(
            dg.AssetCheckKey(asset, "check_7"), limit=5)
    assert len(connects) <= 2, f"{len(connects)} SQLite connections opened for 20 asset check events"
    assert [r.status.value for r in planned] == ["PLANNED"]
