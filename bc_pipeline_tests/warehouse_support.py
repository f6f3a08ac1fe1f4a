"""Test data for the warehouse tests: the reference example payloads, and an order as /v2/orders serves it
with include=consignments.line_items&consignment_structure=object (composed from the documented examples)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import duckdb

FIXTURES = Path(__file__).parent / "fixtures" / "api"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def order_with_consignments(order_id: int = 218, *, date_modified: str | None = None) -> dict:
    """The documented order 218 with one shipping consignment (address 132) holding the two documented line
    items, as consignment_structure=object serves it."""
    order = load("03_order_v2_get_order.json")
    items = load("05_order_v2_products.json")
    address = load("06_order_v2_shipping_addresses.json")[0]
    order["id"] = order_id
    if date_modified:
        order["date_modified"] = date_modified
    shipping = {k: v for k, v in address.items() if k != "order_id"}
    line_items = []
    for n, item in enumerate(items):
        item = copy.deepcopy(item)
        item["id"] = order_id * 100 + n
        item["order_id"] = order_id
        item["order_address_id"] = shipping["id"]
        line_items.append(item)
    shipping["id"] = order_id * 10
    for item in line_items:
        item["order_address_id"] = shipping["id"]
    shipping["line_items"] = line_items
    order["consignments"] = {"shipping": [shipping], "pickups": [], "downloads": [], "email": {"gift_certificates": []}}
    order["is_deleted"] = False
    return order


def connect(tmp_path: Path, name: str = "wh.duckdb") -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(tmp_path / name))


def table_rows(conn: duckdb.DuckDBPyConnection, table: str, order_by: str = "id") -> list[dict]:
    cur = conn.execute(f'SELECT * FROM bigcommerce."{table}" ORDER BY {order_by}')
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def snapshot(conn: duckdb.DuckDBPyConnection, tables: list[str]) -> dict[str, list[tuple]]:
    return {t: conn.execute(f'SELECT * FROM bigcommerce."{t}" ORDER BY ALL').fetchall() for t in tables}
