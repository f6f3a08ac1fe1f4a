"""The disk fills during a sync: a real write failure, made by capping the size of any file the sync process
writes (RLIMIT_FSIZE: a write past it fails with EFBIG, as on a full disk). The failed COMMIT must give one
clean line with DuckDB's reason (it used to be "cannot rollback - no transaction is active", once per
stream), keep the stream's high-water mark, and the next sync with room must end with exactly the store."""

from __future__ import annotations

import re
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bc_emulator import Emulator, EmulatorConfig
from bc_pipeline_tests.sync.test_sync_resume import check_consistent, sync_env
from bc_pipeline_tests.sync_harness import ids

FILE_CAP = 4_000_000  # bytes: the Dagster instance fits, the orders' write-ahead log does not


def full_disk() -> None:  # in the child, before exec
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the cap then fails instead of killing
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_CAP, FILE_CAP))


def sync(env: dict[str, str], cwd: Path, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bc_pipeline", "sync"], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=600, **kwargs)


@pytest.mark.slow
def test_a_failed_write_is_one_clean_line_and_the_next_sync_is_exact(tmp_path: Path) -> None:
    with Emulator(EmulatorConfig(seed=11, customers=500, orders=3000, products=100, quota=None)) as emu:
        env = sync_env(emu, tmp_path)
        failed = sync(env, tmp_path, preexec_fn=full_disk)
        lines = failed.stderr.strip().splitlines()
        assert failed.returncode == 1, lines[-5:]
        assert [line for line in lines if line.startswith("Error:")] == [lines[-1]]
        # the stream whose commit crossed the cap first (orders, or another whose batch merged meanwhile)
        assert re.match(r"Error: sync failed: [a-z_]+: ", lines[-1]), lines[-1]
        assert "File too large" in lines[-1]
        assert "cannot rollback" not in failed.stderr and "Traceback" not in failed.stderr
        check_consistent(emu, tmp_path / "bc.duckdb")

        done = sync(env, tmp_path)
        assert done.returncode == 0, done.stderr[-2000:]
        for table in ("orders", "customers", "products"):
            assert ids(tmp_path / "bc.duckdb", table, include_deleted=True) == sorted(
                int(r["id"]) for r in emu.store.records(table))
