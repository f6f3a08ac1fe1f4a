"""The README's main command: `bc-pipeline sync` with no store credentials syncs the embedded emulator store
into data/bigcommerce.duckdb through Dagster, and `bc-pipeline status` reports every stream."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bc_pipeline.cli.environment import DEMO_STORE
from bc_pipeline.emulator import Emulator, EmulatorConfig
from bc_pipeline.warehouse.connect import warehouse_connection

REPO = Path(__file__).resolve().parents[1]
TABLE_RESOURCES = {
    "customers": "customers", "customer_addresses": "customer_addresses", "subscribers": "subscribers",
    "orders": "orders", "order_line_items": "order_products", "order_shipping_addresses": "order_shipping_addresses",
    "products": "products", "variants": "variants", "categories": "categories", "brands": "brands",
    "order_statuses": "order_statuses",
}


def cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BC_", "DAGSTER_HOME"))}
    return subprocess.run([sys.executable, "-m", "bc_pipeline", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def assert_a_run_of_the_code_location(home: Path, store_label: str) -> None:
    """The CLI's run carries the `bc_pipeline` location's origin, so the job page's query (runs of the job in
    the location's repository, by the repository label tag) finds it."""
    import dagster as dg
    from dagster._core.storage.tags import REPOSITORY_LABEL_TAG

    with dg.DagsterInstance.from_config(str(home)) as instance:
        [run] = instance.get_runs()
        assert run.remote_job_origin is not None and run.remote_job_origin.location_name == "bc_pipeline"
        on_job_page = instance.get_runs(filters=dg.RunsFilter(
            job_name="bigcommerce_sync", tags={REPOSITORY_LABEL_TAG: "__repository__@bc_pipeline"}))
        assert [r.run_id for r in on_job_page] == [run.run_id]
        assert run.tags["dagster/partition"] == store_label


@pytest.mark.slow
def test_main_command_leaves_the_embedded_store_in_duckdb(tmp_path):
    shutil.copy(REPO / "dagster.yaml", tmp_path / "dagster.yaml")
    done = cli(["sync"], tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "embedded emulator store" in done.stderr
    db = tmp_path / "data" / "bigcommerce.duckdb"
    with Emulator(EmulatorConfig(**DEMO_STORE)) as emu:
        truth = {t: len(emu.store.records(r)) for t, r in TABLE_RESOURCES.items()}
        store_label = emu.store_hash.lower()
    with warehouse_connection(db, read_only=True) as conn:
        landed = {t: conn.execute(f"SELECT count(*) FROM bigcommerce.{t}").fetchone()[0] for t in TABLE_RESOURCES}
    assert landed == truth
    assert_a_run_of_the_code_location(tmp_path, store_label)
    assert (tmp_path / "storage").is_dir(), "the run is recorded on the instance in DAGSTER_HOME (this folder)"

    status = cli(["status"], tmp_path)
    assert status.returncode == 0, status.stderr
    for stream in ("customers", "orders", "products", "subscribers"):
        assert any(line.startswith(stream) and "never" not in line for line in status.stdout.splitlines()), status.stdout
    assert f"{truth['orders']:,}" in status.stdout
