"""The lake's catalog settings: defaults, a password never shown, and the production catalog for real: a
store published through a PostgreSQL SQL catalog (plain postgresql:// URL, as users write it) reads back
equal to its DuckDB file (skipped, saying why, without a server)."""

from __future__ import annotations

import pytest

from bc_pipeline.lake import LakeSettings, open_catalog, publish_store
from bc_pipeline_tests.deploy_support import postgres_or_skip
from bc_pipeline_tests.lake_support import lake_rows, union_of_files
from bc_pipeline_tests.sync_harness import run_sync


def test_defaults_and_a_masked_password():
    assert LakeSettings.from_env({}) == LakeSettings("sqlite:///data/lake/catalog.db", "data/lake/warehouse")
    settings = LakeSettings.from_env({"BC_LAKE_CATALOG_URI": "postgresql://lake:s3cr3t-pw@db:5432/lake"})
    assert "s3cr3t-pw" not in settings.shown_uri and settings.shown_uri.startswith("postgresql://lake:***@db")


@pytest.mark.slow
def test_a_store_published_through_a_postgresql_catalog(emulator, tmp_path):
    pg = postgres_or_skip()
    uri = (f"postgresql://{pg['DAGSTER_PG_USER']}:{pg['DAGSTER_PG_PASSWORD']}@{pg['DAGSTER_PG_HOST']}:"
           f"{pg['DAGSTER_PG_PORT']}/{pg['DAGSTER_PG_DB']}")
    # A label of its own per run: the catalog is shared with other tests of the same server.
    label = f"pg_{tmp_path.name[-12:].lower().replace('-', '_')}"
    catalog = open_catalog(LakeSettings(uri, str(tmp_path / "wh")))
    db_path = tmp_path / "store.duckdb"
    run_sync(emulator, db_path)
    report = publish_store(label, db_path, catalog, tables=["orders", "order_line_items"])
    assert report.rows["orders"] == len(emulator.store.records("orders"))
    for table in ("orders", "order_line_items"):
        mine = [r for r in lake_rows(catalog, table) if r["store"] == label]
        assert mine == union_of_files({label: db_path}, table)
