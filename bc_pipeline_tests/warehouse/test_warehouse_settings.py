"""The DuckDB settings every warehouse connection runs with (connect.SETTINGS), read back from a real file's
connection: one worker thread, the checkpoint threshold, the memory cap, and the session in UTC."""

from __future__ import annotations

from pathlib import Path

from bc_pipeline.warehouse.connect import warehouse_connection


def _setting(conn, name: str):
    return conn.execute(f"SELECT current_setting('{name}')").fetchone()[0]


def test_a_warehouse_connection_runs_with_the_warehouse_settings(tmp_path: Path) -> None:
    with warehouse_connection(tmp_path / "w.duckdb") as conn:
        assert _setting(conn, "threads") == 1  # a sync's fetch threads already keep the cores busy
        assert _setting(conn, "checkpoint_threshold") == "244.1 MiB"  # 256 MB
        assert _setting(conn, "memory_limit") == "488.2 MiB"  # 512 MB
        assert _setting(conn, "TimeZone") == "UTC"
    with warehouse_connection(tmp_path / "w.duckdb", read_only=True) as reader:
        assert _setting(reader, "threads") == 1
