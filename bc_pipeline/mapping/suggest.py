"""`mapping suggest`: read this store's raw tables and write a complete mapping file for it: every raw
column, every key seen in `_extra` and `billing_address`, every sign-up form field, customer attribute,
product custom field and variant option by name, and every status label the store uses, each mapped to
its default, for the user to edit. What it prints passes `mapping check`."""

from __future__ import annotations

import json
import re

from bc_pipeline.mapping.compile import live_rows
from bc_pipeline.mapping.consent_sql import CART_CONSENT_COLUMNS
from bc_pipeline.mapping.model import ENTITIES, ORDER_STATUS_COLUMNS
from bc_pipeline.mapping.raw_schema import BOOKKEEPING, RAW_SCHEMA, is_json
from bc_pipeline.mapping.statuses import DEFAULT_BY_ID, DEFAULT_CANONICAL, SYSTEM_STATUSES
from bc_pipeline.mapping.validate import sanitized
from bc_pipeline.warehouse import mapped
from bc_pipeline.warehouse.errors import Connection

# Named picks suggested per entity: (list column, key field, target prefix, source prefix).
_PICKS: dict[str, list[tuple[str, str, str, str]]] = {
    "customers": [
        ("form_fields", "name", "form_", "form_fields"),
        ("attributes", "attribute_id", "attr_", "attributes"),
    ],
    "orders": [],
    "products": [("custom_fields", "name", "custom_", "custom_fields")],
    "variants": [("option_values", "option_display_name", "option_", "options")],
}
_OBJECT_PATHS: dict[str, list[str]] = {"orders": ["billing_address"]}


def _texts(values: list[object]) -> list[str]:
    return sorted({str(v) for v in values if v is not None and str(v).strip()})


def _names_in_list(conn: Connection, entity: str, raw: dict, column: str, key: str) -> list[str]:
    return _texts(mapped.list_field_values(conn, entity, column, key, live_rows(entity, raw)))


def _object_keys(conn: Connection, entity: str, raw: dict, column: str) -> list[str]:
    return _texts(mapped.object_keys(conn, entity, column, live_rows(entity, raw)))


_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def yaml_scalar(text: str) -> str:
    """`text` as a YAML scalar: bare when it is a plain name or path, else single- or double-quoted."""
    if _PLAIN.match(text) and text.lower() not in _YAML_WORDS:
        return text
    return f"'{text}'" if "'" not in text and text.isprintable() else json.dumps(text)


def _quoted_pick(prefix: str, name: str) -> str | None:
    if '"' not in name:
        return f'{prefix}["{name}"]'
    return f"{prefix}['{name}']" if "'" not in name else None


def suggest_columns(conn: Connection, entity: str, raw: dict) -> list[tuple[str, str]]:
    """(target, source) for every field this entity's raw table holds."""
    columns = raw[entity]
    out: list[tuple[str, str]] = []
    taken: set[str] = set(ORDER_STATUS_COLUMNS) if entity == "orders" else set()
    if entity == "abandoned_carts":
        taken = set(CART_CONSENT_COLUMNS)

    def add(target: str, source: str) -> None:
        name, n = sanitized(target), 2
        while name in taken:
            name, n = f"{sanitized(target)}_{n}", n + 1
        taken.add(name)
        out.append((name, source))

    for column in columns:
        if (
            column in BOOKKEEPING
            or column == "_extra"
            or (entity == "orders" and column in ("status_id", "status", "custom_status"))
        ):
            continue
        add(column, column)
    for column in _OBJECT_PATHS.get(entity, []):
        if column in columns and is_json(columns[column]):
            for key in _object_keys(conn, entity, raw, column):
                if key.isidentifier() and key != "form_fields":
                    add(f"{column}_{key}", f"{column}.{key}")
            names = _texts(mapped.list_field_values(conn, entity, column, "name", live_rows(entity, raw),
                                                    path="$.form_fields"))
            for name in names:
                if (pick := _quoted_pick(f"{column}.form_fields", name)) is not None:
                    add(f"{column}_form_{name}", pick)
    for list_column, key, target_prefix, source_prefix in _PICKS.get(entity, []):
        if list_column not in columns or not is_json(columns[list_column]):
            continue
        names = _names_in_list(conn, entity, raw, list_column, key)
        if list_column == "attributes":
            by_id = {str(i): n for n, i in mapped.attribute_ids(conn, raw).items()}
            for attr_id in sorted(names, key=lambda v: int(v) if v.isdigit() else 0):
                name = by_id.get(attr_id)
                pick = _quoted_pick("attributes", name) if name else f"attributes[{attr_id}]"
                if attr_id.isdigit() and pick:
                    add(f"{target_prefix}{name or attr_id}", pick)
            continue
        for name in names:
            if (pick := _quoted_pick(source_prefix, name)) is not None:
                add(f"{target_prefix}{name}", pick)
    if "_extra" in columns:
        for key in _object_keys(conn, entity, raw, "_extra"):
            if key.isidentifier():
                add(key, f"_extra.{key}")
    return out


def store_labels(conn: Connection, raw: dict) -> dict[str, int]:
    """{custom label: status id} for every label the store uses that differs from BigCommerce's name."""
    pairs: set[tuple[int, str]] = set()
    if "order_statuses" in raw and "custom_label" in raw["order_statuses"]:
        pairs |= {(int(i), str(label)) for i, label in mapped.distinct_rows(
            conn, "order_statuses", ["id", "custom_label"], live_rows("order_statuses", raw)) if label}
    if "orders" in raw:
        from bc_pipeline.mapping.status_sql import label_expression

        pairs |= {(int(i), str(label)) for i, label in mapped.distinct_rows(
            conn, "orders", ["r.status_id", label_expression(raw["orders"])], live_rows("orders", raw))
            if label is not None and i is not None}
    return {
        label.strip(): i
        for i, label in sorted(pairs)
        if label.strip() and label.strip() != SYSTEM_STATUSES.get(i)
    }


def suggest_mapping(conn: Connection) -> str:
    """A complete mapping file for the store in this DuckDB file, as YAML text."""
    raw = mapped.database_columns(conn)
    lines = [
        "# Mapping suggested by `bc-pipeline mapping suggest` from this store's raw tables.",
        "# Every field found is listed; delete the lines you do not want, rename targets, add `type:`/`default:`.",
        "# Then: bc-pipeline mapping check <this file>; BC_MAPPING_FILE=<this file>. See docs/mapping.md.",
        "version: 1",
        "entities:",
    ]
    for entity in ENTITIES:
        if entity not in raw:
            lines.append(f"  # {entity}: no raw table {RAW_SCHEMA}.{entity} in this DuckDB file yet")
            continue
        lines += [f"  {entity}:", "    keep_unmapped: false", "    columns:"]
        lines += [
            f"      {target}: {yaml_scalar(source)}" for target, source in suggest_columns(conn, entity, raw)
        ]
    labels = store_labels(conn, raw)
    lines += ["order_statuses:", "  canonical:"]
    lines += [f"    - {name:<20} # {why}" for name, why in DEFAULT_CANONICAL.items()]
    lines.append("  by_id:")
    lines += [f"    {i}: {DEFAULT_BY_ID[i]:<20} # {name}" for i, name in SYSTEM_STATUSES.items()]
    lines.append("  by_label:" + ("" if labels else " {}"))
    lines += [
        f"    {json.dumps(label)}: {DEFAULT_BY_ID[i]:<20} # status {i} ({SYSTEM_STATUSES[i]})"
        for label, i in labels.items()
    ]
    lines.append(
        "  unlisted_labels: unmapped   # a label not listed above leaves mapped_status NULL (the check reports it)"
    )
    return "\n".join(lines) + "\n"
