"""What the DuckDB contract is built of: the schemas' names, the column types, Column and Table, and
make_table, with which the columns_* files write each raw table (schema.py gathers them).

Table and column names come only from the contract (they are validated once more before they reach SQL). The
descriptions feed docs/schema.md and the Dagster UI's column schemas, so they are written for analysts.
Columns are named exactly as the BigCommerce API names the record's top-level fields (docs/architecture.md,
column naming rule); added columns start with "_".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The file's schemas, named here only: the raw tables and the sync's bookkeeping, the mapped tables
# (mapping/), the published new rows (new_rows.py).
SCHEMA = "bigcommerce"
MAPPED_SCHEMA = "mapped"
FEED_SCHEMA = "feed"

# DuckDB types used by the contract.
ID = "BIGINT"
INT = "INTEGER"
MONEY = "DECIMAL(18,4)"
RATE = "DECIMAL(20,10)"
MEASURE = "DECIMAL(18,4)"
NUMBER = "DOUBLE"
INSTANT = "TIMESTAMPTZ"
BOOL = "BOOLEAN"
TEXT = "VARCHAR"
JSON = "JSON"

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def check_identifier(name: str) -> str:
    """Return name if it is a plain lower-case SQL identifier; raise ValueError otherwise."""
    if not isinstance(name, str) or not _IDENTIFIER.match(name):
        raise ValueError(f"not a valid warehouse identifier: {name!r}")
    return name


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ("id",)
    version: str | None = "date_modified"
    parent: tuple[str, str] | None = None

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def api_columns(self) -> tuple[Column, ...]:
        """Columns filled from the API record (everything but the added _extra/_synced_at/_deleted_at)."""
        return tuple(c for c in self.columns if not c.name.startswith("_"))

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def qualified(self) -> str:
        return f"{SCHEMA}.{self.name}"


def C(name: str, type_: str, description: str) -> Column:  # noqa: N802 - short on purpose for the column lists
    return Column(check_identifier(name), type_, description)


ADDED_COLUMNS = (
    C("_extra", JSON, "Top-level fields the API returned that this contract does not name (JSON object), or NULL."),
    C("_synced_at", INSTANT, "When bc_pipeline last wrote this row (UTC)."),
    C("_deleted_at", INSTANT, "When the record was seen deleted or archived upstream (UTC); NULL while it exists."),
)


def make_table(name: str, description: str, columns: list[Column], **kwargs) -> Table:
    """Build a Table, appending the added columns and checking names, key, version and parent."""
    check_identifier(name)
    cols = tuple(columns) + ADDED_COLUMNS
    names = [c.name for c in cols]
    if len(names) != len(set(names)):
        raise ValueError(f"{name}: duplicate column names")
    table = Table(name, description, cols, **kwargs)
    for k in table.key:
        table.column(k)
    if table.version:
        table.column(table.version)
    if table.parent:
        table.column(table.parent[1])
    return table
