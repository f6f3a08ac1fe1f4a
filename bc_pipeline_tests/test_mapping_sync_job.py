"""End to end: the sync job (raw assets, then the mapped assets and their checks) against an emulated store
over HTTP, into a DuckDB file; the mapped tables hold every raw row not deleted, every check passes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from bc_pipeline.defs import mapped_assets as mapped_module
from bc_pipeline.defs import settings as settings_module


@pytest.fixture
def fresh_settings() -> Iterator[None]:
    settings_module.settings.cache_clear()
    mapped_module.current_mapping.cache_clear()
    yield
    settings_module.settings.cache_clear()
    mapped_module.current_mapping.cache_clear()


@pytest.mark.slow
def test_the_sync_job_rebuilds_the_mapped_tables(
    emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_settings: None
) -> None:
    db = tmp_path / "w.duckdb"
    for name, value in {"BC_API_URL": emulator.api_url, "BC_STORE_HASH": emulator.store_hash,
                        "BC_ACCESS_TOKEN": emulator.access_token, "BC_DUCKDB_PATH": str(db)}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("BC_MAPPING_FILE", raising=False)
    from bc_pipeline.definitions import defs
    from bc_pipeline.defs.partitions import monthly_modified

    job = defs().resolve_job_def("bigcommerce_sync")
    result = job.execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), partition_key=monthly_modified.get_last_partition_key()
    )
    assert result.success
    checks = [e.event_specific_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    assert len(checks) == 15 and all(c.passed for c in checks)  # two per mapped entity, and statuses
    conn = duckdb.connect(str(db), read_only=True)
    try:
        for table in ("customers", "subscribers", "orders", "products", "variants"):
            raw = conn.execute(f"SELECT count(*) FROM bigcommerce.{table} WHERE _deleted_at IS NULL").fetchone()
            assert conn.execute(f"SELECT count(*) FROM mapped.{table}").fetchone() == raw != (0,)
        assert conn.execute("SELECT count(*) FROM mapped.orders WHERE mapped_status IS NULL").fetchone() == (0,)
    finally:
        conn.close()
