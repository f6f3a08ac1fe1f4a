"""Reading the shared layer: a lake table as Arrow (optionally some stores only), and the same registered in a
DuckDB connection as a view, so analysts query every store's `orders` in one place with DuckDB SQL.

DuckDB reads Iceberg through pyiceberg and Arrow here: its own iceberg extension is downloaded at run time,
which not every machine can do. Trino, Spark and Snowflake read the same tables through the catalog.
"""

from __future__ import annotations

import pyarrow as pa
from pyiceberg.catalog import Catalog
from pyiceberg.expressions import AlwaysTrue, BooleanExpression, In

from bc_pipeline.lake.schema import STORE_COLUMN, identifier
from bc_pipeline.warehouse.errors import Connection
from bc_pipeline.warehouse.schema import TABLES


def read_table(catalog: Catalog, name: str, *, stores: list[str] | None = None) -> pa.Table:
    """Every row of the lake table `name` (a contract table), of `stores` only when given."""
    row_filter: BooleanExpression = AlwaysTrue() if not stores else In(STORE_COLUMN, stores)
    return catalog.load_table(identifier(TABLES[name])).scan(row_filter=row_filter).to_arrow()


def register(conn: Connection, catalog: Catalog, names: list[str] | None = None) -> list[str]:
    """Register lake tables in `conn` under their own names (`orders`, ...); returns the names registered.
    The views hold the table as it was read: call again to see later publishes."""
    registered = []
    for name in names or list(TABLES):
        if not catalog.table_exists(identifier(TABLES[name])):
            continue
        conn.register(name, read_table(catalog, name))
        registered.append(name)
    return registered
