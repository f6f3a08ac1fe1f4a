"""deploy/ for real: the three processes (gRPC code server, webserver, daemon) from deploy/'s commands,
instance and workspace, on a real PostgreSQL server.

* A stand-in job: two stores' runs submitted together through the webserver go through the daemon's queue:
  all succeed, two runs of one store never overlap (read from the run storage), and the two stores run at
  the same time (each run waits for the other store's).
* bc_pipeline itself, with a stores file of three emulator stores (one with a revoked token): two full syncs
  submitted through the webserver, a tick of the incremental schedule (one run per store) and a webhook run
  asked by the sensor all go through the queue together: every run succeeds but the revoked store's, no two
  runs of one store overlap, and each landed file equals its emulator store."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import pytest
import requests
from dagster_graphql import DagsterGraphQLClient, DagsterGraphQLClientError

from bc_pipeline.stores import STORE_TAG
from bc_pipeline_tests.deploy_support import DEPLOY, postgres_or_skip
from bc_pipeline_tests.process_support import free_port, stop_group, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]
JOBS = Path(__file__).parents[1] / "deploy_jobs.py"


@pytest.fixture
def deployment(tmp_path):
    """(instance, webserver port): the three processes running the stand-in job."""
    with running_deployment(tmp_path, ["-f", str(JOBS)], {}) as running:
        yield running


@contextmanager
def running_deployment(tmp_path: Path, code: list[str], extra_env: dict[str, str]):
    """(instance, webserver port): the three processes running, each in its own process group; the code
    server serves `code` (`-f FILE` or `-m MODULE`)."""
    pg = postgres_or_skip()
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(DEPLOY / "dagster.yaml", home / "dagster.yaml")
    code_port, web_port = free_port(), free_port()
    env = {**os.environ, **pg, "DAGSTER_HOME": str(home), "BC_CODE_SERVER_HOST": "127.0.0.1",
           "BC_CODE_SERVER_PORT": str(code_port), **extra_env}
    commands = {
        "code": ["dagster", "code-server", "start", "-h", "127.0.0.1", "-p", str(code_port), *code,
                 "--location-name", "bc_pipeline"],
        "webserver": ["dagster-webserver", "-h", "127.0.0.1", "-p", str(web_port), "-w", "deploy/workspace.yaml"],
        "daemon": ["dagster-daemon", "run", "-w", "deploy/workspace.yaml"],
    }
    bin_dir = Path(sys.executable).parent
    started: list[subprocess.Popen] = []
    try:
        for name, command in commands.items():
            log = (tmp_path / f"{name}.log").open("w")
            started.append(subprocess.Popen([str(bin_dir / command[0]), *command[1:]], cwd=DEPLOY.parent, env=env,
                                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
            log.close()
        wait_for(lambda: _serving(web_port, started), 180, "the webserver")
        instance = dg.DagsterInstance.from_config(str(home))
        yield instance, web_port
        instance.dispose()
    finally:
        for proc in reversed(started):
            stop_group(proc)


def _serving(port: int, started: list[subprocess.Popen]) -> bool:
    for proc in started:
        assert proc.poll() is None, f"{proc.args[0]} exited with {proc.returncode}"
    try:
        return requests.get(f"http://127.0.0.1:{port}/server_info", timeout=2).ok
    except requests.RequestException:
        return False


def test_two_stores_through_the_queue(deployment, tmp_path):
    instance, port = deployment
    markers = tmp_path / "markers"
    markers.mkdir()
    client = DagsterGraphQLClient("127.0.0.1", port_number=port)
    config = {"ops": {"stand_in_for_a_sync": {"config": {"marker_dir": str(markers)}}}}

    def submit(store: str) -> str:
        try:
            return client.submit_job_execution("store_job", repository_location_name="bc_pipeline",
                                               run_config=config, tags={STORE_TAG: store})
        except DagsterGraphQLClientError:  # the webserver has not loaded the code location yet
            return ""

    run_ids = [wait_for(lambda s=store: submit(s), 120, "the code location") for store in ("acme", "acme", "beta", "beta")]

    def finished():
        runs = [instance.get_run_record_by_id(run_id) for run_id in run_ids]
        return runs if all(r and r.dagster_run.is_finished for r in runs) else None

    records = wait_for(finished, 300, "the four runs")
    assert [r.dagster_run.status for r in records] == [dg.DagsterRunStatus.SUCCESS] * 4
    for store in ("acme", "beta"):
        first, second = sorted((r for r in records if r.dagster_run.tags[STORE_TAG] == store),
                               key=lambda r: r.start_time)
        assert first.end_time <= second.start_time, f"two runs of {store} overlapped"


def _tagged(instance: dg.DagsterInstance, key: str, value: str) -> list:
    return instance.get_run_records(filters=dg.RunsFilter(tags={key: value}))


@pytest.mark.timeout(900)
def test_many_stores_through_the_queue(make_emulator, tmp_path):
    """Full syncs, a schedule tick and a webhook run of three stores, all through the queue at once."""
    from bc_pipeline_tests.reliability_support import TABLE_TRUTH, truth_ids
    from bc_pipeline_tests.stores_support import customers, truth_customers, write_stores
    from bc_pipeline_tests.sync_harness import ids
    from bc_pipeline_tests.webhooks_support import drop, payload

    emus = {label: make_emulator(seed=seed, store_hash=f"{label}hash", access_token=f"{label}-token-0123456789")
            for label, seed in (("acme", 1), ("beta", 2), ("gone", 3))}
    stores = write_stores(tmp_path / "stores.yaml", {label: (emu, f"{label.upper()}_TOKEN")
                                                     for label, emu in emus.items()}, tmp_path)
    hooks = tmp_path / "webhooks"
    customer = emus["acme"].store.records("customers")[0]["id"]
    body = {**payload("store/customer/updated", {"type": "customer", "id": customer}), "producer": "stores/acmehash"}
    drop(hooks / "acme" / "inbox", "one.json", body)
    env = {"BC_STORES_FILE": str(stores), "ACME_TOKEN": emus["acme"].access_token,
           "BETA_TOKEN": emus["beta"].access_token, "GONE_TOKEN": "revoked-token-0123456789",
           "BC_WEBHOOK_DIR": str(hooks), "BC_SYNC_CRON": "* * * * *", "BC_SCHEDULE_RUNNING": "true",
           "BC_RECONCILE_RUNNING": "false", "BC_LAKE_PUBLISH": "false"}
    with running_deployment(tmp_path, ["-m", "bc_pipeline.definitions"], env) as (instance, port):
        instance.add_dynamic_partitions("bigcommerce_store", ["acme", "beta", "gone"])
        client = DagsterGraphQLClient("127.0.0.1", port_number=port)
        full = {"ops": {"bigcommerce_dated_streams": {"config": {"window": "full"}}}}

        def submit(label: str) -> str:
            try:
                return client.submit_job_execution(
                    "bigcommerce_sync", repository_location_name="bc_pipeline", run_config=full,
                    tags={STORE_TAG: label, "dagster/partition": label, "bc/trigger": "test"})
            except DagsterGraphQLClientError:  # the webserver has not loaded the code location yet
                return ""

        for label in ("acme", "beta"):
            wait_for(lambda lb=label: submit(lb), 180, "the code location")

        def settled():
            first_tick: dict[str, object] = {}  # the schedule ticks every minute: its first run of each store
            for record in sorted(_tagged(instance, "bc/trigger", "schedule"), key=lambda r: r.create_timestamp):
                first_tick.setdefault(record.dagster_run.tags[STORE_TAG], record)
            webhook = _tagged(instance, "bc/trigger", "sensor")
            tested = _tagged(instance, "bc/trigger", "test")
            if set(first_tick) != {"acme", "beta", "gone"} or not webhook or len(tested) < 2:
                return None
            everything = [*first_tick.values(), *webhook, *tested]
            return everything if all(r.dagster_run.is_finished for r in everything) else None

        records = wait_for(settled, 480, "the full syncs, a schedule tick and a webhook run", every_s=3)
        finished = [r for r in instance.get_run_records() if r.dagster_run.is_finished]

    for record in records:
        label = record.dagster_run.tags[STORE_TAG]
        expected = dg.DagsterRunStatus.FAILURE if label == "gone" else dg.DagsterRunStatus.SUCCESS
        assert record.dagster_run.status == expected, (label, record.dagster_run.tags.get("bc/trigger"))
    by_store: dict[str, list] = {}
    for record in finished:  # every run that ended, later ticks' too: none overlaps another of its store
        by_store.setdefault(record.dagster_run.tags[STORE_TAG], []).append(record)
    for label, runs in by_store.items():
        ordered = sorted(runs, key=lambda r: r.start_time)
        for before, after in zip(ordered, ordered[1:], strict=False):
            assert before.end_time <= after.start_time, f"two runs of {label} overlapped"
    for label in ("acme", "beta"):
        db = tmp_path / "data" / f"{label}.duckdb"
        assert customers(db) == truth_customers(emus[label])
        for table, resource in TABLE_TRUTH.items():
            assert ids(db, table, include_deleted=True) == truth_ids(emus[label], resource), (label, table)
    assert [p.name for p in (hooks / "acme" / "inbox").iterdir()] == []  # the webhook run applied the file
