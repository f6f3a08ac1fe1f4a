"""The production deployment of deploy/ as real processes, for the deploy test and the many-stores benchmark:
the gRPC code server (the repo's code location, `bc_pipeline.definitions`), the webserver and the daemon, each
started with deploy/'s own command and workspace, against a PostgreSQL-backed instance made from
deploy/dagster.yaml (the queued run coordinator and its per-store limit), and the ways a test drives it: a
store's sync submitted through the webserver's GraphQL API, the runs read back from the run storage.

A sync is submitted as the launchpad submits a partition run: the store's partition and its `bc/store` tag.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import requests
import yaml
from dagster_graphql import DagsterGraphQLClient, DagsterGraphQLClientError

from bc_pipeline.defs.jobs import SYNC_JOB
from bc_pipeline.defs.partitions import STORE_PARTITIONS_NAME
from bc_pipeline.defs.raw_assets import sync_run_config
from bc_pipeline.stores import STORE_TAG
from bc_pipeline_tests.deploy_support import DEPLOY
from bc_pipeline_tests.process_support import free_port, stop_group, wait_for

LOCATION = "bc_pipeline"

PARTITION_TAG = "dagster/partition"


@dataclass
class Deployment:
    instance: dg.DagsterInstance
    web_port: int
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def client(self) -> DagsterGraphQLClient:
        return DagsterGraphQLClient("127.0.0.1", port_number=self.web_port)

    def submit_sync(self, label: str, window: str = "full", tags: dict[str, str] | None = None) -> str:
        """Submit the sync job on the store's partition (as the launchpad does); its run id. The partition is
        added first, as `bc-pipeline sync` and the schedule do."""
        if not self.instance.has_dynamic_partition(STORE_PARTITIONS_NAME, label):
            self.instance.add_dynamic_partitions(STORE_PARTITIONS_NAME, [label])
        config = sync_run_config({"window": window})
        run_tags = {PARTITION_TAG: label, STORE_TAG: label, **(tags or {})}

        def submit() -> str:
            try:
                return self.client.submit_job_execution(SYNC_JOB, repository_location_name=LOCATION,
                                                        run_config=config, tags=run_tags)
            except DagsterGraphQLClientError:  # the webserver has not loaded the code location yet
                return ""

        return wait_for(submit, 120, f"the code location to take {label}'s sync")

    def finished(self, run_ids: list[str]) -> list | None:
        """The run records of `run_ids` once every run has finished, else None."""
        records = [self.instance.get_run_record_by_id(run_id) for run_id in run_ids]
        return records if all(r and r.dagster_run.is_finished for r in records) else None

    def wait_finished(self, run_ids: list[str], timeout_s: float) -> list:
        return wait_for(lambda: self.finished(run_ids), timeout_s, f"{len(run_ids)} run(s) to finish", 2.0)


def instance_config(**coordinator: object) -> dict:
    """deploy/dagster.yaml as it is; `coordinator` overrides keys of the run coordinator's config."""
    config = yaml.safe_load((DEPLOY / "dagster.yaml").read_text(encoding="utf-8"))
    config["run_coordinator"]["config"].update(coordinator)
    return config


@contextmanager
def deployment(env: dict[str, str], workdir: Path, config: dict) -> Iterator[Deployment]:
    """The three processes of deploy/ with `env` (the DAGSTER_PG_* and BC_* variables), logs in `workdir`."""
    home = workdir / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    code_port, web_port = free_port(), free_port()
    env = {**env, "DAGSTER_HOME": str(home), "BC_CODE_SERVER_HOST": "127.0.0.1", "BC_CODE_SERVER_PORT": str(code_port)}
    commands = {  # deploy/Procfile's three commands, on free ports
        "code": ["dagster", "code-server", "start", "-h", "127.0.0.1", "-p", str(code_port), "-m",
                 "bc_pipeline.definitions", "--location-name", LOCATION],
        "webserver": ["dagster-webserver", "-h", "127.0.0.1", "-p", str(web_port), "-w", "deploy/workspace.yaml"],
        "daemon": ["dagster-daemon", "run", "-w", "deploy/workspace.yaml"],
    }
    bin_dir = Path(sys.executable).parent
    started: dict[str, subprocess.Popen] = {}
    try:
        for name, command in commands.items():
            with (workdir / f"{name}.log").open("w") as log:
                started[name] = subprocess.Popen([str(bin_dir / command[0]), *command[1:]], cwd=DEPLOY.parent,
                                                 env=env, stdout=log, stderr=subprocess.STDOUT,
                                                 start_new_session=True)
        wait_for(lambda: _serving(web_port, started), 180, "the webserver")
        with dg.DagsterInstance.from_config(str(home)) as instance:
            yield Deployment(instance, web_port, started)
    finally:
        for proc in reversed(list(started.values())):
            stop_group(proc)


def process_env(pg: dict[str, str], **bc: str) -> dict[str, str]:
    """This process's environment without its BC_* variables, plus the server's DAGSTER_PG_* and `bc`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BC_")}
    return {**clean, **pg, **bc}


def _serving(port: int, started: dict[str, subprocess.Popen]) -> bool:
    for name, proc in started.items():
        assert proc.poll() is None, f"the {name} process exited with {proc.returncode}"
    try:
        return requests.get(f"http://127.0.0.1:{port}/server_info", timeout=2).ok
    except requests.RequestException:
        return False

