"""deploy/'s instance files against a real PostgreSQL server (`.ci/postgres` starts one; skipped without):
each loads unchanged, and a real sync run of an emulator store through deploy/dagster.yaml lands its run and
its events in PostgreSQL, where a second instance and plain SQL read them back."""

from __future__ import annotations

import dagster as dg
import psycopg2
import pytest
from dagster_postgres import PostgresRunStorage, PostgresScheduleStorage
from sqlalchemy import event

from bc_pipeline.instance.postgres_storage import PooledPostgresEventLogStorage
from bc_pipeline_tests.deploy_support import INSTANCE_FILES, instance_from, postgres_or_skip
from bc_pipeline_tests.sync_harness import ids, run_sync

pytestmark = pytest.mark.slow


@pytest.fixture
def pg_env() -> dict[str, str]:
    return postgres_or_skip()


@pytest.mark.parametrize("name", INSTANCE_FILES)
def test_each_instance_file_opens_its_postgresql_storage(name, pg_env, tmp_path):
    instance = instance_from(name, tmp_path)
    assert isinstance(instance.run_storage, PostgresRunStorage)
    assert isinstance(instance.event_log_storage, PooledPostgresEventLogStorage)  # a PostgresEventLogStorage
    assert isinstance(instance.schedule_storage, PostgresScheduleStorage)
    assert instance.run_storage.postgres_url.startswith("postgresql+psycopg2://")
    instance.dispose()


def test_a_sync_run_and_its_events_are_kept_in_postgresql(pg_env, emulator, tmp_path):
    instance = instance_from("dagster.yaml", tmp_path / "home")
    connects: list[object] = []
    event.listen(instance.event_log_storage._engine, "connect", lambda *_: connects.append(1))
    db_path = tmp_path / "store.duckdb"
    result = run_sync(emulator, db_path, instance=instance)
    assert result.success
    stored = len(instance.all_logs(result.run_id))
    # the run's events share kept connections (threads writing at once open a few more); Dagster's NullPool
    # opens one per event written and per query
    assert stored > 100 and len(connects) < stored / 5, (len(connects), stored)
    run_id = result.run_id
    instance.dispose()

    reader = instance_from("dagster.yaml", tmp_path / "reader")  # a second process's view: only PostgreSQL
    run = reader.get_run_by_id(run_id)
    assert run is not None and run.status == dg.DagsterRunStatus.SUCCESS
    materialized = reader.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION).records
    keys = {record.event_log_entry.dagster_event.asset_key.path[-1] for record in materialized}
    assert {"orders", "customers", "products"} <= keys
    reader.dispose()

    with psycopg2.connect(host=pg_env["DAGSTER_PG_HOST"], port=int(pg_env["DAGSTER_PG_PORT"]),
                          user=pg_env["DAGSTER_PG_USER"], password=pg_env["DAGSTER_PG_PASSWORD"],
                          dbname=pg_env["DAGSTER_PG_DB"]) as conn, conn.cursor() as cur:
        cur.execute("SELECT status FROM runs WHERE run_id = %s", (run_id,))
        assert cur.fetchone() == ("SUCCESS",)
        cur.execute("SELECT count(*) FROM event_logs WHERE run_id = %s AND dagster_event_type = %s",
                    (run_id, "ASSET_MATERIALIZATION"))
        assert cur.fetchone()[0] == len(materialized)
    conn.close()
    assert ids(db_path, "orders", include_deleted=True) == sorted(int(o["id"]) for o in emulator.store.records("orders"))
