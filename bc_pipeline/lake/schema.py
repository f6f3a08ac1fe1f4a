"""The lake's tables: the DuckDB contract (warehouse/schema.py TABLES) as Iceberg schemas, plus a `store`
column (the store's label) by which every table is partitioned (identity), so a store's publish rewrites only
its own partition.

Types: BIGINT long, INTEGER int, DECIMAL(p,s) decimal(p,s) (money stays exact), DOUBLE double, BOOLEAN
boolean, VARCHAR string, TIMESTAMPTZ timestamptz (UTC), DATE date, JSON string (the JSON text). A contract
column added later is added to the lake table on the next publish (schema evolution by name).
"""

from __future__ import annotations

import re

from pyiceberg.catalog import Catalog
from pyiceberg.exceptions import NamespaceAlreadyExistsError, NoSuchTableError, TableAlreadyExistsError
from pyiceberg.partitioning import PartitionField, PartitionSpec
from pyiceberg.schema import Schema
from pyiceberg.table import Table as IcebergTable
from pyiceberg.transforms import IdentityTransform
from pyiceberg.types import (
    BooleanType,
    DateType,
    DecimalType,
    DoubleType,
    IcebergType,
    IntegerType,
    LongType,
    NestedField,
    StringType,
    TimestamptzType,
)

from bc_pipeline.lake.settings import NAMESPACE
from bc_pipeline.lake.upkeep import TABLE_PROPERTIES, missing_properties
from bc_pipeline.warehouse.contract import Table

STORE_COLUMN = "store"
_SIMPLE: dict[str, IcebergType] = {
    "BIGINT": LongType(),
    "INTEGER": IntegerType(),
    "DOUBLE": DoubleType(),
    "BOOLEAN": BooleanType(),
    "VARCHAR": StringType(),
    "JSON": StringType(),
    "TIMESTAMPTZ": TimestamptzType(),
    "DATE": DateType(),
}
_DECIMAL = re.compile(r"^DECIMAL\((\d+),(\d+)\)$")


def iceberg_type(duckdb_type: str) -> IcebergType:
    """The Iceberg type of a contract column type; a type without one is refused, never guessed."""
    if duckdb_type in _SIMPLE:
        return _SIMPLE[duckdb_type]
    match = _DECIMAL.match(duckdb_type.replace(" ", ""))
    if match:
        return DecimalType(int(match[1]), int(match[2]))
    raise ValueError(f"no Iceberg type for the contract type {duckdb_type!r}")


def iceberg_schema(table: Table) -> Schema:
    """`store` then the contract's columns in order; store and the key columns are required."""
    fields = [NestedField(1, STORE_COLUMN, StringType(), required=True)]
    for n, column in enumerate(table.columns, start=2):
        fields.append(NestedField(n, column.name, iceberg_type(column.type), required=column.name in table.key))
    return Schema(*fields)


def identifier(table: Table) -> str:
    return f"{NAMESPACE}.{table.name}"


def ensure_table(catalog: Catalog, table: Table) -> IcebergTable:
    """The lake table for a contract table: created (partitioned by store, with lake/upkeep.py's properties) or
    evolved to the contract's columns and given the upkeep properties it lacks.
    Safe when several publishers get here at once (the loser of a create loads the winner's table)."""
    try:
        catalog.create_namespace(NAMESPACE)
    except NamespaceAlreadyExistsError:
        pass
    schema = iceberg_schema(table)
    try:
        lake = catalog.load_table(identifier(table))
    except NoSuchTableError:
        spec = PartitionSpec(PartitionField(source_id=1, field_id=1000, transform=IdentityTransform(),
                                            name=STORE_COLUMN))  # fmt: skip
        try:
            return catalog.create_table(identifier(table), schema=schema, partition_spec=spec,
                                        properties=TABLE_PROPERTIES)
        except TableAlreadyExistsError:
            lake = catalog.load_table(identifier(table))
    missing = missing_properties(lake)
    if missing:  # a table made before lake/upkeep.py: its history stops growing from now on
        with lake.transaction() as tx:
            tx.set_properties(missing)
        lake = catalog.load_table(identifier(table))
    if {f.name for f in schema.fields} - {f.name for f in lake.schema().fields}:
        with lake.update_schema() as update:
            update.union_by_name(schema)
        lake = catalog.load_table(identifier(table))
    return lake
