"""Secrets: the access token never appears anywhere the pipeline writes or says something, and every server
the project starts binds the loopback by default.

A distinctive token runs a real sync on a Dagster instance in a temp DAGSTER_HOME (in-process, and once more
through `bc-pipeline sync` in a real process, where the resource reads it through EnvVar); failing runs use
two more distinctive tokens (rejected; missing scopes). Then the token is searched in: every event-log record
(serialized, so Dagster events, user messages and materialization metadata), the stored run config, Python log
records, the CLI's stdout and stderr, the failures' messages, the DuckDB file and its WAL, and every byte of
every file under DAGSTER_HOME (event-log database, compute logs, run storage).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest
from dagster._serdes import serialize_value

from bc_emulator import Emulator, EmulatorConfig
from bc_pipeline.cli.emulator import emulator as emulator_command
from bc_pipeline.cli.webhooks import serve as serve_command
from bc_pipeline.webhooks.receiver import WebhookReceiver
from bc_pipeline_tests.reliability_support import failure_messages, sync_raw

GOOD = "tok-SECRET-9f3kq7zx-good"
REJECTED = "tok-SECRET-4m2w8pvb-rejected"
PARTIAL = "tok-SECRET-7c1n5rta-partial"
TOKENS = (GOOD, REJECTED, PARTIAL)


def files_holding(root: Path, needles: tuple[str, ...]) -> list[str]:
    found = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path}: {n}" for n in needles if n.encode() in data]
    return found


def assert_clean(text: str, where: str) -> None:
    for token in TOKENS:
        assert token not in text, f"the token appears in {where}"


@pytest.fixture(scope="module")
def emu():
    with Emulator(EmulatorConfig(seed=13, customers=30, orders=60, products=10, quota=None, access_token=GOOD)) as e:
        e.add_token(PARTIAL, ["store_v2_orders_read_only"])
        yield e


@pytest.mark.slow
def test_the_token_is_nowhere_in_dagster_logs_metadata_or_the_database(emu, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    home, db = tmp_path / "dagster_home", tmp_path / "bc.duckdb"
    home.mkdir()
    with dg.DagsterInstance.local_temp(str(home)) as instance:
        ok = sync_raw(emu, db, instance=instance)
        rejected = sync_raw(emu, tmp_path / "rejected.duckdb", instance=instance, token=REJECTED,
                            raise_on_error=False)
        partial = sync_raw(emu, tmp_path / "partial.duckdb", instance=instance, token=PARTIAL,
                           raise_on_error=False)
        assert ok.success and not rejected.success and not partial.success
        for result in (ok, rejected, partial):
            records = instance.all_logs(result.run_id)
            assert records, "no event log"
            for record in records:
                assert_clean(serialize_value(record), f"an event of run {result.run_id}")
            run = instance.get_run_by_id(result.run_id)
            assert_clean(serialize_value(run), "the stored run (its run config and tags)")
        materializations = ok.get_asset_materialization_events()
        assert materializations and all(m.materialization.metadata for m in materializations)
        assert_clean(serialize_value([m.materialization for m in materializations]), "materialization metadata")
    messages = failure_messages(rejected) + failure_messages(partial)
    assert any("401" in m for m in messages) and any("403" in m for m in messages)
    assert_clean(" ".join(messages), "failure messages")
    assert_clean(caplog.text + " ".join(str(r.__dict__) for r in caplog.records), "Python log records")
    assert files_holding(home, TOKENS) == []
    assert files_holding(tmp_path, TOKENS) == []  # the DuckDB files and any .wal beside them
    assert db.stat().st_size > 0


@pytest.mark.slow
def test_the_token_is_nowhere_in_a_cli_sync(emu, tmp_path):
    home, db = tmp_path / "dagster_home", tmp_path / "bc.duckdb"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BC_")}
    env = {**clean, "BC_API_URL": emu.api_url, "BC_STORE_HASH": emu.store_hash, "BC_ACCESS_TOKEN": GOOD,
           "BC_DUCKDB_PATH": str(db), "DAGSTER_HOME": str(home), "BC_WEBHOOK_DIR": str(tmp_path / "webhooks")}
    runs = [subprocess.run([sys.executable, "-c", "from bc_pipeline.cli import main; main()", "sync"],
                           env={**env, "BC_ACCESS_TOKEN": token}, cwd=tmp_path, capture_output=True, text=True,
                           timeout=300) for token in (GOOD, REJECTED)]
    assert [r.returncode for r in runs] == [0, 1], runs[1].stderr[-2000:]
    assert "401" in runs[1].stderr
    for proc in runs:
        assert_clean(proc.stdout + proc.stderr, "the CLI's output")
    assert files_holding(tmp_path, TOKENS) == []


def test_servers_bind_the_loopback_by_default(tmp_path):
    assert EmulatorConfig().host == "127.0.0.1"
    with Emulator(EmulatorConfig(customers=1, orders=1, products=1)) as emu:
        assert emu._server.socket.getsockname()[0] == "127.0.0.1"
    receiver = WebhookReceiver(tmp_path / "wh", "a-long-enough-secret-123")
    try:
        assert receiver.socket.getsockname()[0] == "127.0.0.1"
    finally:
        receiver.server_close()
    defaults = {c.name: {p.name: p.default for p in c.params} for c in (emulator_command, serve_command)}
    assert defaults["emulator"]["host"] == defaults["serve"]["host"] == "127.0.0.1"
