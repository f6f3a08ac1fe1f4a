"""A warehouse file knows its store: real Dagster runs and `bc-pipeline sync` against emulator stores.

* a run of another store (a schedule, the UI, the reconcile job, a webhook run: every writer opens the file
  through the warehouse resource) fails before writing anything, naming both stores;
* a file written before files recorded their store adopts the store of its next sync, saying so once; the
  default file of earlier versions is pointed at, not reused;
* `bc-pipeline sync --reset-store` empties the file and the new store lands exactly;
* a first sync that wrote nothing does not tie the file to its store.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pytest

from bc_pipeline.config import store_label
from bc_pipeline.defs.reconcile_assets import deletes_reconciled
from bc_pipeline.warehouse.connect import warehouse_connection
from bc_pipeline.warehouse.store import WrongStoreError
from bc_pipeline_tests.reliability_support import TABLE_TRUTH, failure_messages
from bc_pipeline_tests.sync_harness import (
    cli,
    file_snapshot,
    ids,
    resources_for,
    run_sync,
    store_env,
    store_instance,
    stored_store,
    warehouse_for,
)

REPO = Path(__file__).resolve().parents[2]
ADOPTED = "was written before files recorded their store"


@pytest.fixture
def two_stores(make_emulator):
    return make_emulator(), make_emulator(seed=9, orders=80, store_hash="otherstore9")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    shutil.copy(REPO / "dagster.yaml", tmp_path / "dagster.yaml")
    return tmp_path


def lands_exactly(emu, db: Path) -> None:
    for table, resource in TABLE_TRUTH.items():
        assert ids(db, table, include_deleted=True) == sorted(int(r["id"]) for r in emu.store.records(resource)), table


def test_runs_of_another_store_fail_before_writing(two_stores, tmp_path):
    first, other = two_stores
    db = tmp_path / "bc.duckdb"
    run_sync(first, db)
    assert stored_store(db).store_hash == first.store_hash
    before = file_snapshot(db)

    result = run_sync(other, db, raise_on_error=False)
    assert not result.success
    for message in failure_messages(result):
        assert f"holds store {first.store_hash} at {first.api_url}, not store {other.store_hash}" in message
    reconciled = dg.materialize([deletes_reconciled], resources=resources_for(other, db), raise_on_error=False,
                                instance=store_instance(other), partition_key=store_label(other.store_hash))
    assert not reconciled.success and "--reset-store" in " ".join(failure_messages(reconciled))
    with pytest.raises(WrongStoreError), warehouse_for(other, db).get_connection():
        pass  # what webhook runs and mapped assets open
    assert file_snapshot(db) == before


@pytest.mark.slow
def test_an_older_file_adopts_the_store_of_its_next_sync_and_says_so_once(emulator, home):
    db = home / "bc.duckdb"
    run_sync(emulator, db)
    with warehouse_connection(db) as conn:
        conn.execute("DROP TABLE bigcommerce._store")  # a file as versions before this one left it
    first = cli(["sync"], home, **store_env(emulator, BC_DUCKDB_PATH=str(db)))
    assert first.returncode == 0, first.stderr[-3000:]
    assert sum(ADOPTED in line for line in first.stderr.splitlines()) == 1, first.stderr
    assert stored_store(db).store_hash == emulator.store_hash
    again = cli(["sync"], home, **store_env(emulator, BC_DUCKDB_PATH=str(db)))
    assert again.returncode == 0, again.stderr[-3000:]
    assert ADOPTED not in again.stderr
    lands_exactly(emulator, db)


@pytest.mark.slow
def test_reset_store_empties_the_file_and_the_new_store_lands_exactly(two_stores, home):
    first, other = two_stores
    db = home / "bc.duckdb"
    run_sync(first, db)
    before = file_snapshot(db)
    mistyped = cli(["sync", "--reset-store"], home, **store_env(other, BC_DUCKDB_PATH=str(db), BC_ACCESS_TOKEN="typo"))
    assert mistyped.returncode == 1 and "rejected the access token (401)" in mistyped.stderr, mistyped.stderr
    assert file_snapshot(db) == before, "a wrong token must not empty the file"
    done = cli(["sync", "--reset-store"], home, **store_env(other, BC_DUCKDB_PATH=str(db)))
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"it now holds store {other.store_hash}" in done.stderr
    stored = stored_store(db)
    assert (stored.store_hash, stored.label) == (other.store_hash, "otherstore9")
    lands_exactly(other, db)
    with warehouse_connection(db, read_only=True) as conn:
        mapped = conn.execute("SELECT count(*) FROM mapped.orders").fetchone()[0]
        fetched = dict(conn.execute('SELECT stream, "rows" FROM bigcommerce._sync_state').fetchall())
    assert mapped == sum(1 for o in other.store.records("orders") if not o.get("is_deleted"))  # archived: not mapped
    assert fetched["orders"] == len(other.store.records("orders")), "the new store is synced from the start"


def test_a_first_sync_that_wrote_nothing_leaves_the_file_free(two_stores, tmp_path):
    first, other = two_stores
    db = tmp_path / "bc.duckdb"
    assert not run_sync(first, db, token="not-the-token", raise_on_error=False).success
    assert stored_store(db) is None
    run_sync(other, db)
    assert stored_store(db).store_hash == other.store_hash
    lands_exactly(other, db)


@pytest.mark.slow
def test_the_default_file_of_earlier_versions_is_pointed_at_not_reused(emulator, home):
    earlier = home / "data" / "bigcommerce.duckdb"
    earlier.parent.mkdir()
    run_sync(emulator, earlier)
    before = file_snapshot(earlier)
    done = cli(["sync"], home, **store_env(emulator))
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Note: data/bigcommerce.duckdb was written by an earlier version" in done.stderr
    assert "BC_DUCKDB_PATH=data/bigcommerce.duckdb" in done.stderr
    lands_exactly(emulator, home / "data" / "emustore42.duckdb")
    assert file_snapshot(earlier) == before
