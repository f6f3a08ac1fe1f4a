"""Helpers for end-to-end sync tests: run the real assets with `materialize` against an emulator and a DuckDB
file, and read back what landed."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from bc_pipeline.defs.partitions import monthly_modified
from bc_pipeline.defs.raw_assets import dated_streams
from bc_pipeline.defs.reference_assets import reference_streams
from bc_pipeline.defs.resources import BigCommerceResource, WarehouseResource
from bc_pipeline.warehouse.connect import warehouse_connection

RAW_ASSETS = [dated_streams, reference_streams]


def resources_for(emu, db_path: Path, *, token: str | None = None) -> dict:
    return {
        "bigcommerce": BigCommerceResource(
            store_hash=emu.store_hash, access_token=token or emu.access_token, api_url=emu.api_url, max_workers=4
        ),
        "warehouse": WarehouseResource(database=str(db_path)),
    }


def run_sync(emu, db_path: Path, *, instance: dg.DagsterInstance | None = None, token: str | None = None,
             partition_key: str | None = None, range_: tuple[str, str] | None = None, mode: str = "auto",
             raise_on_error: bool = True) -> dg.ExecuteInProcessResult:
    """One sync run of every raw asset, the way the schedule and `bc-pipeline sync` run it."""
    tags = {}
    if range_:
        tags = {"dagster/asset_partition_range_start": range_[0], "dagster/asset_partition_range_end": range_[1]}
    elif partition_key is None:
        partition_key = monthly_modified.get_last_partition_key()
    return dg.materialize(
        RAW_ASSETS,
        resources=resources_for(emu, db_path, token=token),
        partition_key=partition_key,
        tags=tags,
        instance=instance,
        run_config={"ops": {"bigcommerce_dated_streams": {"config": {"mode": mode}}}},
        raise_on_error=raise_on_error,
    )


def ids(db_path: Path, table: str, *, include_deleted: bool = False) -> list[int]:
    where = "" if include_deleted else " WHERE _deleted_at IS NULL"
    with warehouse_connection(db_path, read_only=True) as conn:
        return [r[0] for r in conn.execute(f"SELECT id FROM bigcommerce.{table}{where} ORDER BY id").fetchall()]


def table_fingerprint(db_path: Path, table: str) -> list[tuple]:
    """Every row of a table but the sync timestamp, in id order: equal fingerprints, equal data."""
    with warehouse_connection(db_path, read_only=True) as conn:
        cols = [r[0] for r in conn.execute(f"DESCRIBE bigcommerce.{table}").fetchall() if r[0] != "_synced_at"]
        listed = ", ".join(f'CAST("{c}" AS VARCHAR)' for c in cols)
        return conn.execute(f"SELECT {listed} FROM bigcommerce.{table} ORDER BY id").fetchall()
