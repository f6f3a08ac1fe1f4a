"""Runs at once on a real Dagster instance: `dagster dev` (webserver + daemon) in a subprocess, the repo's
dagster.yaml (pool "duckdb" limited to 1), an emulator in this process. A re-sync run (a range of days), the
incremental sync run and a webhook run (the sensor's, for emulator webhook files dropped in the inbox) are
launched together; all must succeed, no event log may mention a DuckDB lock error, and the end state must be
exactly the store.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest
from dagster._serdes import serialize_value
from dagster_graphql import DagsterGraphQLClient

from bc_emulator import Emulator, EmulatorConfig
from bc_pipeline.defs.partitions import ensure_store_partition, store_label
from bc_pipeline.defs.raw_assets import sync_run_config
from bc_pipeline_tests.dagster_dev_support import dagster_dev as serve
from bc_pipeline_tests.dagster_dev_support import store_env, wait_for
from bc_pipeline_tests.reliability_support import TABLE_TRUTH, truth_ids
from bc_pipeline_tests.sync_harness import ids

SYNC_JOB, WEBHOOK_JOB = "bigcommerce_sync", "bigcommerce_webhooks"


@pytest.fixture
def dagster_dev(tmp_path):
    """(emulator, env, port): `dagster dev` serving the repo's code location against an emulator store."""
    with Emulator(EmulatorConfig(seed=23, customers=120, orders=400, products=40, quota=None)) as emu:
        env = store_env(emu, tmp_path)
        with serve(env, tmp_path / "dagster_dev.log") as port:
            yield emu, env, port


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_backfill_incremental_and_webhook_runs_at_once(dagster_dev, tmp_path):
    emu, env, port = dagster_dev
    inbox = Path(env["BC_WEBHOOK_DIR"]) / "inbox"
    emu.emit_webhooks_to(inbox)
    for n, cid in enumerate(truth_ids(emu, "customers")[:6]):
        emu.store.update("customers", cid, notes=f"webhook {n}")
    for oid in truth_ids(emu, "orders")[:6]:
        emu.store.update("orders", oid, staff_notes="changed before the runs")
    emu.store.create("customers", first_name="Created")
    emu.emit_webhooks_to(None)
    assert len(list(inbox.iterdir())) >= 13

    client = DagsterGraphQLClient("127.0.0.1", port_number=port)
    partition = {"dagster/partition": store_label(emu.store_hash)}

    def window(config: dict) -> dict:
        return sync_run_config(config)

    with dg.DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
        ensure_store_partition(instance, store_label(emu.store_hash))
        backfill = client.submit_job_execution(
            SYNC_JOB, run_config=window({"window": "range", "from_date": "2021-01-01"}), tags=partition)
        incremental = client.submit_job_execution(SYNC_JOB, run_config=window({"window": "incremental"}), tags=partition)

        def webhook_runs():
            return instance.get_runs(filters=dg.RunsFilter(job_name=WEBHOOK_JOB))

        wait_for(webhook_runs, 120, "the sensor to launch a webhook run", every_s=2)
        wait_for(lambda: not list(inbox.iterdir()), 300, "the inbox to be applied", every_s=2)

        def all_finished():
            runs = instance.get_runs()
            return runs if all(r.is_finished for r in runs) and {backfill, incremental} <= {r.run_id for r in runs} \
                else None

        runs = wait_for(all_finished, 600, "every run to finish", every_s=2)
        statuses = {r.run_id: (r.job_name, r.status.value) for r in runs}
        print(f"\nruns: {statuses}")
        assert all(r.status == dg.DagsterRunStatus.SUCCESS for r in runs), statuses
        assert {r.job_name for r in runs} >= {SYNC_JOB, WEBHOOK_JOB}
        for run in runs:
            text = " ".join(serialize_value(e) for e in instance.all_logs(run.run_id))
            assert "Could not set lock" not in text and "Conflicting lock" not in text, run.run_id

    db = Path(env["BC_DUCKDB_PATH"])
    for table, resource in TABLE_TRUTH.items():
        assert ids(db, table, include_deleted=True) == truth_ids(emu, resource), table
    processed = [p for p in (Path(env["BC_WEBHOOK_DIR"]) / "processed").rglob("*") if p.is_file()]
    assert len(processed) >= 13
