"""Helpers for the many-stores tests: a stores file over emulator stores, and a store's customers as they
landed and as the emulator holds them (the e-mails differ between seeds, so equal lists mean this store's
data and no other's)."""

from __future__ import annotations

from pathlib import Path

from bc_pipeline.warehouse.connect import warehouse_connection


def write_stores(path: Path, stores: dict[str, tuple], root: Path) -> Path:
    """stores: label -> (emulator, token variable name)."""
    lines = ["stores:"]
    for label, (emu, token_env) in stores.items():
        lines += [f"  - label: {label}", f"    store_hash: {emu.store_hash}", f"    token_env: {token_env}",
                  "    start_date: 2020-01-01", f"    api_url: {emu.api_url}",
                  f"    duckdb_path: {root / 'data' / (label + '.duckdb')}"]
    path.write_text("\n".join(lines) + "\n")
    return path


def innermost(error):
    while error.cause is not None:
        error = error.cause
    return error


def customers(db: Path) -> list[tuple]:
    with warehouse_connection(db, read_only=True) as conn:
        return conn.execute("SELECT id, email FROM bigcommerce.customers ORDER BY id").fetchall()


def truth_customers(emu) -> list[tuple]:
    return sorted((int(r["id"]), r["email"]) for r in emu.store.records("customers"))
