"""Cart rows from webhook events alone: a cart already gone when its event is applied, and conversions.

A converted or expired cart answers 404, so what its events say is all there is: the row is created with
the cart id and the event columns (abandoned_at, converted_order_id, converted_at), or the stored row (the
cart fetched when it was abandoned) gets them. Changes go to the change feed in the same transaction.
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from bc_pipeline.warehouse import changes
from bc_pipeline.warehouse.schema import TABLES
from bc_pipeline.warehouse.sql import run
from bc_pipeline.warehouse.transaction import transaction

CARTS = TABLES["abandoned_carts"]


def record_cart_events(conn: duckdb.DuckDBPyConnection, cart_id: str, synced_at: datetime, *,
                       abandoned_at: datetime | None = None, converted_order_id: int | None = None,
                       converted_at: datetime | None = None) -> str | None:
    """Create or update one cart's row from its events; returns the change made (created, updated or None)."""
    with transaction(conn):
        stored = run(conn, f"SELECT abandoned_at, converted_order_id FROM {CARTS.qualified} WHERE id = ?",
                     [cart_id])
        if not stored:
            run(conn, f"INSERT INTO {CARTS.qualified} (id, abandoned_at, converted_order_id, converted_at, "
                      "_synced_at) VALUES (?, ?, ?, ?, ?)",
                [cart_id, abandoned_at, converted_order_id, converted_at, synced_at])
            change = "created"
        else:
            old_abandoned, old_order = stored[0]
            new_abandoned = max(d for d in (old_abandoned, abandoned_at) if d is not None) \
                if (old_abandoned or abandoned_at) else None
            new_order = converted_order_id if converted_order_id is not None else old_order
            change = "updated" if (new_abandoned, new_order) != (old_abandoned, old_order) else None
            if change:
                run(conn, f"UPDATE {CARTS.qualified} SET abandoned_at = ?, converted_order_id = ?, "
                          "converted_at = coalesce(?, converted_at), _synced_at = ? WHERE id = ?",
                    [new_abandoned, new_order, converted_at, synced_at, cart_id])
        if change:
            changes.record(conn, CARTS.name, [(cart_id, change)], synced_at)
    return change
