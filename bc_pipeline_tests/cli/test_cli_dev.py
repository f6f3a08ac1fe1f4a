"""`bc-pipeline dev`: it exits with Dagster's status (one `Error:` line when that is not 0, or when there is
no workspace.yaml to serve), and SIGINT/SIGTERM reach `dagster dev` and every process it started: none of
them is left running once `bc-pipeline dev` has exited."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bc_emulator import Emulator, EmulatorConfig
from bc_pipeline_tests.dagster_dev_support import REPO, free_port, wait_for, webserver_up


def dev_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    home = tmp_path / "dagster_home"
    home.mkdir(exist_ok=True)
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BC_")}
    return {**env, "DAGSTER_HOME": str(home), "BC_DUCKDB_PATH": str(tmp_path / "bc.duckdb"), **extra}


def run_dev(cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bc_pipeline", "dev", "--port", str(free_port())], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=300)


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("Error:")]


def test_outside_the_project_folder_it_says_so_and_fails(tmp_path: Path) -> None:
    done = run_dev(tmp_path, dev_env(tmp_path))
    assert done.returncode == 1
    assert error_lines(done.stderr) == [
        f"Error: no workspace.yaml in {tmp_path}: run `bc-pipeline dev` from the project folder (where "
        "workspace.yaml is)"
    ]
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_a_failing_dagster_dev_fails_the_command_with_its_status(tmp_path: Path) -> None:
    (tmp_path / "workspace.yaml").write_text("load_from: 5\n")  # refused by Dagster, which exits 1
    done = run_dev(tmp_path, dev_env(tmp_path))
    assert done.returncode == 1
    assert error_lines(done.stderr) == ["Error: dagster dev exited with status 1 (its output is above)"]
    assert done.stderr.strip().splitlines()[-1] == error_lines(done.stderr)[0]


def _processes() -> dict[int, tuple[int, int, str]]:
    """pid -> (parent pid, process group, state) of every process, from /proc."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) "
        found[int(entry.name)] = (int(fields[1]), int(fields[2]), fields[0])
    return found


def _group(pgid: int) -> list[int]:
    return [pid for pid, (_, group, state) in _processes().items() if group == pgid and state != "Z"]


@pytest.mark.slow
@pytest.mark.parametrize("signo", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_dagster_dev_and_every_process_it_started(tmp_path: Path, signo: int) -> None:
    port = free_port()
    with Emulator(EmulatorConfig(seed=3, customers=50, orders=100, products=20, quota=None)) as emu:
        env = dev_env(tmp_path, BC_API_URL=emu.api_url, BC_STORE_HASH=emu.store_hash,
                      BC_ACCESS_TOKEN=emu.access_token, BC_START_DATE="2021-01-01", PYTHONPATH=str(REPO))
        log = (tmp_path / "dev.log").open("w")
        proc = subprocess.Popen([sys.executable, "-m", "bc_pipeline", "dev", "--port", str(port)], cwd=REPO,
                                env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        group: list[int] = []
        try:
            wait_for(lambda: webserver_up(port, proc), 240, "dagster dev to serve")
            children = [pid for pid, (parent, _, _) in _processes().items() if parent == proc.pid]
            assert len(children) == 1, children
            group = _group(children[0])  # dagster dev leads its own group: it, its webserver, daemon, servers
            assert len(group) >= 3, group
            proc.send_signal(signo)
            assert proc.wait(timeout=120) == 128 + signo
            assert wait_for(lambda: not _group(children[0]), 30, "the group to be gone", every_s=0.2)
        finally:
            for pid in [proc.pid, *group]:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            proc.wait(timeout=30)
            log.close()
    printed = (tmp_path / "dev.log").read_text()
    assert f"stopped ({signal.Signals(signo).name})" in printed
    assert "superseded" not in printed, "dagster dev's notice that `dg dev` supersedes it reaches the operator"
