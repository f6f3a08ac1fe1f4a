"""Read functions other tools call on a store (a chat assistant, a marketing integration), answered from the
mapped tables in DuckDB instead of the rate-limited API: a customer by email, a customer's orders, the
categories, the products in a category, products by name, a product by id.

The mapped tables' column names are the team's (the mapping file decides them), so each lookup finds the
column it needs by its source (`email`, `customer_id`, `name`, ...). Rows come back as JSON-ready dicts:
money as exact decimal strings, instants as ISO-8601 UTC, JSON columns parsed. Open the connection
read-only (`warehouse.connect.open_warehouse(path, read_only=True)`); nothing here writes."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import duckdb

from bc_pipeline.mapping.compile import live_rows
from bc_pipeline.mapping.load import Mapping
from bc_pipeline.mapping.raw_schema import MAPPED_SCHEMA, RAW_SCHEMA
from bc_pipeline.warehouse.mapped import database_columns
from bc_pipeline.warehouse.sql_text import ident

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


def _rows(conn: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[Row]:
    result = conn.execute(sql, params)
    names = [(d[0], str(d[1]).upper()) for d in result.description or []]
    return [{n: _jsonable(v, t) for (n, t), v in zip(names, row, strict=True)} for row in result.fetchall()]


def _column(conn: duckdb.DuckDBPyConnection, mapping: Mapping, entity: str, source: str) -> str:
    """The quoted mapped column whose source is `source`; LookupUnavailable when none is mapped or built."""
    mapped = database_columns(conn, MAPPED_SCHEMA)
    if entity not in mapped:
        raise LookupUnavailable(
            f"{MAPPED_SCHEMA}.{entity} does not exist yet; materialize the mapped assets first"
        )
    spec = mapping.file.entities.get(entity)
    for target, column in spec.columns.items() if spec else []:
        if column.source == source and target in mapped[entity]:
            return ident(target)
    raise LookupUnavailable(
        f"{MAPPED_SCHEMA}.{entity} has no column mapped from {source!r}; add one to {mapping.path} "
        f"(e.g. `{source}: {source}`) and rebuild"
    )


def customer_by_email(conn: duckdb.DuckDBPyConnection, mapping: Mapping, email: str) -> list[Row]:
    """Customers whose email matches, ignoring case and surrounding spaces."""
    col = _column(conn, mapping, "customers", "email")
    sql = f"SELECT * FROM {MAPPED_SCHEMA}.customers WHERE lower({col}) = lower(trim(?)) ORDER BY 1"
    return _rows(conn, sql, [email])


def customer_orders(conn: duckdb.DuckDBPyConnection, mapping: Mapping, customer_id: int) -> list[Row]:
    """A customer's orders, newest first (by order id)."""
    col = _column(conn, mapping, "orders", "customer_id")
    order_id = _column(conn, mapping, "orders", "id")
    sql = f"SELECT * FROM {MAPPED_SCHEMA}.orders WHERE {col} = ? ORDER BY {order_id} DESC"
    return _rows(conn, sql, [customer_id])


def categories(conn: duckdb.DuckDBPyConnection) -> list[Row]:
    """The store's categories (raw: the mapping has no categories entity), with how many products each has."""
    raw = database_columns(conn)
    if "categories" not in raw:
        raise LookupUnavailable(f"{RAW_SCHEMA}.categories does not exist yet; sync the categories first")
    wanted = [
        c
        for c in ("id", "parent_id", "name", "is_visible", "sort_order", "custom_url")
        if c in raw["categories"]
    ]
    counts = ""
    if "products" in raw and "categories" in raw["products"]:
        counts = (
            f", (SELECT count(*) FROM {RAW_SCHEMA}.products p WHERE {live_rows('products', raw, 'p')} "
            "AND list_contains(CAST(p.categories AS BIGINT[]), r.id)) AS product_count"
        )
    cols = ", ".join(f"r.{ident(c)}" for c in wanted)
    return _rows(
        conn,
        f"SELECT {cols}{counts} FROM {RAW_SCHEMA}.categories r WHERE {live_rows('categories', raw)} ORDER BY r.id",
        [],
    )


def category_products(conn: duckdb.DuckDBPyConnection, mapping: Mapping, category_id: int) -> list[Row]:
    """Mapped products in a category (membership read from the raw products' `categories` list)."""
    product_id = _column(conn, mapping, "products", "id")
    raw = database_columns(conn)
    if "categories" not in raw.get("products", {}):
        raise LookupUnavailable(f"{RAW_SCHEMA}.products has no categories column")
    sql = (
        f"SELECT m.* FROM {MAPPED_SCHEMA}.products m WHERE m.{product_id} IN (SELECT r.id FROM {RAW_SCHEMA}.products r "
        f"WHERE {live_rows('products', raw)} AND list_contains(CAST(r.categories AS BIGINT[]), ?)) ORDER BY m.{product_id}"
    )
    return _rows(conn, sql, [category_id])


def products_by_name(
    conn: duckdb.DuckDBPyConnection, mapping: Mapping, text: str, limit: int = 50
) -> list[Row]:
    """Products whose name contains `text` (case-insensitive), at most `limit`, by id."""
    name = _column(conn, mapping, "products", "name")
    product_id = _column(conn, mapping, "products", "id")
    sql = (
        f"SELECT * FROM {MAPPED_SCHEMA}.products WHERE contains(lower({name}), lower(?)) "
        f"ORDER BY {product_id} LIMIT ?"
    )
    return _rows(conn, sql, [text, max(1, int(limit))])


def product(conn: duckdb.DuckDBPyConnection, mapping: Mapping, product_id: int) -> Row | None:
    """One mapped product with its mapped variants (under `variants`, when variants are mapped), or None."""
    id_col = _column(conn, mapping, "products", "id")
    found = _rows(conn, f"SELECT * FROM {MAPPED_SCHEMA}.products WHERE {id_col} = ?", [product_id])
    if not found:
        return None
    row = found[0]
    try:
        parent = _column(conn, mapping, "variants", "product_id")
        variant_id = _column(conn, mapping, "variants", "id")
    except LookupUnavailable:
        return row
    row["variants"] = _rows(
        conn, f"SELECT * FROM {MAPPED_SCHEMA}.variants WHERE {parent} = ? ORDER BY {variant_id}", [product_id]
    )
    return row
