"""`bc-pipeline webhooks apply`: the inbox is applied through the sensor's Dagster job (runs recorded on the
instance in DAGSTER_HOME), batch after batch, until it is empty; a failing run says so and keeps the files."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest
from click.testing import CliRunner

from bc_pipeline.cli import main
from bc_pipeline.defs.settings import settings
from bc_pipeline.defs.webhooks import JOB_NAME
from bc_pipeline_tests.webhooks_support import backfill, rows, tree


@pytest.fixture
def env(make_emulator, tmp_path: Path, monkeypatch):
    emu = make_emulator(customers=20, orders=30, products=10)
    db = tmp_path / "wh.duckdb"
    backfill(emu, db)
    root = tmp_path / "webhooks"
    emu.emit_webhooks_to(root / "inbox")
    monkeypatch.chdir(tmp_path)
    for name, value in {"BC_API_URL": emu.api_url, "BC_STORE_HASH": emu.store_hash,
                        "BC_ACCESS_TOKEN": emu.access_token, "BC_DUCKDB_PATH": str(db),
                        "BC_WEBHOOK_DIR": str(root), "BC_WEBHOOK_BATCH_FILES": "2",
                        "DAGSTER_HOME": str(tmp_path / "dagster_home")}.items():
        monkeypatch.setenv(name, value)
    settings.cache_clear()  # the code location reads the settings once; this test's environment differs
    yield emu, db, root, tmp_path / "dagster_home"
    settings.cache_clear()


def test_apply_runs_the_job_in_batches_until_the_inbox_is_empty(env) -> None:
    emu, db, root, home = env
    customers = [c["id"] for c in emu.store.records("customers")[:5]]
    for n, cid in enumerate(customers):
        emu.store.update("customers", cid, first_name=f"Cli{n}")

    result = CliRunner().invoke(main, ["webhooks", "apply"])

    assert result.exit_code == 0, result.output
    assert "3 run(s): 5 files applied" in result.output
    assert rows(db, f"SELECT count(*) FROM bigcommerce.customers WHERE first_name LIKE 'Cli%' "
                    f"AND id IN ({','.join(map(str, customers))})") == [(5,)]
    assert [p.split("/")[0] for p in tree(root)] == ["processed"] * 5
    with dg.DagsterInstance.from_config(str(home)) as instance:
        runs = instance.get_runs(filters=dg.RunsFilter(job_name=JOB_NAME))
    assert len(runs) == 3 and all(r.status == dg.DagsterRunStatus.SUCCESS for r in runs)
    assert {r.remote_job_origin.location_name for r in runs} == {"bc_pipeline"}  # on the job's page in the UI


def test_a_failing_apply_reports_and_keeps_the_files(env, monkeypatch) -> None:
    emu, db, root, home = env
    emu.store.update("orders", emu.store.records("orders")[0]["id"], staff_notes="x")
    emu.add_token("no-orders", scopes=["store_v2_customers_read_only"])
    monkeypatch.setenv("BC_ACCESS_TOKEN", "no-orders")

    result = CliRunner().invoke(main, ["webhooks", "apply"])

    assert result.exit_code != 0
    assert "its files stay in the inbox" in result.output and "store_v2_orders_read_only" in result.output
    assert [p.split("/")[0] for p in tree(root)] == ["inbox"]
