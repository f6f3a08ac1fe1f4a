"""Read functions other tools call on a store (a chat assistant, a marketing integration), answered from the
mapped tables in DuckDB instead of the rate-limited API: a customer by email, a customer's orders, the
categories, the products in a category, products by name, a product by id.

The mapped tables' column names are the team's (the mapping file decides them), so each lookup finds the
column it needs by its source (`email`, `customer_id`, `name`, ...). Rows come back as JSON-ready dicts:
money as exact decimal strings, instants as ISO-8601 UTC, JSON columns parsed. Open the connection
read-only (`warehouse.connect.open_warehouse(path, read_only=True)`); nothing here writes. Which mapped column
answers which question is decided here; warehouse/mapped.py runs the queries."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from bc_pipeline.mapping.compile import live_rows
from bc_pipeline.mapping.load import Mapping
from bc_pipeline.mapping.raw_schema import MAPPED_SCHEMA, RAW_SCHEMA
from bc_pipeline.warehouse import mapped
from bc_pipeline.warehouse.errors import Connection

Row = dict[str, Any]


class LookupUnavailable(LookupError):
    """The mapped table, or the column a lookup needs, is not there; the message says what to add."""


def _jsonable(value: Any, type_name: str) -> Any:
    if value is None:
        return None
    if type_name == "JSON" and isinstance(value, str):
        return json.loads(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return (value.astimezone(UTC) if value.tzinfo else value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [_jsonable(v, "") for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v, "") for k, v in value.items()}
    return value


def _json_rows(found: mapped.Rows) -> list[Row]:
    columns, rows = found
    return [{n: _jsonable(v, t) for (n, t), v in zip(columns, row, strict=True)} for row in rows]


def _column(conn: Connection, mapping: Mapping, entity: str, source: str) -> str:
    """The mapped column whose source is `source`; LookupUnavailable when none is mapped or built."""
    built = mapped.database_columns(conn, MAPPED_SCHEMA)
    if entity not in built:
        raise LookupUnavailable(
            f"{MAPPED_SCHEMA}.{entity} does not exist yet; materialize the mapped assets first"
        )
    spec = mapping.file.entities.get(entity)
    for target, column in spec.columns.items() if spec else []:
        if column.source == source and target in built[entity]:
            return target
    raise LookupUnavailable(
        f"{MAPPED_SCHEMA}.{entity} has no column mapped from {source!r}; add one to {mapping.path} "
        f"(e.g. `{source}: {source}`) and rebuild"
    )


def customer_by_email(conn: Connection, mapping: Mapping, email: str) -> list[Row]:
    """Customers whose email matches, ignoring case and surrounding spaces."""
    col = _column(conn, mapping, "customers", "email")
    return _json_rows(mapped.rows_where(conn, "customers", col, "is_ignoring_case", email, order_by=1))


def customer_orders(conn: Connection, mapping: Mapping, customer_id: int) -> list[Row]:
    """A customer's orders, newest first (by order id)."""
    col = _column(conn, mapping, "orders", "customer_id")
    order_id = _column(conn, mapping, "orders", "id")
    return _json_rows(mapped.rows_where(conn, "orders", col, "is", customer_id, order_by=order_id, descending=True))


def categories(conn: Connection) -> list[Row]:
    """The store's categories (raw: the mapping has no categories entity), with how many products each has."""
    raw = mapped.database_columns(conn)
    if "categories" not in raw:
        raise LookupUnavailable(f"{RAW_SCHEMA}.categories does not exist yet; sync the categories first")
    wanted = [
        c
        for c in ("id", "parent_id", "name", "is_visible", "sort_order", "custom_url")
        if c in raw["categories"]
    ]
    counted = "products" in raw and "categories" in raw["products"]
    live_products = live_rows("products", raw, "p") if counted else None
    return _json_rows(mapped.categories(conn, wanted, live_rows("categories", raw), live_products))


def category_products(conn: Connection, mapping: Mapping, category_id: int) -> list[Row]:
    """Mapped products in a category (membership read from the raw products' `categories` list)."""
    product_id = _column(conn, mapping, "products", "id")
    raw = mapped.database_columns(conn)
    if "categories" not in raw.get("products", {}):
        raise LookupUnavailable(f"{RAW_SCHEMA}.products has no categories column")
    return _json_rows(mapped.products_in_category(conn, product_id, category_id, live_rows("products", raw)))


def products_by_name(conn: Connection, mapping: Mapping, text: str, limit: int = 50) -> list[Row]:
    """Products whose name contains `text` (case-insensitive), at most `limit`, by id."""
    name = _column(conn, mapping, "products", "name")
    product_id = _column(conn, mapping, "products", "id")
    return _json_rows(mapped.rows_where(conn, "products", name, "contains_ignoring_case", text,
                                        order_by=product_id, limit=limit))


def product(conn: Connection, mapping: Mapping, product_id: int) -> Row | None:
    """One mapped product with its mapped variants (under `variants`, when variants are mapped), or None."""
    id_col = _column(conn, mapping, "products", "id")
    found = _json_rows(mapped.rows_where(conn, "products", id_col, "is", product_id))
    if not found:
        return None
    row = found[0]
    try:
        parent = _column(conn, mapping, "variants", "product_id")
        variant_id = _column(conn, mapping, "variants", "id")
    except LookupUnavailable:
        return row
    row["variants"] = _json_rows(mapped.rows_where(conn, "variants", parent, "is", product_id, order_by=variant_id))
    return row
