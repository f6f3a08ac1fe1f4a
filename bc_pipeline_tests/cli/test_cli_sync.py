"""The README's main command: `bc-pipeline sync` with no store credentials syncs the embedded emulator store
into its own file, data/<label>.duckdb, through Dagster, and `bc-pipeline status` reports every stream.

Then a second store (another emulator, another hash): pointed at the demo's file it is refused with one
`Error:` line naming both stores, before any listing and any write; with the default path it lands, exactly,
in a file of its own.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bc_emulator import Emulator, EmulatorConfig
from bc_pipeline.cli.environment import DEMO_STORE
from bc_pipeline.warehouse.connect import warehouse_connection
from bc_pipeline_tests.sync_harness import cli, file_snapshot, ids, store_env, stored_store

REPO = Path(__file__).resolve().parents[2]
TABLE_RESOURCES = {
    "customers": "customers", "customer_addresses": "customer_addresses", "subscribers": "subscribers",
    "orders": "orders", "order_line_items": "order_products", "order_shipping_addresses": "order_shipping_addresses",
    "products": "products", "variants": "variants", "categories": "categories", "brands": "brands",
    "order_statuses": "order_statuses",
}
DEMO_FILE = Path("data") / "emustore42.duckdb"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    """A folder like a fresh clone where the README's main command ran; its result."""
    root = tmp_path_factory.mktemp("demo")
    shutil.copy(REPO / "dagster.yaml", root / "dagster.yaml")
    return root, cli(["sync"], root)


@pytest.fixture(scope="module")
def second_store():
    with Emulator(EmulatorConfig(seed=9, customers=50, orders=120, products=20, quota=None,
                                 store_hash="otherstore9")) as emu:
        yield emu


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
def test_main_command_leaves_the_embedded_store_in_duckdb(demo):
    root, done = demo
    assert done.returncode == 0, done.stderr[-3000:]
    assert "embedded emulator store" in done.stderr
    assert f"Syncing into {DEMO_FILE}" in done.stderr
    db = root / DEMO_FILE
    with Emulator(EmulatorConfig(**DEMO_STORE)) as emu:
        truth = {t: len(emu.store.records(r)) for t, r in TABLE_RESOURCES.items()}
        store_label = emu.store_hash.lower()
    with warehouse_connection(db, read_only=True) as conn:
        landed = {t: conn.execute(f"SELECT count(*) FROM bigcommerce.{t}").fetchone()[0] for t in TABLE_RESOURCES}
    assert landed == truth
    assert stored_store(db).store_hash == DEMO_STORE["store_hash"]
    assert_a_run_of_the_code_location(root, store_label)
    assert (root / "storage").is_dir(), "the run is recorded on the instance in DAGSTER_HOME (this folder)"

    status = cli(["status"], root)
    assert status.returncode == 0, status.stderr
    for stream in ("customers", "orders", "products", "subscribers"):
        assert any(line.startswith(stream) and "never" not in line for line in status.stdout.splitlines()), status.stdout
    assert f"{truth['orders']:,}" in status.stdout


@pytest.mark.slow
def test_another_store_pointed_at_the_demo_file_is_refused_and_changes_nothing(demo, second_store):
    root, _ = demo
    db = root / DEMO_FILE
    before = file_snapshot(db)
    second_store.clear_request_log()
    done = cli(["sync"], root, **store_env(second_store, BC_DUCKDB_PATH=str(db)))
    assert done.returncode == 1, done.stderr[-3000:]
    errors = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and done.stderr.rstrip().endswith(errors[0]), done.stderr
    assert "Traceback" not in done.stderr
    for named in ("store emustore42", "store otherstore9", "BC_DUCKDB_PATH", "bc-pipeline sync --reset-store"):
        assert named in errors[0], errors[0]
    assert second_store.access_token not in done.stderr
    asked = [e.path for e in second_store.request_log]
    assert asked == ["/stores/otherstore9/v2/time"], "refused once the store answered, before listing anything"
    assert file_snapshot(db) == before


@pytest.mark.slow
def test_another_store_lands_exactly_in_its_own_file(demo, second_store):
    root, _ = demo
    demo_before = file_snapshot(root / DEMO_FILE)
    done = cli(["sync"], root, **store_env(second_store))
    assert done.returncode == 0, done.stderr[-3000:]
    own = Path("data") / "otherstore9.duckdb"
    assert f"Syncing into {own}" in done.stderr
    for table, resource in TABLE_RESOURCES.items():
        truth = sorted(int(r["id"]) for r in second_store.store.records(resource))
        assert ids(root / own, table, include_deleted=True) == truth, table
    assert stored_store(root / own).store_hash == "otherstore9"
    assert file_snapshot(root / DEMO_FILE) == demo_before
