"""Which store a webhook belongs to, and where its files go.

With a stores file each store has its own inbox root, `BC_WEBHOOK_DIR/<label>/` (inbox/, processed/,
quarantine/), so the sensor asks for one run per store (its `bc/store` tag) and a run only ever reads its
store's files. The receiver routes each callback by its `producer` (`stores/{store_hash}`); a callback of no
configured store goes to the shared root's quarantine/ with a one-line reason (never dropped, never applied
to another store). Without a stores file the one store keeps `BC_WEBHOOK_DIR/` itself, as before.

A run checks again when it reads a file: a payload whose producer names another store is quarantined, not
applied (webhooks/plan.py), so a file copied into the wrong inbox cannot reach another store's DuckDB file.
"""

from __future__ import annotations

from pathlib import Path

from bc_pipeline.config import Settings
from bc_pipeline.stores import Store

PRODUCER_PREFIX = "stores/"


def webhook_root(settings: Settings, store: Store) -> Path:
    """The store's inbox root: BC_WEBHOOK_DIR/<label> with a stores file, else BC_WEBHOOK_DIR."""
    return settings.webhook_dir / store.label if settings.stores_file else settings.webhook_dir


def inbox_roots(settings: Settings, stores: list[Store]) -> dict[str, Path]:
    """label -> inbox root of each store the sensor watches (without a stores file: the one store's label, the
    demo's when no credentials are set, and BC_WEBHOOK_DIR)."""
    if not settings.stores_file:
        return {settings.store_label: settings.webhook_dir}
    return {s.label: webhook_root(settings, s) for s in stores}


def producer_hash(payload: object) -> str | None:
    """The store hash a payload names in `producer` (`stores/abc123`), lower-cased; None if it names none."""
    producer = payload.get("producer") if isinstance(payload, dict) else None
    if not isinstance(producer, str) or not producer.startswith(PRODUCER_PREFIX):
        return None
    return producer.removeprefix(PRODUCER_PREFIX).strip("/").lower() or None


def routes(settings: Settings, stores: list[Store]) -> dict[str, Path] | None:
    """store hash (lower case) -> inbox root, with a stores file; None without (one inbox, no routing)."""
    if not settings.stores_file:
        return None
    return {s.store_hash.lower(): webhook_root(settings, s) for s in stores}
