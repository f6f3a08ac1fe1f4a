"""Cart -> rows: an abandoned cart (GET /v3/carts/{id} plus what its events said) and its items.

The cart's four item lists (physical, digital, gift certificates, custom) become abandoned_cart_items rows
with their `kind`; the cart row keeps `line_items` as ids per kind and replaces its stored items (a fetched
cart carries its complete set). `currency` is flattened to its code. The event columns (`abandoned_at`,
`converted_order_id`, `converted_at`) are set by webhooks/carts.py on the record before flattening.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bc_pipeline.warehouse.schema import TABLES

ITEM_KINDS = ("physical_items", "digital_items", "gift_certificates", "custom_items")
_CART = frozenset(c.name for c in TABLES["abandoned_carts"].api_columns)
_ITEM = frozenset(c.name for c in TABLES["abandoned_cart_items"].api_columns)


def _split(rec: dict[str, Any], known: frozenset[str]) -> dict[str, Any]:
    row = {k: v for k, v in rec.items() if k in known}
    extra = {k: v for k, v in rec.items() if k not in known}
    if extra:
        row["_extra"] = extra
    return row


def cart_rows(records: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    carts: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    for rec in records:
        rec = dict(rec)
        if isinstance(rec.get("currency"), dict):
            rec["currency"] = rec["currency"].get("code")
        lists = rec.get("line_items")
        row_children: tuple[str, ...] = ()
        if isinstance(lists, dict):
            slim = {}
            for kind in ITEM_KINDS:
                kind_items = [i for i in lists.get(kind) or () if isinstance(i, dict)]
                slim[kind] = [i.get("id") for i in kind_items]
                for item in kind_items:
                    row = _split({**item, "cart_id": rec["id"], "kind": kind}, _ITEM)
                    row["_parent_version"] = rec.get("updated_time")
                    row["_deleted_at"] = None
                    items.append(row)
            rec["line_items"] = slim
            row_children = ("abandoned_cart_items",)
        row = _split(rec, _CART)
        row["_children"] = row_children
        carts.append(row)
    return {"abandoned_carts": carts, "abandoned_cart_items": items}
