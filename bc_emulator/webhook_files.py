"""Webhook payload files: for each mutation, the documented lightweight payload
({scope, store_id, data{type,id,...}, hash, created_at, producer}) as one JSON file, written atomically
(temp file in the same folder, then rename) the way a webhook receiver drops what it receives.

File name: <created_at>-<seq:08d>-<scope with / as _>-<id>.json (sorts in emission order).
`hash` is the SHA-1 of the JSON-encoded `data`, as documented.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bc_emulator.state import StoreState

TYPES = {"customers": ("customer", "store/customer"), "subscribers": ("subscriber", "store/subscriber"),
         "orders": ("order", "store/order"), "products": ("product", "store/product"),
         "variants": ("sku", "store/sku"), "categories": ("category", "store/category"),
         "brands": ("brand", "store/brand")}


def payload(store: StoreState, resource: str, event: str, record: dict[str, Any],
            extra: dict[str, Any] | None = None) -> dict[str, Any]:
    kind, prefix = TYPES[resource]
    data: dict[str, Any] = {"type": kind, "id": int(record["id"])}
    if resource == "variants":  # store/sku/*: id is the v2 SKU id; the variant id is in data.sku
        data["id"] = int(record.get("sku_id") or record["id"])
        data["sku"] = {"product_id": int(record["product_id"]), "variant_id": int(record["id"])}
    data.update(extra or {})
    return _envelope(store, f"{prefix}/{event}", data)


def _envelope(store: StoreState, scope: str, data: dict[str, Any]) -> dict[str, Any]:
    encoded = json.dumps(data, separators=(",", ":"), sort_keys=True)
    return {"scope": scope, "store_id": str(store.store_id), "data": data,
            "hash": hashlib.sha1(encoded.encode()).hexdigest(), "created_at": store.now(),
            "producer": f"stores/{store.store_hash}"}


def emit(store: StoreState, resource: str, event: str, record: dict[str, Any],
         extra: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """Write the payload file if the store has a webhook folder; returns the payload written (or None)."""
    if resource == "brands":  # brands have no created/updated/deleted events
        return None
    return _write(store, payload(store, resource, event, record, extra))


def emit_cart(store: StoreState, event: str, cart_id: str, extra: dict[str, Any]) -> dict[str, Any] | None:
    """store/cart/<event>: `data` is `{type: "cart", id: <uuid>, ...extra}` (token, or orderId)."""
    return _write(store, _envelope(store, f"store/cart/{event}", {"type": "cart", "id": cart_id, **extra}))


def _write(store: StoreState, body: dict[str, Any]) -> dict[str, Any] | None:
    folder = store.webhook_dir
    if folder is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    store._webhook_seq += 1
    name = f"{body['created_at']}-{store._webhook_seq:08d}-{body['scope'].replace('/', '_')}-{body['data']['id']}.json"
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(body, fh, ensure_ascii=False)
        os.replace(tmp, folder / name)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return body
