"""SIGTERM during `bc-pipeline webhooks apply` (a real process, a real signal while it refetches from a slow
emulator): it ends with 143 and the one line, no traceback; every file is in exactly one place (applied
ones in processed/, the rest still in the inbox), and the next apply empties the inbox."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bc_pipeline.cli.interrupts import MESSAGE
from bc_pipeline_tests.webhooks_support import backfill, rows, tree

FILES = 6


def apply(env: dict[str, str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bc_pipeline", "webhooks", "apply"], env=env, cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_sigterm_during_webhooks_apply_ends_it_cleanly(make_emulator, tmp_path: Path) -> None:
    emu = make_emulator(customers=20, orders=30, products=10)
    db, root = tmp_path / "wh.duckdb", tmp_path / "webhooks"
    backfill(emu, db)
    emu.emit_webhooks_to(root / "inbox")
    customers = [c["id"] for c in emu.store.records("customers")[:FILES]]
    for n, cid in enumerate(customers):
        emu.store.update("customers", cid, first_name=f"Sig{n}")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BC_")}
    env.update(BC_API_URL=emu.api_url, BC_STORE_HASH=emu.store_hash, BC_ACCESS_TOKEN=emu.access_token,
               BC_DUCKDB_PATH=str(db), BC_WEBHOOK_DIR=str(root), BC_WEBHOOK_BATCH_FILES="1",
               DAGSTER_HOME=str(tmp_path / "dagster_home"))
    emu.config.latency_ms = (1500.0, 1500.0)  # each batch's refetch takes a while
    emu.clear_request_log()

    proc = apply(env, tmp_path)
    deadline = time.monotonic() + 300
    while not emu.request_log:  # the first batch has fetched: the signal lands within the batches
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.02)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)

    lines = stderr.strip().splitlines()
    assert proc.returncode == 128 + signal.SIGTERM, lines
    assert lines[-1] == f"Error: {MESSAGE}"
    assert "Traceback" not in stderr
    places = tree(root)
    names = [p.split("/")[-1] for p in places if not p.endswith(".reason")]
    assert len(names) == len(set(names)) == FILES, places  # each file in exactly one place
    assert any(p.startswith("inbox/") for p in places), places  # it stopped before the end

    emu.config.latency_ms = (0.0, 0.0)
    done = apply(env, tmp_path)
    _, stderr = done.communicate(timeout=300)
    assert done.returncode == 0, stderr[-2000:]
    assert [p.split("/")[0] for p in tree(root)] == ["processed"] * FILES
    assert rows(db, f"SELECT count(*) FROM bigcommerce.customers WHERE first_name LIKE 'Sig%' "
                    f"AND id IN ({','.join(map(str, customers))})") == [(FILES,)]
