"""The bc_pipeline step of the benchmark: one `bc-pipeline sync` in a subprocess against an emulator store.

`run_sync(...)` is the single place the harness touches bc_pipeline, so when the CLI changes only this file
does. The sync runs in its own process (peak RSS and CPU are its own) with a fresh DAGSTER_HOME and DuckDB
file per store; the second call with the same `workdir` is the incremental run.

The CLI prints its per-stream progress lines on stderr (read by bench/sync_progress.py) and a status table on
stdout: every progress line is kept, prefixed with its arrival time since the process started (`t+12.3s `),
and so is the table.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import sync_progress
from bench.measure import run_measured
from bench.store_process import REPO, StoreProcess

NOT_BUILT_MARKERS = ("not built yet", "No such command")
_TABLE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")  # raw tables; the sync's own state tables start with '_'


@dataclass
class SyncRun:
    status: str  # complete | failed: ... | timed out | not run: ...
    wall_s: float = 0.0
    cpu_s: float = 0.0
    peak_rss_mb: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)  # rows in each bigcommerce.* table after the run
    progress: list[str] = field(default_factory=list)  # the CLI's progress lines (stderr), with arrival times
    stdout: list[str] = field(default_factory=list)  # the CLI's status table


def sync_command() -> list[str]:
    exe = shutil.which("bc-pipeline")
    return [exe, "sync"] if exe else [sys.executable, "-m", "bc_pipeline", "sync"]


def run_sync(store: StoreProcess, workdir: Path, start_date: str, time_limit_s: float) -> SyncRun:
    """Run `bc-pipeline sync` once against `store`, keeping its database and Dagster instance in `workdir`."""
    home = workdir / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    if (REPO / "dagster.yaml").exists() and not (home / "dagster.yaml").exists():
        shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")  # the duckdb concurrency pool
    db = workdir / "bench.duckdb"
    env = {k: v for k, v in os.environ.items() if not k.startswith("BC_")}
    env.update({
        "BC_API_URL": store.api_url, "BC_STORE_HASH": store.store_hash, "BC_ACCESS_TOKEN": store.access_token,
        "BC_START_DATE": start_date, "BC_DUCKDB_PATH": str(db), "DAGSTER_HOME": str(home),
    })
    progress: list[str] = []
    stdout: list[str] = []
    started = time.monotonic()

    def on_stderr(line: str) -> None:
        if sync_progress.parse_line(line) is not None:
            progress.append(f"t+{time.monotonic() - started:.1f}s {line.strip()}")

    run = run_measured(sync_command(), env=env, cwd=str(workdir), time_limit_s=time_limit_s,
                       on_stdout_line=lambda line: stdout.append(line.rstrip()), on_stderr_line=on_stderr)
    if run.timed_out:
        status = "timed out"
    elif run.returncode == 0:
        status = "complete"
    elif any(m in run.stderr_tail or any(m in p for p in stdout) for m in NOT_BUILT_MARKERS):
        status = "not run: `bc-pipeline sync` not built yet"
    else:
        last = (run.stderr_tail.strip().splitlines() or stdout or ["(no output)"])[-1]
        status = f"failed: {last[-300:]}"
    rows = count_rows(db) if db.exists() and status == "complete" else {}
    return SyncRun(status, run.wall_s, run.cpu_user_s + run.cpu_sys_s, run.peak_rss_mb, rows, progress,
                   stdout[-60:])


def count_rows(db: Path) -> dict[str, int]:
    """Rows per raw table (every `bigcommerce.*` table but the sync state), read after the sync process ended
    (so the file is not locked)."""
    import duckdb

    out: dict[str, int] = {}
    with duckdb.connect(str(db), read_only=True) as conn:
        present = sorted(r[0] for r in conn.execute(
            "select table_name from information_schema.tables where table_schema = 'bigcommerce'").fetchall())
        for table in present:
            if _TABLE_NAME.match(table):
                out[table] = conn.execute(f'select count(*) from bigcommerce."{table}"').fetchone()[0]
    return out
