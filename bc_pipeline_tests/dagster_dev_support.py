"""A real `dagster dev` (webserver + daemon) for tests and the benchmark: the repo's code location served on
a free port on 127.0.0.1, against a Dagster home holding the repo's dagster.yaml, with the environment the
caller gives (an emulator store's BC_* variables). Stopped with its whole process group."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from bc_pipeline_tests.process_support import free_port, stop_group, wait_for  # noqa: F401 (re-exported)

REPO = Path(__file__).resolve().parents[1]
LOCATION, REPOSITORY = "bc_pipeline", "__repository__"


def store_env(emu, workdir: Path, **extra: str) -> dict[str, str]:
    """The process environment for a store served by `emu`, with its files under `workdir`."""
    home = workdir / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BC_")}
    return {**clean, "DAGSTER_HOME": str(home), "BC_API_URL": emu.api_url, "BC_STORE_HASH": emu.store_hash,
            "BC_ACCESS_TOKEN": emu.access_token, "BC_DUCKDB_PATH": str(workdir / "bc.duckdb"),
            "BC_WEBHOOK_DIR": str(workdir / "webhooks"), "BC_START_DATE": "2021-01-01",
            "PYTHONPATH": str(REPO), **extra}


@contextmanager
def dagster_dev(env: dict[str, str], log_path: Path) -> Iterator[int]:
    """Serve the repo's workspace with `env`; yields the webserver's port once it answers."""
    port = free_port()
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "dagster", "dev", "-w", str(REPO / "workspace.yaml"), "-h", "127.0.0.1",
             "-p", str(port)],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_for(lambda: webserver_up(port, proc), 180, "dagster dev to serve")
            yield port
        finally:
            stop_group(proc)


def webserver_up(port: int, proc: subprocess.Popen) -> bool:
    if proc.poll() is not None:
        raise AssertionError(f"dagster dev exited with {proc.returncode}")
    try:
        return requests.get(f"http://127.0.0.1:{port}/server_info", timeout=2).ok
    except requests.RequestException:
        return False


def graphql(port: int, query: str, **variables) -> dict:
    """One GraphQL request to the webserver; the `data` of the answer (errors fail the caller)."""
    answer = requests.post(f"http://127.0.0.1:{port}/graphql", json={"query": query, "variables": variables},
                           timeout=60).json()
    assert "errors" not in answer, answer["errors"]
    return answer["data"]


def set_schedule(port: int, name: str, running: bool) -> None:
    selector = {"repositoryLocationName": LOCATION, "repositoryName": REPOSITORY, "scheduleName": name}
    if running:
        data = graphql(port, "mutation($s: ScheduleSelector!) { startSchedule(scheduleSelector: $s) "
                             "{ __typename ... on PythonError { message } } }", s=selector)
        assert data["startSchedule"]["__typename"] == "ScheduleStateResult", data
        return
    found = graphql(port, "query($s: ScheduleSelector!) { scheduleOrError(scheduleSelector: $s) "
                              "{ ... on Schedule { scheduleState { id } } } }", s=selector)
    state_id = found["scheduleOrError"]["scheduleState"]["id"]
    data = graphql(port, "mutation($id: String!) { stopRunningSchedule(id: $id) { __typename } }", id=state_id)
    assert data["stopRunningSchedule"]["__typename"] == "ScheduleStateResult", data
