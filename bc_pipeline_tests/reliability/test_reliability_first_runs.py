"""Two first `bc-pipeline sync` at once on a fresh DAGSTER_HOME: Dagster creates its SQLite storage on first
use, and the two used to race on it (`table runs already exists`, a 125-line traceback in 3 of 8 trials).
Both must now succeed, every time: the instance is created under a file lock in DAGSTER_HOME."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bc_emulator import Emulator, EmulatorConfig
from bc_pipeline_tests.sync.test_sync_resume import REPO
from bc_pipeline_tests.sync_harness import ids

TRIALS = 3


@pytest.mark.slow
def test_two_first_syncs_at_once_both_succeed(tmp_path: Path) -> None:
    with Emulator(EmulatorConfig(seed=8, customers=20, orders=40, products=10, quota=None)) as emu:
        clean = {k: v for k, v in os.environ.items() if not k.startswith("BC_")}
        for trial in range(TRIALS):
            home = tmp_path / f"home{trial}"
            home.mkdir()
            shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
            procs = []
            for n in range(2):  # each its own DuckDB file: only the Dagster instance is shared
                env = {**clean, "DAGSTER_HOME": str(home), "BC_API_URL": emu.api_url,
                       "BC_STORE_HASH": emu.store_hash, "BC_ACCESS_TOKEN": emu.access_token,
                       "BC_START_DATE": "2020-01-01", "BC_DUCKDB_PATH": str(tmp_path / f"bc{trial}-{n}.duckdb")}
                procs.append(subprocess.Popen([sys.executable, "-m", "bc_pipeline", "sync"], env=env, cwd=tmp_path,
                                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
            for proc in procs:
                _, stderr = proc.communicate(timeout=600)
                assert proc.returncode == 0, f"trial {trial}: {stderr[-1500:]}"
                assert "Traceback" not in stderr
        truth = sorted(int(o["id"]) for o in emu.store.records("orders"))
    for trial in range(TRIALS):
        for n in range(2):
            assert ids(tmp_path / f"bc{trial}-{n}.duckdb", "orders", include_deleted=True) == truth
