"""Rules that need the raw schema: every source names a column the entity's raw table has, every target is
a plain identifier taken once, the key `id` is mapped, defaults fit their type, and every BigCommerce
status id 0..14 has a canonical status. Each problem is one phrase naming the entity, the key and the
nearest valid name; load.py joins them into the MappingError."""

from __future__ import annotations

import re

from bc_pipeline.mapping.consent_sql import CART_CONSENT_COLUMNS
from bc_pipeline.mapping.errors import hint
from bc_pipeline.mapping.model import (
    ENTITIES,
    IDENTIFIER,
    ORDER_STATUS_COLUMNS,
    ColumnSpec,
    EntityMapping,
    MappingFile,
)
from bc_pipeline.mapping.raw_schema import BOOKKEEPING, is_json
from bc_pipeline.mapping.statuses import SYSTEM_STATUSES
from bc_pipeline.warehouse.casts import casts_to


def sanitized(name: str) -> str:
    """The plain identifier closest to `name`: lower case, runs of other characters as one `_`."""
    text = re.sub(r"[^a-z0-9_]+", "_", name.strip().lower()).strip("_") or "column"
    return text if IDENTIFIER.match(text) else f"_{text}"


def check_mapping(mapping: MappingFile, raw: dict[str, dict[str, str]]) -> list[str]:
    """Every problem in the file, as `<entity>.<key>: <what is wrong>; nearest valid name: '<x>'`."""
    problems: list[str] = []
    for entity, spec in mapping.entities.items():
        if entity not in ENTITIES or entity not in raw:
            problems.append(f"entities.{entity}: unknown entity{hint(entity, ENTITIES)}")
            continue
        problems += _check_entity(entity, spec, raw[entity])
    if mapping.order_statuses is not None:
        problems += _check_statuses(mapping)
    return problems


def _check_entity(entity: str, spec: EntityMapping, columns: dict[str, str]) -> list[str]:
    problems: list[str] = []
    where = f"{entity}.columns"
    for target, column in spec.columns.items():
        if not IDENTIFIER.match(target):
            problems.append(
                f"{where}.{target!r}: target is not a plain identifier (^[a-z_][a-z0-9_]*$); "
                f"nearest valid name: {sanitized(target)!r}"
            )
            continue
        if entity == "orders" and target in ORDER_STATUS_COLUMNS:
            problems.append(
                f"{where}.{target}: two sources map into {target!r}, which every mapped order takes from the "
                f"status mapping; nearest valid name: {target + '_raw'!r}"
            )
        if entity == "abandoned_carts" and target in CART_CONSENT_COLUMNS:
            problems.append(
                f"{where}.{target}: two sources map into {target!r}, which every mapped abandoned cart takes "
                f"from the subscriber's consents; nearest valid name: {target + '_raw'!r}"
            )
        problems += _check_source(f"{where}.{target}", column, columns)
    if spec.keep_unmapped and spec.keep_unmapped in spec.columns:
        problems.append(
            f"{entity}.keep_unmapped: two sources map into {spec.keep_unmapped!r} (a target column and the "
            f"unmapped-fields column); nearest valid name: {'unmapped_' + spec.keep_unmapped!r}"
        )
    if not any(c.source == "id" for c in spec.columns.values()):
        problems.append(
            f"{where}: no target takes the key 'id' (ids are checked and looked up); add `id: id`"
        )
    return problems


def _check_source(where: str, column: ColumnSpec, columns: dict[str, str]) -> list[str]:
    source = column.parsed
    choices = [c for c in columns if c not in BOOKKEEPING] + [
        f for f in ("options",) if "option_values" in columns
    ]
    if source.list_field == "options" and "option_values" not in columns:
        return [f"{where}: options[...] picks a variant's option value by option name; use it under variants"]
    if source.column not in columns:
        name = source.list_field if source.list_field == "options" else source.column
        return [
            f"{where}: source {source.text!r} names {name!r}, which the raw table does not have{hint(name, choices)}"
        ]
    if not source.is_plain and not is_json(columns[source.column]):
        return [
            f"{where}: source {source.text!r} reads into {source.column!r}, a {columns[source.column]} column, "
            f"not JSON; nearest valid name: {source.column!r}"
        ]
    if column.default is not None:
        target_type = column.type or (columns[source.column] if source.is_plain else "VARCHAR")
        if not casts_to(column.default, target_type):
            return [f"{where}.default: {column.default!r} is not a {target_type}"]
    return []


def _check_statuses(mapping: MappingFile) -> list[str]:
    statuses = mapping.order_statuses
    assert statuses is not None
    problems: list[str] = []
    for status_id in SYSTEM_STATUSES:
        if status_id not in statuses.by_id:
            problems.append(
                f"order_statuses.by_id.{status_id}: BigCommerce status {status_id} "
                f"({SYSTEM_STATUSES[status_id]}) is not mapped; add `{status_id}: <canonical status>`"
            )
    for status_id in statuses.by_id:
        if status_id not in SYSTEM_STATUSES:
            problems.append(
                f"order_statuses.by_id.{status_id}: BigCommerce has no status {status_id}"
                f"{hint(str(status_id), [str(i) for i in SYSTEM_STATUSES])}"
            )
    named = [("by_id", str(k), v) for k, v in statuses.by_id.items()]
    named += [("by_label", repr(k), v) for k, v in statuses.by_label.items()]
    for section, key, value in named:
        if not IDENTIFIER.match(value):
            problems.append(
                f"order_statuses.{section}.{key}: {value!r} is not a plain identifier; "
                f"nearest valid name: {sanitized(value)!r}"
            )
        elif statuses.canonical is not None and value not in statuses.canonical:
            problems.append(
                f"order_statuses.{section}.{key}: {value!r} is not in order_statuses.canonical"
                f"{hint(value, statuses.canonical)}"
            )
    return problems
