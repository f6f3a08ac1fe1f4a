"""Helpers for the webhook tests: a backfilled DuckDB file from an emulated store, a `connect` factory like
WarehouseResource.get_connection, and hand-written payload files in the documented shape."""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import duckdb

from bc_pipeline.bigcommerce.client import BigCommerceClient
from bc_pipeline.emulator import Emulator
from bc_pipeline.sync.engine import StreamPlan, run_plans
from bc_pipeline.warehouse.schema import create_all

BACKFILL_STREAMS = ("customers", "subscribers", "orders", "products", "categories")


def connector(db_path: Path):
    @contextlib.contextmanager
    def connect() -> Iterator[duckdb.DuckDBPyConnection]:
        conn = duckdb.connect(str(db_path))
        try:
            create_all(conn)
            yield conn
        finally:
            conn.close()

    return connect


def client_for(emu: Emulator, token: str | None = None) -> BigCommerceClient:
    return BigCommerceClient(emu.api_url, emu.store_hash, token or emu.access_token, max_workers=2, max_retries=0)


def backfill(emu: Emulator, db_path: Path) -> None:
    """Every record of the streams webhooks touch, as a full sync leaves them."""
    with client_for(emu) as client:
        reports = run_plans(client, connector(db_path), [StreamPlan(s) for s in BACKFILL_STREAMS])
    failed = {s: r.error for s, r in reports.items() if r.error}
    assert not failed, failed


def rows(db_path: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as conn:
        return conn.execute(sql, params or []).fetchall()


def payload(scope: str, data: dict, store_id: str = "1") -> dict:
    encoded = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return {"scope": scope, "store_id": store_id, "data": data,
            "hash": hashlib.sha1(encoded.encode()).hexdigest(), "created_at": 1_700_000_000,
            "producer": "stores/test"}


def drop(inbox_dir: Path, name: str, content: dict | list | str | bytes) -> Path:
    inbox_dir.mkdir(parents=True, exist_ok=True)
    path = inbox_dir / name
    if isinstance(content, dict | list):
        content = json.dumps(content)
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def tree(root: Path) -> list[str]:
    """Every file under root, relative, sorted (what the inbox folders hold)."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
