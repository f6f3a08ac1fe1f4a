"""Helpers for the webhook tests: a backfilled DuckDB file from an emulated store, a `connect` factory like
WarehouseResource.get_connection, hand-written payload files in the documented shape, poison payloads, and a
proxy in front of the emulator that fails on chosen ids."""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import duckdb
import requests

from bc_emulator import Emulator
from bc_pipeline.bigcommerce.client import BigCommerceClient
from bc_pipeline.sync.engine import StreamPlan, run_plans
from bc_pipeline.warehouse.connect import writer_connection
from bc_pipeline.warehouse.ensure import ensure_schema
from bc_pipeline.warehouse.store import StoreIdentity

BACKFILL_STREAMS = ("customers", "subscribers", "orders", "products", "categories")


def connector(db_path: Path):
    @contextlib.contextmanager
    def connect() -> Iterator[duckdb.DuckDBPyConnection]:
        conn = duckdb.connect(str(db_path))
        try:
            ensure_schema(conn)
            yield conn
        finally:
            conn.close()

    return connect


def client_for(emu: Emulator, token: str | None = None, api_url: str | None = None) -> BigCommerceClient:
    return BigCommerceClient(api_url or emu.api_url, emu.store_hash, token or emu.access_token, max_workers=2,
                             max_retries=0)


def backfill(emu: Emulator, db_path: Path) -> None:
    """Every record of the streams webhooks touch, as a full sync leaves them."""
    store = StoreIdentity.of(emu.store_hash, emu.api_url)  # the file names its store, as a real sync's does
    with client_for(emu) as client:
        reports = run_plans(client, lambda: writer_connection(db_path, store),
                            [StreamPlan(s) for s in BACKFILL_STREAMS])
    failed = {s: r.error for s, r in reports.items() if r.error}
    assert not failed, failed


def backfilled_store(make_emulator, tmp_path: Path) -> tuple[Emulator, Path, Path]:
    """A small store backfilled into tmp_path/wh.duckdb, dropping a webhook file per change into
    tmp_path/webhooks/inbox: (emulator, database file, webhook root)."""
    emu = make_emulator(customers=20, orders=30, products=10)
    db = tmp_path / "wh.duckdb"
    backfill(emu, db)
    root = tmp_path / "webhooks"
    emu.emit_webhooks_to(root / "inbox")
    return emu, db, root


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


POISON_ID = 2**63  # one past BIGINT: the id of issue 16's poison payload


def poison_payloads() -> dict[str, dict]:
    """Payloads no store could have sent, each of which must be refused at validation (then quarantined)."""
    return {
        "beyond-bigint.json": payload("store/order/updated", {"type": "order", "id": POISON_ID}),
        "negative-id.json": payload("store/customer/updated", {"type": "customer", "id": -5}),
        "huge-order-id.json": payload("store/order/transaction/created", {"order_id": str(10**30)}),
        "long-type.json": payload("store/product/updated", {"type": "p" * 5000, "id": 3}),
        "far-future.json": {**payload("store/category/updated", {"type": "category", "id": 2}),
                            "created_at": 10**20},
    }


class FailingIdsProxy(ThreadingHTTPServer):
    """A store whose API fails (500) on any request naming one of `ids` in `id:in`, and answers the rest from
    `upstream` (the emulator): BigCommerce failing on particular records while it serves every other request."""

    daemon_threads = True

    def __init__(self, upstream: str, ids: set[int]):
        self.upstream, self.ids = upstream, {str(i) for i in ids}
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self) -> FailingIdsProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()


_HOP_BY_HOP = {"content-length", "transfer-encoding", "connection", "content-encoding", "keep-alive"}


class _ProxyHandler(BaseHTTPRequestHandler):
    server: FailingIdsProxy

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        query = parse_qs(urlsplit(self.path).query)
        named = {i for value in query.get("id:in", []) for i in value.split(",")}
        if named & self.server.ids:
            status, body, headers = 500, b'{"status": 500, "title": "Internal Server Error"}', {}
        else:
            sent = {k: v for k, v in self.headers.items() if k.lower() not in {"host", *_HOP_BY_HOP}}
            answer = requests.get(self.server.upstream + self.path, headers=sent, timeout=30)
            status, body, headers = answer.status_code, answer.content, answer.headers
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() not in _HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
        pass
