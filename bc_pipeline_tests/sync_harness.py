"""Helpers for end-to-end sync tests: run the real assets with `materialize` against an emulator and a DuckDB
file, and read back what landed."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from bc_pipeline.defs.partitions import ensure_store_partition, store_label
from bc_pipeline.defs.raw_assets import dated_streams
from bc_pipeline.defs.reconcile_assets import deletes_reconciled
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


def store_instance(emu, instance: dg.DagsterInstance | None = None) -> dg.DagsterInstance:
    """`instance` (else a new ephemeral one) holding the emulator store's partition."""
    instance = instance or dg.DagsterInstance.ephemeral()
    ensure_store_partition(instance, store_label(emu.store_hash))
    return instance


def window_run_config(window: str = "incremental", range_: tuple[str | None, str | None] | None = None) -> dict:
    config: dict = {"window": "range" if range_ else window}
    if range_:
        config.update(from_date=range_[0], to_date=range_[1])
    return {"ops": {"bigcommerce_dated_streams": {"config": config}}}


def run_sync(emu, db_path: Path, *, instance: dg.DagsterInstance | None = None, token: str | None = None,
             window: str = "incremental", range_: tuple[str | None, str | None] | None = None,
             raise_on_error: bool = True) -> dg.ExecuteInProcessResult:
    """One sync run of every raw asset on the store's partition, the way the schedule and `bc-pipeline sync`
    run it (`range_`: a re-sync of (from_date, to_date), either may be None)."""
    return dg.materialize(
        RAW_ASSETS,
        resources=resources_for(emu, db_path, token=token),
        partition_key=store_label(emu.store_hash),
        instance=store_instance(emu, instance),
        run_config=window_run_config(window, range_),
        raise_on_error=raise_on_error,
    )


def run_reconcile(emu, resources: dict) -> dg.ExecuteInProcessResult:
    """One run of the daily reconciliation of deletes on the store's partition."""
    return dg.materialize([deletes_reconciled], resources=resources, partition_key=store_label(emu.store_hash),
                          instance=store_instance(emu))


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
