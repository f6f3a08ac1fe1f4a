"""deploy/ for real: the three processes (gRPC code server, webserver, daemon) from deploy/'s commands,
instance and workspace, on a real PostgreSQL server. Two stores' runs submitted together through the
webserver go through the daemon's queue: all succeed, two runs of one store never overlap (read from the
run storage), and the two stores run at the same time (each run waits for the other store's)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest
import requests
from dagster_graphql import DagsterGraphQLClient, DagsterGraphQLClientError

from bc_pipeline.stores import STORE_TAG
from bc_pipeline_tests.deploy_support import DEPLOY, postgres_or_skip
from bc_pipeline_tests.process_support import free_port, stop_group, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]
JOBS = Path(__file__).with_name("deploy_jobs.py")


@pytest.fixture
def deployment(tmp_path):
    """(instance, webserver port): the three processes running, each in its own process group."""
    pg = postgres_or_skip()
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(DEPLOY / "dagster.yaml", home / "dagster.yaml")
    code_port, web_port = free_port(), free_port()
    env = {**os.environ, **pg, "DAGSTER_HOME": str(home), "BC_CODE_SERVER_HOST": "127.0.0.1",
           "BC_CODE_SERVER_PORT": str(code_port)}
    commands = {
        "code": ["dagster", "code-server", "start", "-h", "127.0.0.1", "-p", str(code_port), "-f", str(JOBS),
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
