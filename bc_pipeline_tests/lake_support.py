"""Helpers for the lake tests: three emulator stores (different hashes, tokens and data) synced for real into
their own DuckDB files, a real SQLite catalog and local warehouse in a temp folder, and the expected layer
(the union of the per-store files, with each store's label) to compare the lake with."""

from __future__ import annotations

from pathlib import Path

from bc_pipeline.lake import LakeSettings, open_catalog
from bc_pipeline.lake.read import read_table
from bc_pipeline.warehouse.connect import warehouse_connection
from bc_pipeline.warehouse.lake_batches import rows_sql
from bc_pipeline.warehouse.schema import TABLES
from bc_pipeline.warehouse.sql import run

STORES = {"acme": 1, "beta": 2, "gamma_eu": 3}  # label -> seed; the hash differs too


def lake_settings(tmp_path: Path) -> LakeSettings:
    return LakeSettings(catalog_uri=f"sqlite:///{tmp_path}/lake/catalog.db", warehouse=str(tmp_path / "lake" / "wh"))


def catalog(tmp_path: Path):
    return open_catalog(lake_settings(tmp_path))


def _key(row: dict) -> tuple:
    return row["store"], row["id"]


def store_rows(label: str, db_path: Path, table: str) -> list[dict]:
    """The store's rows of `table` as the lake should hold them (label as `store`, JSON as text)."""
    with warehouse_connection(db_path, read_only=True) as conn:
        run(conn, "SET TimeZone = 'UTC'")
        return conn.sql(rows_sql(TABLES[table]), params=[label]).to_arrow_table().to_pylist()


def union_of_files(files: dict[str, Path], table: str) -> list[dict]:
    rows = [row for label, path in files.items() for row in store_rows(label, path, table)]
    return sorted(rows, key=_key)


def lake_rows(cat, table: str) -> list[dict]:
    return sorted(read_table(cat, table).to_pylist(), key=_key)
