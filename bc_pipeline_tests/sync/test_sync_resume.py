"""Crash and resume: `bc-pipeline sync` killed with SIGKILL mid-backfill, then run again.

The database must open cleanly after every kill; a high-water mark may only exist for a stream whose data
up to it is committed; the run after the kills must end with exactly the store's records; and it must not
fetch the whole backfill again (the time chunks committed before the kill are skipped).
"""

from __future__ import annotations

import math
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bc_emulator import Emulator, EmulatorConfig
from bc_pipeline.warehouse.connect import warehouse_connection
from bc_pipeline_tests.sync_harness import ids

REPO = Path(__file__).resolve().parents[2]
ORDERS = 3000


def sync_env(emu, tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "dagster_home"
    home.mkdir(exist_ok=True)
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BC_")}
    env.update(
        BC_API_URL=emu.api_url, BC_STORE_HASH=emu.store_hash, BC_ACCESS_TOKEN=emu.access_token,
        BC_DUCKDB_PATH=str(tmp_path / "bc.duckdb"), BC_START_DATE="2020-01-01", BC_CHECKPOINT_RECORDS="300",
        DAGSTER_HOME=str(home),
    )
    return env


def order_requests(emu) -> int:
    return sum(1 for e in emu.request_log if e.path.endswith("/v2/orders"))


def earliest_order_request(emu) -> str:
    """The lowest `min_date_modified` the order listing asked for (ISO strings in UTC sort as instants)."""
    return min(e.query["min_date_modified"] for e in emu.request_log
               if e.path.endswith(("/v2/orders", "/v2/orders/count")) and "min_date_modified" in e.query)


def start_sync(env: dict[str, str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bc_pipeline", "sync"], env=env, cwd=cwd,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def kill_after_order_requests(emu, proc: subprocess.Popen, count: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while order_requests(emu) < count and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def check_consistent(emu, db: Path) -> None:
    """The file opens, and a stream with a high-water mark has every record modified up to it."""
    with warehouse_connection(db, read_only=True) as conn:
        marks = dict(conn.execute("SELECT stream, high_water_mark FROM bigcommerce._sync_state").fetchall())
    if marks.get("orders"):
        assert ids(db, "orders", include_deleted=True) == sorted(int(o["id"]) for o in emu.store.records("orders"))


@pytest.mark.slow
def test_killed_backfills_resume_to_exactly_the_store(tmp_path):
    config = EmulatorConfig(seed=11, customers=300, orders=ORDERS, products=60, quota=None, latency_ms=(15, 30))
    with Emulator(config) as emu:
        env = sync_env(emu, tmp_path)
        full_listing = math.ceil(ORDERS / 250)
        for fraction in (0.3, 0.7):  # two kills at different points of the orders listing
            emu.clear_request_log()
            proc = start_sync(env, tmp_path)
            kill_after_order_requests(emu, proc, max(2, int(full_listing * fraction)))
            check_consistent(emu, tmp_path / "bc.duckdb")
        emu.clear_request_log()
        done = subprocess.run(
            [sys.executable, "-m", "bc_pipeline", "sync"], env=env, cwd=tmp_path, capture_output=True, text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        resumed_from = earliest_order_request(emu)
        db = tmp_path / "bc.duckdb"
        for table, resource in (("orders", "orders"), ("customers", "customers"), ("products", "products")):
            assert ids(db, table, include_deleted=True) == sorted(int(r["id"]) for r in emu.store.records(resource))
        with warehouse_connection(db, read_only=True) as conn:
            left = conn.execute("SELECT count(*) FROM bigcommerce._sync_progress").fetchone()[0]
            mark = conn.execute(
                "SELECT high_water_mark FROM bigcommerce._sync_state WHERE stream = 'orders'"
            ).fetchone()[0]
    assert mark is not None and left == 0
    # the committed prefix of the window was not fetched again: the resumed listing starts after it
    assert resumed_from > "2020-01-01T00:00:00+00:00", resumed_from
