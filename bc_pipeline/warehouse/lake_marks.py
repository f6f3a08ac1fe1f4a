"""The lake publish's watermark (lake/publish.py), kept in the store's own DuckDB file (the source of truth the layer is rebuilt from):
per contract table, the newest `_synced_at` already in the lake, which lake table it was published to, and
how many publishes sent part of the store's partition since it was last sent whole (the publisher sends it
whole again every few publishes, which compacts the partition's files).

It moves only after the Iceberg commit of the rows it covers; a crash between the two re-publishes the same
rows next time, which the publish makes harmless. A lake table that was dropped and re-created (another table
uuid) is published whole again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bc_pipeline.warehouse.contract import SCHEMA
from bc_pipeline.warehouse.errors import Connection
from bc_pipeline.warehouse.sql import run

STATE_TABLE = f"{SCHEMA}._lake_published"
_CREATE = f"""CREATE TABLE IF NOT EXISTS {STATE_TABLE} (
  table_name VARCHAR PRIMARY KEY,
  lake_table_uuid VARCHAR NOT NULL,
  synced_through TIMESTAMPTZ NOT NULL,
  published_at TIMESTAMPTZ NOT NULL,
  publishes_since_whole INTEGER NOT NULL DEFAULT 0
)"""
_ADDED = [  # columns added after the table was first shipped, for files made before them
    f"ALTER TABLE {STATE_TABLE} ADD COLUMN IF NOT EXISTS publishes_since_whole INTEGER DEFAULT 0",
]


def ensure_marks_table(conn: Connection) -> None:
    """Create the table, or add what a newer version added to it; once per publish, before the reads below."""
    run(conn, _CREATE)
    for statement in _ADDED:
        run(conn, statement)


@dataclass(frozen=True)
class Watermark:
    lake_table_uuid: str
    synced_through: datetime
    publishes_since_whole: int = 0


def read_watermark(conn: Connection, table_name: str) -> Watermark | None:
    rows = run(conn, f"SELECT lake_table_uuid, synced_through, coalesce(publishes_since_whole, 0) FROM {STATE_TABLE} "
                     "WHERE table_name = ?", [table_name])
    return Watermark(*rows[0]) if rows else None


def write_watermark(conn: Connection, table_name: str, mark: Watermark, at: datetime) -> None:
    run(conn, f"INSERT OR REPLACE INTO {STATE_TABLE} (table_name, lake_table_uuid, synced_through, published_at, "
              "publishes_since_whole) VALUES (?, ?, ?, ?, ?)",
        [table_name, mark.lake_table_uuid, mark.synced_through, at, mark.publishes_since_whole])
