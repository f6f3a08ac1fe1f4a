"""End to end: the sync job (raw assets, then the mapped assets and their checks) against an emulated store
over HTTP, into a DuckDB file; the mapped tables hold every raw row not deleted, every check passes."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest


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
    from bc_pipeline.defs.partitions import ensure_store_partition, store_label

    job = defs().resolve_job_def("bigcommerce_sync")
    instance = dg.DagsterInstance.ephemeral()
    ensure_store_partition(instance, store_label(emulator.store_hash))
    result = job.execute_in_process(instance=instance, partition_key=store_label(emulator.store_hash))
    assert result.success
    checks = [e.event_specific_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    mapped_checks = [c for c in checks if c.asset_key.path[0] == "mapped"]
    assert len(mapped_checks) == 15 and all(c.passed for c in checks)  # two per mapped entity, and statuses
    assert len(checks) > len(mapped_checks)  # the raw tables' checks ran too
    assert len([e for e in result.all_events if e.is_step_start]) == 3  # raw streams, mapped, change feed
    conn = duckdb.connect(str(db), read_only=True)
    try:
        for table in ("customers", "subscribers", "orders", "products", "variants"):
            raw = conn.execute(f"SELECT count(*) FROM bigcommerce.{table} WHERE _deleted_at IS NULL").fetchone()
            assert conn.execute(f"SELECT count(*) FROM mapped.{table}").fetchone() == raw != (0,)
        assert conn.execute("SELECT count(*) FROM mapped.orders WHERE mapped_status IS NULL").fetchone() == (0,)
    finally:
        conn.close()
