"""Compile one entity of a mapping into DuckDB SQL: `CREATE OR REPLACE TABLE mapped.<entity> AS SELECT ...`
over the raw `bigcommerce.<entity>` table, leaving deleted rows out. Everything runs inside DuckDB, so a
million orders map in seconds; nothing is read row by row into Python.

Target names are validated identifiers and are quoted; labels, defaults and JSON paths reach SQL only as
escaped literals; types only from the allow-list."""

from __future__ import annotations

from bc_pipeline.mapping.consent_sql import consent_columns
from bc_pipeline.mapping.errors import MappingError, hint
from bc_pipeline.mapping.load import Mapping
from bc_pipeline.mapping.model import ColumnSpec, EntityMapping
from bc_pipeline.mapping.raw_schema import BOOKKEEPING, MAPPED_SCHEMA, RAW_SCHEMA
from bc_pipeline.mapping.sources import Source, list_keys
from bc_pipeline.mapping.status_sql import status_columns
from bc_pipeline.warehouse.sql_text import ident, json_path, literal

# Children leave the mapped table with their deleted parent: (parent table, the child's parent-id column).
PARENTS: dict[str, tuple[str, str]] = {
    "order_line_items": ("orders", "order_id"),
    "variants": ("products", "product_id"),
}


def live_rows(entity: str, raw: dict[str, dict[str, str]], alias: str = "r") -> str:
    """The WHERE condition that keeps a raw row: not deleted, and neither is its parent."""
    conditions = []
    if "_deleted_at" in raw[entity]:
        conditions.append(f"{alias}._deleted_at IS NULL")
    parent = PARENTS.get(entity)
    if parent and parent[0] in raw and "_deleted_at" in raw[parent[0]] and parent[1] in raw[entity]:
        table, column = parent
        conditions.append(
            f"NOT EXISTS (SELECT 1 FROM {RAW_SCHEMA}.{ident(table)} p "
            f"WHERE p.id = {alias}.{ident(column)} AND p._deleted_at IS NOT NULL)"
        )
    return " AND ".join(conditions) or "TRUE"


def select_sql(
    mapping: Mapping, entity: str, raw: dict[str, dict[str, str]], attribute_ids: dict[str, int] | None = None,
    only: str | None = None,
) -> str:
    """The SELECT that produces mapped.<entity> from bigcommerce.<entity>; `only` (SQL over alias r)
    narrows it to some raw rows (the incremental refresh's changed ids)."""
    spec = mapping.file.entities[entity]
    columns = raw[entity]
    items = [
        f"{_expression(entity, target, column, columns, attribute_ids or {})} AS {ident(target)}"
        for target, column in spec.columns.items()
    ]
    if entity == "orders" and mapping.file.order_statuses is not None:
        items += status_columns(mapping.file.order_statuses, columns)
    if entity == "abandoned_carts":
        items += consent_columns()
    if spec.keep_unmapped:
        used = {"status_id", "status", "custom_status"} if entity == "orders" else set()
        items.append(f"{_unmapped(spec, columns, used)} AS {ident(spec.keep_unmapped)}")
    return (
        "SELECT " + ",\n       ".join(items) + f"\nFROM {RAW_SCHEMA}.{ident(entity)} r\n"
        f"WHERE {live_rows(entity, raw)}{f' AND ({only})' if only else ''}\nORDER BY r.id"
    )


def rebuild_sql(
    mapping: Mapping, entity: str, raw: dict[str, dict[str, str]], attribute_ids: dict[str, int] | None = None
) -> str:
    return f"CREATE OR REPLACE TABLE {MAPPED_SCHEMA}.{ident(entity)} AS\n" + select_sql(
        mapping, entity, raw, attribute_ids
    )


def _expression(
    entity: str, target: str, column: ColumnSpec, columns: dict[str, str], attribute_ids: dict[str, int]
) -> str:
    source = column.parsed
    wants_json = column.type == "JSON"
    if source.is_plain:
        expr = f"r.{ident(source.column)}"
    elif source.list_field is None:
        fn = "json_extract" if wants_json else "json_extract_string"
        expr = f"{fn}(r.{ident(source.column)}, {json_path(source.path)})"
    else:
        expr = _named_pick(entity, target, source, wants_json, attribute_ids)
    target_type = column.type or (columns.get(source.column) if source.is_plain else None)
    if column.type is not None:
        expr = f"CAST({expr} AS {column.type})"
    if column.default is not None:
        expr = f"COALESCE({expr}, CAST({literal(column.default)} AS {target_type or 'VARCHAR'}))"
    return expr


def _named_pick(
    entity: str, target: str, source: Source, wants_json: bool, attribute_ids: dict[str, int]
) -> str:
    assert source.list_field is not None and source.label is not None
    key, value = list_keys(source.list_field)
    wanted = source.label
    if source.list_field == "attributes" and not source.label_is_id:
        if source.label not in attribute_ids:
            raise MappingError(
                f"{entity}.columns.{target}: customer attribute {source.label!r} is not defined in this store"
                f"{hint(source.label, attribute_ids)}"
            )
        wanted = str(attribute_ids[source.label])
    base = f"r.{ident(source.column)}"
    if source.path:
        base = f"json_extract({base}, {json_path(source.path)})"
    arrow = "->" if wants_json else "->>"
    return (
        f"(list_filter(CAST({base} AS JSON[]), lambda x: x->>{literal(key)} = {literal(wanted)})[1])"
        f"{arrow}{literal(value)}"
    )


def _unmapped(spec: EntityMapping, columns: dict[str, str], used: set[str]) -> str:
    """A JSON object of every raw field no source reads (plus the fields the contract keeps in _extra)."""
    used = used | {c.parsed.column for c in spec.columns.values()}
    rest = [c for c in columns if c not in used and c not in BOOKKEEPING and c != "_extra"]
    obj = (
        "json_object(" + ", ".join(f"{literal(c)}, r.{ident(c)}" for c in rest) + ")"
        if rest
        else "'{}'::JSON"
    )
    if "_extra" in columns and "_extra" not in used:
        # Most rows have no _extra: skip the (costly) merge for them.
        obj = f"CASE WHEN r._extra IS NULL THEN {obj} ELSE json_merge_patch({obj}, r._extra) END"
    return obj
