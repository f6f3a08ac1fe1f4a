"""The Dagster side of the mapping: mapped assets rebuild from the raw tables and report their metadata;
their checks pass on a consistent store and the status check blocks naming the labels to add; editing the
mapping makes the edited assets stale (code version) and a re-run applies it; a refused mapping file fails
the definitions load with its message."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster._core.definitions.data_version import StaleStatus
from dagster._utils.test.data_versions import get_stale_status_resolver

from bc_pipeline.defs import mapped_assets as mapped_module
from bc_pipeline.defs import settings as settings_module
from bc_pipeline.defs.mapped_assets import build_mapped_assets, mapped_key
from bc_pipeline.defs.partitions import ensure_store_partition, store_partitions
from bc_pipeline.defs.resources import WarehouseResource
from bc_pipeline.mapping.errors import MappingError
from bc_pipeline.mapping.load import DEFAULT_MAPPING_PATH, Mapping, load_mapping
from bc_pipeline.stores import Store
from bc_pipeline_tests.mapping_support import emulator_warehouse
from bc_pipeline_tests.sync_harness import stores_resource


@pytest.fixture(scope="module")
def store_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dagster") / "store.duckdb"
    emulator_warehouse(path)
    return path


STORE = "store1"


def run(mapping: Mapping, db: Path, instance: dg.DagsterInstance, raise_on_error: bool = True):
    """The mapped multi-asset (one step: every table and its checks) on the store's partition."""
    ensure_store_partition(instance, STORE)
    store = Store(label=STORE, store_hash=STORE, token_env="BC_ACCESS_TOKEN", api_url="http://127.0.0.1",
                  start_date=date(2020, 1, 1), timezone="UTC", duckdb_path=db)
    warehouse = WarehouseResource(stores=stores_resource(store))
    return dg.materialize(build_mapped_assets(mapping), instance=instance, partition_key=STORE,
                          resources={"warehouse": warehouse}, raise_on_error=raise_on_error)


def checks_by_name(result) -> dict[tuple[str, str], dg.AssetCheckEvaluation]:
    return {
        (e.asset_key.path[-1], e.check_name): e
        for e in (
            ev.event_specific_data
            for ev in result.all_events
            if ev.event_type_value == "ASSET_CHECK_EVALUATION"
        )
    }


def test_mapped_assets_materialize_and_their_checks_pass(store_db: Path) -> None:
    instance = dg.DagsterInstance.ephemeral()
    result = run(load_mapping(), store_db, instance)
    assert result.success
    event = instance.get_latest_materialization_event(mapped_key("orders"))
    assert event is not None and event.asset_materialization is not None
    metadata = event.asset_materialization.metadata
    conn = duckdb.connect(str(store_db), read_only=True)
    live = conn.execute("SELECT count(*) FROM bigcommerce.orders WHERE _deleted_at IS NULL").fetchone()[0]
    conn.close()
    assert metadata["dagster/row_count"].value == metadata["dagster/partition_row_count"].value == live
    assert event.dagster_event.partition == STORE
    assert len([e for e in result.all_events if e.is_step_start]) == 1
    assert metadata["dagster/table_name"].value == "mapped.orders"
    checks = checks_by_name(result)
    assert {name for _, name in checks} == {"ids_unique_not_null", "row_count_matches_raw", "statuses_mapped"}
    assert len(checks) == 2 * 7 + 1  # two per entity (six, and abandoned carts) and the statuses check
    assert all(c.passed for c in checks.values())


def test_the_status_check_blocks_and_names_the_labels(store_db: Path, tmp_path: Path) -> None:
    text = DEFAULT_MAPPING_PATH.read_text().replace("unlisted_labels: by_id", "unlisted_labels: unmapped")
    path = tmp_path / "strict.yaml"
    path.write_text(text)
    result = run(load_mapping(path), store_db, dg.DagsterInstance.ephemeral(), raise_on_error=False)
    check = checks_by_name(result)[("orders", "statuses_mapped")]
    assert not check.passed
    assert "Ready to Pack" in (check.description or "") and "status_id 11" in (check.description or "")


def test_editing_the_mapping_makes_the_asset_stale_and_a_rerun_applies_it(
    store_db: Path, tmp_path: Path
) -> None:
    instance = dg.DagsterInstance.ephemeral()
    before = load_mapping()
    run(before, store_db, instance)
    assert get_stale_status_resolver(instance, build_mapped_assets(before)).get_status(
        mapped_key("orders"), STORE
    ) == (StaleStatus.FRESH)
    path = tmp_path / "edited.yaml"
    path.write_text(
        DEFAULT_MAPPING_PATH.read_text().replace(
            "      email: billing_address.email", "      buyer_email: billing_address.email"
        )
    )
    after = load_mapping(path)
    assert after.code_version("orders") != before.code_version("orders")
    assert after.code_version("customers") == before.code_version("customers")
    resolver = get_stale_status_resolver(instance, build_mapped_assets(after))
    assert resolver.get_status(mapped_key("orders"), STORE) == StaleStatus.STALE
    assert resolver.get_status(mapped_key("customers"), STORE) == StaleStatus.FRESH
    run(after, store_db, instance)
    conn = duckdb.connect(str(store_db), read_only=True)
    columns = [r[0] for r in conn.execute("DESCRIBE mapped.orders").fetchall()]
    conn.close()
    assert "buyer_email" in columns and "email" not in columns
    assert get_stale_status_resolver(instance, build_mapped_assets(after)).get_status(
        mapped_key("orders"), STORE
    ) == (StaleStatus.FRESH)


def test_a_refused_mapping_file_fails_the_definitions_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("entities:\n  customers:\n    columns:\n      id: id\n      mail: emial\n")
    monkeypatch.setenv("BC_MAPPING_FILE", str(bad))
    settings_module.settings.cache_clear()
    mapped_module.current_mapping.cache_clear()
    try:
        with pytest.raises(MappingError, match="nearest valid name: 'email'"):
            mapped_module.mapped_assets()
    finally:
        settings_module.settings.cache_clear()
        mapped_module.current_mapping.cache_clear()


def test_the_code_version_follows_meaning_not_comments(tmp_path: Path) -> None:
    base = DEFAULT_MAPPING_PATH.read_text()
    versions = {}
    for name, text in {
        "same": base,
        "comment": base.replace("# bc_pipeline's default mapping", "# our mapping, edited"),
        "reordered": base.replace("      first_name: first_name\n      last_name: last_name\n",
                                  "      last_name: last_name\n      first_name: first_name\n", 1),
        "status": base.replace("    12: on_hold ", "    12: paid    "),
    }.items():  # fmt: skip
        path = tmp_path / f"{name}.yaml"
        path.write_text(text)
        versions[name] = load_mapping(path)
    same = versions["same"]
    assert versions["comment"].code_version("orders") == same.code_version("orders")
    assert versions["reordered"].code_version("customers") != same.code_version("customers")
    assert versions["reordered"].code_version("orders") == same.code_version("orders")
    assert versions["status"].code_version("orders") != same.code_version("orders")
    assert versions["status"].code_version("customers") == same.code_version("customers")


def test_a_raw_partition_update_requests_the_mapped_asset() -> None:
    """A sync of the store's raw partition asks (when the automation sensor is on) for that partition of
    the mapped tables."""

    @dg.asset(key=["bigcommerce", "orders"], partitions_def=store_partitions)
    def raw() -> None:
        return None

    @dg.asset(key=["mapped", "orders"], deps=[raw], partitions_def=store_partitions,
              automation_condition=mapped_module.MAPPED_AUTOMATION)
    def mapped() -> None:
        return None

    instance = dg.DagsterInstance.ephemeral()
    ensure_store_partition(instance, STORE)
    first = dg.evaluate_automation_conditions(defs=[raw, mapped], instance=instance)
    dg.materialize([raw], instance=instance, partition_key=STORE)
    after = dg.evaluate_automation_conditions(defs=[raw, mapped], instance=instance, cursor=first.cursor)
    assert after.get_num_requested(mapped.key) == 1
