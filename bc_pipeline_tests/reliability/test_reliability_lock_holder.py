"""An analyst's process holds the DuckDB file read-write: `bc-pipeline sync` and `status` wait for it once
(saying who holds it), then fail with one `Error:` line naming the holder's PID and what to do; the sync
never starts a run that would wait again at each step, and no summary opens the file a second time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bc_emulator import Emulator, EmulatorConfig
from bc_pipeline.warehouse.connect import LOCK_WAIT_S
from bc_pipeline_tests.sync.test_sync_resume import sync_env

HOLD = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(900)"


def run_at_once(commands: tuple[str, ...], env: dict[str, str], cwd: Path) -> dict[str, tuple[int, str]]:
    """Each command in its own process, all waiting on the lock at the same time: (exit code, stderr)."""
    procs = {c: subprocess.Popen([sys.executable, "-m", "bc_pipeline", c], env=env, cwd=cwd, text=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE) for c in commands}
    results = {}
    for command, proc in procs.items():
        _, stderr = proc.communicate(timeout=LOCK_WAIT_S * 4)
        results[command] = (proc.returncode, stderr)
    return results


@pytest.mark.slow
def test_a_held_file_gives_one_line_naming_the_holder(tmp_path: Path) -> None:
    with Emulator(EmulatorConfig(seed=2, customers=20, orders=40, products=10, quota=None)) as emu:
        env = sync_env(emu, tmp_path)
        db = Path(env["BC_DUCKDB_PATH"])
        holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db)], stdout=subprocess.PIPE, text=True)
        try:
            assert holder.stdout.readline().strip() == "held"
            results = run_at_once(("sync", "status"), env, tmp_path)
        finally:
            holder.kill()
            holder.wait()
        requests_made = len(emu.request_log)
    for command, (code, stderr) in results.items():
        lines = stderr.strip().splitlines()
        assert code == 1, (command, lines)
        errors = [line for line in lines if line.startswith("Error:")]
        assert errors == [lines[-1]], (command, lines)
        assert errors[0].startswith(f"Error: the DuckDB file {db} is held by PID {holder.pid} ("), errors
        assert "close that connection" in errors[0] and "then run again" in errors[0]
        assert sum("waiting up to" in line for line in lines) == (1 if command == "sync" else 0), lines
        assert "Traceback" not in stderr
    assert requests_made == 0  # the sync never started a run


def test_within_a_run_the_writer_waits_once_for_every_stream(tmp_path: Path, monkeypatch) -> None:
    """The run's path (a schedule, the UI): the first stream's batch waits for the held file, the other
    streams get the same refusal at once, and no stream tries again to record its error in the file."""
    from bc_pipeline.bigcommerce.client import BigCommerceClient
    from bc_pipeline.sync.engine import StreamPlan, run_plans
    from bc_pipeline.warehouse import connect as connect_module
    from bc_pipeline.warehouse.connect import warehouse_connection

    monkeypatch.setattr(connect_module, "LOCK_WAIT_S", 1.0)  # the wait's length is not what is tested
    attaches = []
    attach = connect_module._attach_waiting
    monkeypatch.setattr(connect_module, "_attach_waiting", lambda *a: (attaches.append(a[2]), attach(*a))[1])
    db = tmp_path / "held.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with Emulator(EmulatorConfig(seed=2, customers=20, orders=40, products=10, quota=None)) as emu:
            with BigCommerceClient(emu.api_url, emu.store_hash, emu.access_token) as client:
                reports = run_plans(client, lambda: warehouse_connection(db),
                                    [StreamPlan("customers"), StreamPlan("orders"), StreamPlan("products")])
    finally:
        holder.kill()
        holder.wait()
    assert attaches == [db]
    for report in reports.values():
        assert report.error.startswith(f"the DuckDB file {db} is held by PID {holder.pid} ("), report.error
