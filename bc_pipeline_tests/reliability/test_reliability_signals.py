"""Ctrl-C and SIGTERM during `bc-pipeline sync`: a real sync process against the emulator, real signals at
several points of a backfill (before the run starts, early in the listing, mid-listing, late), one started
as a background job inherits (SIGINT ignored) and stopped with SIGTERM.

Each must end the process (within a generous bound: before the fix it never ended), with exit code 130 or
143, the one line, no traceback, a database that opens and holds no high-water mark ahead of its data; the
sync after them all must end with exactly the store's records.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bc_emulator import Emulator, EmulatorConfig
from bc_pipeline.cli.interrupts import MESSAGE
from bc_pipeline.warehouse.connect import warehouse_connection
from bc_pipeline_tests.sync.test_sync_resume import check_consistent, order_requests, sync_env
from bc_pipeline_tests.sync_harness import ids

# Each stop resumes where the previous one's committed pages end, so the later stops list only what is left:
# the listing must stay long enough that every signal point is reached while the sync still runs.
ORDERS = 8000
LISTING = ORDERS // 250
EXIT_BOUND_S = 60  # generous: the point is that it ends at all (it used to hang until SIGKILL)


class SyncProcess:
    """`bc-pipeline sync` in its own process, its stderr collected line by line as it comes."""

    def __init__(self, env: dict[str, str], cwd: Path, *, ignore_sigint: bool = False) -> None:
        def background_job() -> None:  # what `cmd &` gives a child in a non-interactive shell
            signal.signal(signal.SIGINT, signal.SIG_IGN)

        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bc_pipeline", "sync"], env=env, cwd=cwd, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=background_job if ignore_sigint else None,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stderr:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, condition: Callable[[], bool], timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            assert self.proc.poll() is None, f"the sync ended before the signal: {self.lines[-5:]}"
            assert time.monotonic() < deadline, "the sync never reached the point to signal"
            time.sleep(0.02)

    def stop_with(self, signo: int) -> tuple[int, list[str]]:
        self.proc.send_signal(signo)
        try:
            self.proc.wait(timeout=EXIT_BOUND_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            pytest.fail(f"the sync did not end within {EXIT_BOUND_S} s of {signal.Signals(signo).name}")
        self._reader.join(timeout=10)
        self.proc.stdout.close()
        return self.proc.returncode, self.lines


def assert_clean_stop(code: int, lines: list[str], signo: int) -> None:
    assert code == 128 + signo, lines[-10:]
    assert lines[-1] == f"Error: {MESSAGE}", lines[-10:]
    assert [line for line in lines if line.startswith("Error:")] == [lines[-1]]
    assert not any("Traceback" in line or "dagster._core" in line for line in lines), lines


def started(proc: SyncProcess) -> Callable[[], bool]:
    return lambda: any(line.startswith("Syncing into") for line in proc.lines)


def after_order_pages(emu: Emulator, count: int) -> Callable[[], bool]:
    return lambda: order_requests(emu) >= count


@pytest.mark.slow
def test_signals_end_the_sync_cleanly_and_the_next_sync_is_exact(tmp_path: Path) -> None:
    config = EmulatorConfig(seed=5, customers=1000, orders=ORDERS, products=200, quota=None, latency_ms=(60, 120))
    with Emulator(config) as emu:
        env = sync_env(emu, tmp_path)
        points = [  # (signal, when, started as a background job)
            (signal.SIGINT, "before the run", False),
            (signal.SIGTERM, "early in the listing", False),
            (signal.SIGINT, "mid-listing", False),
            (signal.SIGTERM, "late in the listing", False),
            (signal.SIGTERM, "mid-listing", True),
        ]
        for signo, when, background in points:
            emu.clear_request_log()
            proc = SyncProcess(env, tmp_path, ignore_sigint=background)
            if when == "before the run":
                proc.wait_for(started(proc))
            else:
                share = {"early in the listing": 0.05, "mid-listing": 0.2, "late in the listing": 0.35}[when]
                proc.wait_for(after_order_pages(emu, max(1, int(LISTING * share))))
            code, lines = proc.stop_with(signo)
            assert_clean_stop(code, lines, signo)
            if (tmp_path / "bc.duckdb").exists():  # stopped before the run, nothing was created
                check_consistent(emu, tmp_path / "bc.duckdb")
                if (signo, when, background) != points[-1]:
                    # The next stop starts from an empty file, so its listing is whole and its signal point is
                    # reached while it runs (a resumed listing is only what is left); the last stop's file stays
                    # for the final sync, which must finish it exactly.
                    for leftover in tmp_path.glob("bc.duckdb*"):
                        leftover.unlink()

        done = subprocess.run([sys.executable, "-m", "bc_pipeline", "sync"], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        db = tmp_path / "bc.duckdb"
        for table in ("orders", "customers", "products", "subscribers"):
            assert ids(db, table, include_deleted=True) == sorted(int(r["id"]) for r in emu.store.records(table))
        with warehouse_connection(db, read_only=True) as conn:
            line_items = conn.execute("SELECT count(*) FROM bigcommerce.order_line_items").fetchone()[0]
            marks = dict(conn.execute("SELECT stream, high_water_mark FROM bigcommerce._sync_state").fetchall())
    assert line_items == len(emu.store.records("order_products"))
    assert all(marks.get(s) is not None for s in ("orders", "customers", "products", "subscribers"))
