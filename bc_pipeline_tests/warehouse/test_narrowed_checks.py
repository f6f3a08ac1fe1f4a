"""Checks that read only what changed (warehouse/check_state.py): a sync with nothing new reads no old row,
yet a narrowed check still fails on a bad row written since it last passed, stays failing (in full) until
the row is fixed, and reads every row again daily, after a failure and on a full sync. The raw tables' checks
run in real syncs against the emulator; the mapped tables' on the rows a refresh re-made, in a real file."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from bc_pipeline.mapping import checks as mapped_checks
from bc_pipeline.mapping.compile import live_rows
from bc_pipeline.mapping.load import DEFAULT_MAPPING_PATH, load_mapping
from bc_pipeline.mapping.refresh import refresh_entity
from bc_pipeline.warehouse import check_state
from bc_pipeline.warehouse.connect import warehouse_connection
from bc_pipeline.warehouse.ensure import ensure_schema
from bc_pipeline.warehouse.mapped import database_columns
from bc_pipeline_tests.mapping_support import emulator_warehouse
from bc_pipeline_tests.sync_harness import run_sync, store_instance

ORPHAN = "INSERT INTO bigcommerce.order_line_items (id, order_id, _synced_at) VALUES (999999001, 999999, ?)"


def evaluations(result) -> dict[tuple[str, str], tuple[bool, str]]:
    """(table, check) -> (passed, which rows it read) of a run's check evaluations."""
    found = (e.event_specific_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION")
    return {(e.asset_key.path[-1], e.check_name): (e.passed, e.metadata["evaluated_on"].value) for e in found}


@pytest.fixture(scope="module")
def synced(module_emulator, tmp_path_factory):
    """(emulator, db, the second sync's result): a first sync, then one with nothing new."""
    db = tmp_path_factory.mktemp("narrowed") / "bc.duckdb"
    run_sync(module_emulator, db, instance=store_instance(module_emulator))
    return module_emulator, db, run_sync(module_emulator, db, instance=store_instance(module_emulator))


def broken_copy(db: Path, tmp_path: Path, stamp: datetime) -> Path:
    copy = tmp_path / "broken.duckdb"
    shutil.copy(db, copy)
    with warehouse_connection(copy) as conn:
        conn.execute(ORPHAN, [stamp])
    return copy


def test_every_check_is_evaluated_on_its_table_materialized_by_the_same_run(synced):
    """Checks are yielded after their table's MaterializeResult (not inside it): each evaluation still
    targets that run's materialization, so the UI shows it on the table's latest one."""
    _, _, result = synced
    found = [e.event_specific_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    materialized = {e.asset_key for e in result.all_events if e.event_type_value == "ASSET_MATERIALIZATION"}
    assert len(found) >= 20
    for evaluation in found:
        assert evaluation.asset_key in materialized, evaluation.asset_check_key
        assert evaluation.target_materialization_data is not None, evaluation.asset_check_key
        assert evaluation.target_materialization_data.run_id == result.run_id, evaluation.asset_check_key


def test_a_sync_with_nothing_new_reads_only_new_rows_and_passes(synced):
    _, _, result = synced
    found = evaluations(result)
    assert ("order_line_items", "parents_present") in found
    narrowed = {k: v for k, v in found.items() if k[1] in ("ids_unique", "parents_present")}
    assert narrowed and all(passed for passed, _ in narrowed.values())
    assert all(rows.startswith("rows written") for _, rows in narrowed.values()), narrowed
    assert found[("orders", "nothing_past_the_mark")] == (True, "every row")


def test_a_narrowed_check_fails_on_an_orphan_written_since_and_then_reads_every_row(synced, tmp_path):
    emu, db, _ = synced
    broken = broken_copy(db, tmp_path, datetime.now(UTC))

    first = run_sync(emu, broken, instance=store_instance(emu), raise_on_error=False)
    passed, rows = evaluations(first)[("order_line_items", "parents_present")]
    assert not first.success and not passed and rows.startswith("rows written after")

    again = run_sync(emu, broken, instance=store_instance(emu), raise_on_error=False)
    assert evaluations(again)[("order_line_items", "parents_present")] == (False, "every row")
    with warehouse_connection(broken) as conn:  # fixed: the full evaluation passes, the next one is narrowed
        conn.execute("DELETE FROM bigcommerce.order_line_items WHERE id = 999999001")
    fixed = run_sync(emu, broken, instance=store_instance(emu))
    assert evaluations(fixed)[("order_line_items", "parents_present")] == (True, "every row")


def test_a_bad_row_older_than_the_last_pass_is_found_by_the_daily_and_the_full_sync_evaluation(synced, tmp_path):
    emu, db, _ = synced
    broken = broken_copy(db, tmp_path, datetime(2000, 1, 1, tzinfo=UTC))  # as if written by hand long ago
    assert run_sync(emu, broken, instance=store_instance(emu)).success  # narrowed: not among the new rows

    full = run_sync(emu, broken, instance=store_instance(emu), window="full", raise_on_error=False)
    assert evaluations(full)[("order_line_items", "parents_present")] == (False, "every row")

    with warehouse_connection(broken) as conn:  # passes again, and its full evaluation is a day old
        conn.execute("DELETE FROM bigcommerce.order_line_items WHERE id = 999999001")
    assert run_sync(emu, broken, instance=store_instance(emu)).success
    with warehouse_connection(broken) as conn:
        conn.execute(ORPHAN, [datetime(2000, 1, 1, tzinfo=UTC)])
        conn.execute(f"UPDATE {check_state.CHECK_STATE} SET full_at = full_at - ?",
                     [check_state.FULL_CHECKS_EVERY + timedelta(minutes=1)])
    daily = run_sync(emu, broken, instance=store_instance(emu), raise_on_error=False)
    assert evaluations(daily)[("order_line_items", "parents_present")] == (False, "every row")


def test_the_scope_follows_the_state(tmp_path):
    now = datetime(2026, 1, 2, tzinfo=UTC)
    mark = now - timedelta(hours=1)
    with duckdb.connect(str(tmp_path / "state.duckdb")) as conn:
        ensure_schema(conn)
        table = "bigcommerce.orders"
        assert check_state.scope_of(conn, table, "ids_unique", now=now).full  # never checked
        check_state.record(conn, table, "ids_unique", check_state.EVERY_ROW, passed=True, checked_to=mark, now=now)
        narrowed = check_state.scope_of(conn, table, "ids_unique", now=now)
        assert narrowed.since == mark
        assert check_state.scope_of(conn, table, "ids_unique", now=now, force_full=True).full
        assert check_state.scope_of(conn, table, "ids_unique", now=now + check_state.FULL_CHECKS_EVERY).full
        check_state.record(conn, table, "ids_unique", narrowed, passed=True, checked_to=now, now=now)
        assert check_state.scope_of(conn, table, "ids_unique", now=now).since == now  # a narrowed pass moves it
        check_state.record(conn, table, "ids_unique", narrowed, passed=False, checked_to=now, now=now)
        assert check_state.scope_of(conn, table, "ids_unique", now=now).full  # a failure: every row next


@pytest.fixture(scope="module")
def mapped_db(tmp_path_factory) -> Path:
    """A file whose raw tables hold a small store and whose mapped tables were refreshed from them."""
    path = tmp_path_factory.mktemp("mapped") / "store.duckdb"
    emulator_warehouse(path)
    mapping = load_mapping(DEFAULT_MAPPING_PATH)
    with warehouse_connection(path) as conn:
        for entity in mapping.entities:
            refresh_entity(conn, mapping, entity)
    return path


@pytest.mark.parametrize(("entity", "rewrite"), [
    ("orders", "UPDATE bigcommerce.orders SET _synced_at = ? WHERE id = {id}"),
    # a child is re-mapped when its parent was written: the order is rewritten, its line item is in scope
    ("order_line_items", "UPDATE bigcommerce.orders SET _synced_at = ? WHERE id = "
                         "(SELECT order_id FROM bigcommerce.order_line_items WHERE id = {id})"),
])
def test_the_mapped_checks_fail_on_a_row_a_refresh_made_twice_and_read_only_those(mapped_db, tmp_path, entity,
                                                                                 rewrite):
    copy = tmp_path / "twice.duckdb"
    shutil.copy(mapped_db, copy)
    mapping = load_mapping(DEFAULT_MAPPING_PATH)
    before, written = datetime.now(UTC) - timedelta(seconds=1), datetime.now(UTC)
    key = mapped_checks.id_column(mapping, entity)
    with warehouse_connection(copy) as conn:
        (one,) = conn.execute(f"SELECT min(r.id) FROM bigcommerce.{entity} r "
                              f"WHERE {live_rows(entity, database_columns(conn))}").fetchone()
        conn.execute(rewrite.format(id=int(one)), [written])
        conn.execute(f'INSERT INTO mapped.{entity} SELECT * FROM mapped.{entity} WHERE "{key}" = ?', [one])  # twice

        ids = mapped_checks.ids_unique_not_null(conn, mapping, entity, before)
        counts = mapped_checks.row_counts_match(conn, mapping, entity, before)
        assert not ids.passed and ids.metadata["duplicate_ids"] == 1
        assert not counts.passed and counts.metadata["mapped_rows"] == counts.metadata["raw_rows_not_deleted"] + 1
        after = written + timedelta(seconds=1)  # written before `since`: out of scope, as designed
        assert mapped_checks.ids_unique_not_null(conn, mapping, entity, after).passed
        assert mapped_checks.row_counts_match(conn, mapping, entity, after).metadata["mapped_rows"] == 0
        assert not mapped_checks.ids_unique_not_null(conn, mapping, entity).passed  # every row
