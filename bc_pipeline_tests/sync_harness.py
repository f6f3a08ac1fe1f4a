"""Helpers for end-to-end sync tests: run the real assets with `materialize` against an emulator and a DuckDB
file, and read back what landed."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import dagster as dg

from bc_pipeline.defs.partitions import ensure_store_partition, store_label
from bc_pipeline.defs.raw_assets import raw_streams, sync_run_config
from bc_pipeline.defs.reconcile_assets import deletes_reconciled
from bc_pipeline.defs.resources import BigCommerceResource, StoreSpec, StoresResource, WarehouseResource
from bc_pipeline.stores import Store
from bc_pipeline.warehouse.connect import warehouse_connection
from bc_pipeline.warehouse.store import StoreIdentity, read_store

RAW_ASSETS = [raw_streams]


def token_variable(token: str) -> str:
    """A variable holding `token` in this process (resources read a token only from a variable): its name."""
    name = f"BC_TEST_TOKEN_{hashlib.sha256(token.encode()).hexdigest()[:12].upper()}"
    os.environ[name] = token
    return name


def store_of(emu, db_path: Path, *, token: str | None = None, label: str | None = None,
             store_hash: str | None = None, api_url: str | None = None) -> Store:
    """The emulator store as a configured Store writing into db_path (its token in a variable)."""
    store_hash = store_hash or emu.store_hash
    return Store(label=label or store_label(store_hash), store_hash=store_hash,
                 token_env=token_variable(token or emu.access_token), api_url=api_url or emu.api_url,
                 start_date=date(2020, 1, 1), timezone="UTC", duckdb_path=Path(db_path))


def stores_resource(*stores: Store) -> StoresResource:
    return StoresResource(stores=[StoreSpec.of(s) for s in stores])


def warehouse_for(emu, db_path: Path) -> WarehouseResource:
    """The warehouse resource writing this emulator store's data into db_path."""
    return WarehouseResource(stores=stores_resource(store_of(emu, db_path)))


def resources_for(emu, db_path: Path, *, token: str | None = None, max_workers: int = 4,
                  timeout_s: float = 30.0) -> dict:
    stores = stores_resource(store_of(emu, db_path, token=token))
    return {
        "bigcommerce": BigCommerceResource(stores=stores, max_workers=max_workers, timeout_s=timeout_s),
        "warehouse": WarehouseResource(stores=stores),
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
    return sync_run_config(config)


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


def cli(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    """`bc-pipeline ARGS` in a child process in cwd, with only the BC_* variables given (and DAGSTER_HOME
    unset unless given: the CLI then uses cwd when it holds dagster.yaml)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("BC_", "DAGSTER_HOME"))}
    return subprocess.run([sys.executable, "-m", "bc_pipeline", *args], cwd=cwd, env={**base, **env},
                          capture_output=True, text=True, timeout=600)


def store_env(emu, **extra: str) -> dict[str, str]:
    """The variables that point the CLI at an emulator store."""
    return {"BC_API_URL": emu.api_url, "BC_STORE_HASH": emu.store_hash, "BC_ACCESS_TOKEN": emu.access_token, **extra}


def stored_store(db_path: Path) -> StoreIdentity | None:
    with warehouse_connection(db_path, read_only=True) as conn:
        return read_store(conn)


def file_snapshot(db_path: Path) -> dict[str, list[tuple]]:
    """Every row of every table in the file (state and store included), sorted: equal snapshots, equal files."""
    with warehouse_connection(db_path, read_only=True) as conn:
        names = conn.execute("SELECT schema_name, table_name FROM duckdb_tables() "
                             "WHERE database_name = current_database() ORDER BY ALL").fetchall()
        return {f"{s}.{t}": conn.execute(f'SELECT * FROM "{s}"."{t}" ORDER BY ALL').fetchall() for s, t in names}
