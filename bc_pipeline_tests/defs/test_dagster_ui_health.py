"""What an operator sees in the Dagster UI, under a real `dagster dev` (webserver + daemon) against an
emulator store:

* after one full `bc-pipeline sync --full`, the run is one of the `bc_pipeline` location's (the job page's
  GraphQL query finds it), and the store's partition is materialized on every raw and mapped asset, with
  `dagster/row_count` equal to the table's count in DuckDB;
* the incremental schedule (every minute here) launches a no-op run that succeeds;
* a run that fails (the store revoked the token) leads with its cause: the first error event is the
  one-line reason.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.storage.tags import REPOSITORY_LABEL_TAG, SCHEDULE_NAME_TAG
from dagster_graphql import DagsterGraphQLClient

from bc_emulator import Emulator, EmulatorConfig
from bc_pipeline.mapping.load import load_mapping
from bc_pipeline.warehouse.connect import warehouse_connection
from bc_pipeline_tests.dagster_dev_support import dagster_dev, graphql, set_schedule, store_env, wait_for
from bc_pipeline_tests.sync_harness import RAW_ASSETS

SYNCED_TABLES = sorted({key.path[-1] for asset in RAW_ASSETS for key in asset.keys})

SYNC_JOB, SCHEDULE = "bigcommerce_sync", "incremental_sync"
JOB_PAGE_RUNS = """query($job: String!, $repo: String!) {
  runsOrError(filter: {pipelineName: $job, tags: [{key: ".dagster/repository", value: $repo}]}) {
    ... on Runs { results { runId } } } }"""
PARTITION_STATS = """{ assetNodes(group: {groupName: "%s", repositoryName: "__repository__",
  repositoryLocationName: "bc_pipeline"}) { assetKey { path } partitionStats { numMaterialized numPartitions } } }"""


@pytest.fixture
def served(tmp_path: Path):
    with Emulator(EmulatorConfig(seed=31, customers=80, orders=240, products=30, quota=None)) as emu:
        env = store_env(emu, tmp_path, BC_SYNC_CRON="* * * * *")
        with dagster_dev(env, tmp_path / "dagster_dev.log") as port:
            yield emu, env, port


def duckdb_counts(db: Path) -> dict[tuple[str, ...], int]:
    """Asset key path -> rows, for every raw table a sync writes (abandoned carts come from webhooks only) and
    every mapped table."""
    entities = load_mapping().entities
    with warehouse_connection(db, read_only=True) as conn:
        raw = {("bigcommerce", t): conn.execute(f"SELECT count(*) FROM bigcommerce.{t}").fetchone()[0] for t in SYNCED_TABLES}
        mapped = {("mapped", e): conn.execute(f"SELECT count(*) FROM mapped.{e}").fetchone()[0] for e in entities}
    return {**raw, **mapped}


def finished_run(instance: dg.DagsterInstance, run_id: str, timeout_s: float = 300) -> dg.DagsterRun:
    return wait_for(lambda: (r := instance.get_run_by_id(run_id)) and r.is_finished and r, timeout_s, f"run {run_id}")


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_partitions_schedule_and_failures_as_the_ui_shows_them(served, tmp_path: Path):
    emu, env, port = served
    label = emu.store_hash.lower()
    done = subprocess.run([sys.executable, "-m", "bc_pipeline", "sync", "--full"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]

    with dg.DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
        [cli_run] = instance.get_runs()
        assert cli_run.remote_job_origin.location_name == "bc_pipeline"
        labelled = instance.get_runs(filters=dg.RunsFilter(tags={REPOSITORY_LABEL_TAG: "__repository__@bc_pipeline"}))
        assert [r.run_id for r in labelled] == [cli_run.run_id]
        page = graphql(port, JOB_PAGE_RUNS, job=SYNC_JOB, repo="__repository__@bc_pipeline")
        assert [r["runId"] for r in page["runsOrError"]["results"]] == [cli_run.run_id]

        counts = duckdb_counts(Path(env["BC_DUCKDB_PATH"]))
        assert counts[("bigcommerce", "orders")] == 240 and counts[("bigcommerce", "order_line_items")] > 0
        for path, rows in counts.items():
            key = dg.AssetKey(list(path))
            assert instance.get_materialized_partitions(key) == {label}, path
            event = instance.get_latest_materialization_event(key)
            assert event.run_id == cli_run.run_id and event.dagster_event.partition == label, path
            assert event.asset_materialization.metadata["dagster/row_count"].value == rows, path
        for group in ("bigcommerce", "mapped"):
            nodes = graphql(port, PARTITION_STATS % group)["assetNodes"]
            synced = [n for n in nodes if tuple(n["assetKey"]["path"]) in counts]
            assert len(synced) == len([p for p in counts if p[0] == group])
            assert all(n["partitionStats"] == {"numMaterialized": 1, "numPartitions": 1} for n in synced), synced

        set_schedule(port, SCHEDULE, running=True)
        try:
            scheduled = wait_for(lambda: instance.get_runs(filters=dg.RunsFilter(tags={SCHEDULE_NAME_TAG: SCHEDULE})),
                                 150, "the schedule to launch a run", every_s=2)[-1]
        finally:
            set_schedule(port, SCHEDULE, running=False)
        run = finished_run(instance, scheduled.run_id)
        assert run.status == dg.DagsterRunStatus.SUCCESS
        assert duckdb_counts(Path(env["BC_DUCKDB_PATH"])) == counts, "nothing changed: a no-op run"

        emu.revoke_token(emu.access_token)
        client = DagsterGraphQLClient("127.0.0.1", port_number=port)
        failing = client.submit_job_execution(SYNC_JOB, tags={"dagster/partition": label})
        run = finished_run(instance, failing)
        assert run.status == dg.DagsterRunStatus.FAILURE
        errors = [e for e in instance.all_logs(failing) if e.level >= logging.ERROR]
        first = errors[0].user_message
        print(f"\nfirst error: {first}")
        assert "\n" not in first and "Traceback" not in first and "401" in first, first
        failure = next(e.dagster_event for e in errors if e.is_dagster_event and e.dagster_event.is_step_failure)
        assert failure.step_failure_data.user_failure_data.description == first
