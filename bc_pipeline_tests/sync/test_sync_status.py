"""`bc-pipeline status` tells the truth about failures and successes.

* A sync that could not reach the API records its error against every stream, even when it failed before any
  stream started (GET /v2/time), and status shows it; a later successful sync hides it (no stale error).
* A from/to re-sync of past days does not move a stream's "last success" (the incremental cursor's).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bc_emulator import Emulator, EmulatorConfig
from bc_pipeline.cli.status_text import format_status
from bc_pipeline.sync.status import read_status
from bc_pipeline.warehouse.connect import warehouse_connection
from bc_pipeline_tests.reliability_support import sync_raw
from bc_pipeline_tests.sync_harness import cli, store_env

REPO = Path(__file__).resolve().parents[2]
DATED = ("customers", "subscribers", "orders", "products")  # the first step; the listings after it are skipped


def status_lines(db: Path) -> dict[str, str]:
    return {line.split()[0]: line for line in format_status(read_status(db)).splitlines() if line.strip()}


def cursors(db: Path) -> dict[str, tuple]:
    with warehouse_connection(db, read_only=True) as conn:
        rows = conn.execute("SELECT stream, high_water_mark, last_success_at, last_window_start "
                            "FROM bigcommerce._sync_state").fetchall()
    return {r[0]: r[1:] for r in rows}


@pytest.mark.slow
def test_status_shows_the_error_of_a_sync_that_failed_on_its_first_request_until_a_success(tmp_path):
    db = tmp_path / "bc.duckdb"
    with Emulator(EmulatorConfig(seed=5, customers=20, orders=40, products=10, quota=None)) as emu:
        sync_raw(emu, db)
        emu.config.fault_kinds, emu.config.fault_rate = ("503",), 1.0
        assert not sync_raw(emu, db, raise_on_error=False).success
        failed = status_lines(db)
        emu.config.fault_rate = 0.0
        sync_raw(emu, db)
        recovered = status_lines(db)
    for stream in DATED:
        assert "GET /v2/time failed after 5 retries; last status 503" in failed[stream], failed[stream]
    assert not [line for line in recovered.values() if "503" in line], recovered


@pytest.mark.slow
def test_a_window_resync_does_not_move_the_last_success(emulator, tmp_path):
    shutil.copy(REPO / "dagster.yaml", tmp_path / "dagster.yaml")
    env = store_env(emulator, BC_DUCKDB_PATH=str(tmp_path / "bc.duckdb"))
    assert cli(["sync"], tmp_path, **env).returncode == 0
    before = cursors(tmp_path / "bc.duckdb")
    done = cli(["sync", "--from", "2021-01-01", "--to", "2021-03-31"], tmp_path, **env)
    assert done.returncode == 0, done.stderr[-3000:]
    after = cursors(tmp_path / "bc.duckdb")
    for stream in DATED:
        assert after[stream][:2] == before[stream][:2], stream  # mark and last success as the sync left them
        assert after[stream][2] != before[stream][2], f"{stream}: the re-sync's window was not recorded"
