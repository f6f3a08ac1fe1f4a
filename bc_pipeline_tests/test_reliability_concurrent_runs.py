"""Runs at once on a real Dagster instance: `dagster dev` (webserver + daemon) in a subprocess, the repo's
dagster.yaml (pool "duckdb" limited to 1), an emulator in this process. A backfill run (a range of monthly
partitions), the incremental sync run and a webhook run (the sensor's, for emulator webhook files dropped in
the inbox) are launched together; all must succeed, no event log may mention a DuckDB lock error, and the end
state must be exactly the store.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest
import requests
from dagster._serdes import serialize_value
from dagster_graphql import DagsterGraphQLClient

from bc_pipeline.defs.partitions import monthly_modified
from bc_pipeline.emulator import Emulator, EmulatorConfig
from bc_pipeline_tests.process_support import free_port, stop_group, wait_for
from bc_pipeline_tests.reliability_support import TABLE_TRUTH, truth_ids
from bc_pipeline_tests.sync_harness import ids

REPO = Path(__file__).resolve().parents[1]
SYNC_JOB, WEBHOOK_JOB = "bigcommerce_sync", "bigcommerce_webhooks"


@pytest.fixture
def dagster_dev(tmp_path):
    """(emulator, env, port): `dagster dev` serving the repo's code location against an emulator store."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    port = free_port()
    with Emulator(EmulatorConfig(seed=23, customers=120, orders=400, products=40, quota=None)) as emu:
        clean = {k: v for k, v in os.environ.items() if not k.startswith("BC_")}
        env = {**clean, "DAGSTER_HOME": str(home), "BC_API_URL": emu.api_url, "BC_STORE_HASH": emu.store_hash,
               "BC_ACCESS_TOKEN": emu.access_token, "BC_DUCKDB_PATH": str(tmp_path / "bc.duckdb"),
               "BC_WEBHOOK_DIR": str(tmp_path / "webhooks"), "BC_START_DATE": "2021-01-01",
               "PYTHONPATH": str(REPO)}
        log = (tmp_path / "dagster_dev.log").open("w")
        proc = subprocess.Popen(
            [sys.executable, "-m", "dagster", "dev", "-w", str(REPO / "workspace.yaml"), "-h", "127.0.0.1",
             "-p", str(port)],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_for(lambda: _up(port, proc), 180, "dagster dev to serve")
            yield emu, env, port
        finally:
            stop_group(proc)
            log.close()


def _up(port: int, proc: subprocess.Popen) -> bool:
    if proc.poll() is not None:
        raise AssertionError(f"dagster dev exited with {proc.returncode}")
    try:
        return requests.get(f"http://127.0.0.1:{port}/server_info", timeout=2).ok
    except requests.RequestException:
        return False


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
    # Steps in the run's own process (the runs are still separate processes launched by the daemon): a step
    # subprocess costs 10-20 s on a small CI machine and the sync job has about 15 steps.
    in_process = {"execution": {"config": {"in_process": {}}}}
    config = {**in_process, "ops": {"bigcommerce_dated_streams": {"config": {"mode": "window"}}}}
    backfill = client.submit_job_execution(SYNC_JOB, run_config=config, tags={
        "dagster/asset_partition_range_start": "2021-01-01", "dagster/asset_partition_range_end": "2025-10-01"})
    with dg.DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
        incremental = client.submit_job_execution(
            SYNC_JOB, run_config={**in_process, "ops": {"bigcommerce_dated_streams": {"config": {"mode": "incremental"}}}},
            tags={"dagster/partition": monthly_modified.get_last_partition_key()})

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
