"""`bc-pipeline webhooks apply` as a user runs it (a real process; issue 16, case 8): progress lines then a
summary, like `sync`, with Dagster's own log only under --verbose; poison among good files is quarantined and
the inbox empties; a failure is one `Error:` line whose reason is the real message (never DuckDB's caret
line, a class path or a traceback)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from bc_pipeline.cli.stale_runs import failure_reason
from bc_pipeline_tests import webhooks_support as ws


@pytest.fixture
def env(make_emulator, tmp_path: Path):
    emu, db, root = ws.backfilled_store(make_emulator, tmp_path)
    variables = {**os.environ, "BC_API_URL": emu.api_url, "BC_STORE_HASH": emu.store_hash,
                 "BC_ACCESS_TOKEN": emu.access_token, "BC_DUCKDB_PATH": str(db), "BC_WEBHOOK_DIR": str(root),
                 "BC_WEBHOOK_BATCH_FILES": "4", "DAGSTER_HOME": str(tmp_path / "dagster_home")}
    (tmp_path / "dagster_home").mkdir()
    shutil.copy(Path(__file__).parents[2] / "dagster.yaml", tmp_path / "dagster_home")
    return emu, db, root, variables


def _apply(variables: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bc_pipeline", "webhooks", "apply", *args], env=variables,
                          cwd=Path(variables["DAGSTER_HOME"]).parent, capture_output=True, text=True, timeout=300)


@pytest.mark.slow  # a Dagster run in a child process
def test_apply_is_quiet_quarantines_poison_and_empties_the_inbox(env) -> None:
    emu, db, root, variables = env
    orders = [o["id"] for o in emu.store.records("orders")[:3]]
    for oid in orders:
        emu.store.update("orders", oid, staff_notes="cli")
    for name, body in ws.poison_payloads().items():
        ws.drop(root / "inbox", name, body)

    done = _apply(variables)

    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    runs = [line for line in lines if line.startswith("  run ")]
    quarantined = [line for line in lines if line.startswith("  webhooks: quarantined ")]
    assert lines[0].startswith("Applying ") and len(lines) == 1 + len(runs) + len(quarantined), done.stderr
    assert len(quarantined) == len(ws.poison_payloads())
    assert " - dagster - " not in done.stderr and "DEBUG" not in done.stderr  # Dagster's console log format
    assert done.stdout.strip() == f"{len(runs)} run(s): 3 files applied, {len(ws.poison_payloads())} " \
        "quarantined, 3 events, 1 API requests"
    assert ws.rows(db, "SELECT count(*) FROM bigcommerce.orders WHERE staff_notes = 'cli'") == [(3,)]
    assert list((root / "inbox").iterdir()) == []
    assert "9223372036854775807" in (root / "quarantine" / "beyond-bigint.json.reason").read_text()


@pytest.mark.slow  # a Dagster run in a child process
def test_verbose_shows_dagster_s_log(env) -> None:
    emu, db, root, variables = env
    emu.store.update("customers", emu.store.records("customers")[0]["id"], first_name="Verbose")
    done = _apply(variables, "--verbose")
    assert done.returncode == 0, done.stderr
    assert " - dagster - DEBUG - " in done.stderr and "RUN_SUCCESS" in done.stderr


@pytest.mark.slow  # a Dagster run in a child process
def test_a_failure_is_one_error_line_with_duckdb_s_reason(env) -> None:
    """A table replaced by a view by hand: DuckDB refuses the merge; the user sees DuckDB's words, on one line,
    and the files wait in the inbox (nothing any file did: not a reason to quarantine)."""
    emu, db, root, variables = env
    emu.store.update("customers", emu.store.records("customers")[0]["id"], first_name="Never")
    with duckdb.connect(str(db)) as conn:
        conn.execute("CREATE TABLE bigcommerce.customers_by_hand AS SELECT * FROM bigcommerce.customers")
        conn.execute("DROP TABLE bigcommerce.customer_addresses")
        conn.execute("DROP TABLE bigcommerce.customers")
        conn.execute("CREATE VIEW bigcommerce.customers AS SELECT * FROM bigcommerce.customers_by_hand")

    done = _apply(variables)

    assert done.returncode == 1
    (error,) = [line for line in done.stderr.splitlines() if not line.startswith(("Applying ", "  "))]
    assert error.startswith("Error: webhook run ") and error.endswith(
        "its files stay in the inbox: refetching 1 customers record(s) failed: Binder Error: Can only delete from "
        "base table"), done.stderr
    assert "Traceback" not in done.stderr
    assert [p.split("/")[0] for p in ws.tree(root)] == ["inbox"]


def test_the_reason_of_a_duckdb_error_is_its_first_line_never_the_caret() -> None:
    """DuckDB's message ends with the SQL and a caret under the token (the poison id's error of issue 16);
    the reason a failed run reports is DuckDB's first line, without the exception's class path."""

    @dg.op
    def mark(context) -> None:
        with duckdb.connect() as conn:
            conn.execute("CREATE TABLE t (id BIGINT, _deleted_at TIMESTAMPTZ)")
            conn.execute("UPDATE t SET _deleted_at = now() WHERE id IN (SELECT unnest(CAST(? AS BIGINT[])))",
                         [[ws.POISON_ID]])

    result = dg.GraphDefinition(name="poison", node_defs=[mark]).to_job().execute_in_process(
        raise_on_error=False, run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}})

    assert failure_reason(result) == (
        "Conversion Error: Type UINT64 with value 9223372036854775808 can't be cast because the value is out of "
        "range for the destination type INT64")
