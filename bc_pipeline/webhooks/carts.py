"""Abandoned carts from webhooks: store/cart/abandoned fetches the cart, store/cart/converted marks it.

Cart ids are UUIDs, so carts do not go through the id-set refetch of the other records (apply_ids): each
batch's cart events are grouped per cart and applied here, after the other records.
* abandoned: GET /v3/carts/{id}?include=<item options> (scope store_cart_read_only), merged into
  abandoned_carts and abandoned_cart_items with `abandoned_at` = the event's time (the newest, if several);
* converted (the order itself is refetched by the orders rule of scopes.py): the row gets
  `converted_order_id` and `converted_at`; a cart converted in the same batch is not fetched (it is gone);
* a cart that answers 404 (converted or expired) is recorded from its events alone, never lost.
Any other error fails the batch (its files stay in the inbox).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bc_pipeline.bigcommerce.api import ApiClient
from bc_pipeline.bigcommerce.errors import ApiRequestError
from bc_pipeline.streams import rows_for
from bc_pipeline.sync.engine import Connect
from bc_pipeline.warehouse.cart_events import record_cart_events
from bc_pipeline.warehouse.load import Warehouse
from bc_pipeline.webhooks.models import WebhookPayload

CART_INCLUDE = "line_items.physical_items.options,line_items.digital_items.options"


@dataclass(frozen=True)
class CartEvent:
    cart_id: str
    kind: str  # abandoned | converted
    at: int  # the event's created_at (UNIX seconds)
    order_id: int | None = None


@dataclass
class CartReport:
    fetched: int = 0
    gone: list[str] = field(default_factory=list)  # answered 404: recorded from their events
    converted: int = 0


def cart_event(payload: WebhookPayload) -> CartEvent | None:
    """The cart event a payload is (store/cart/abandoned or converted with a cart id), else None."""
    kind = payload.scope.removeprefix("store/cart/")
    cart_id = payload.data.get("id")
    if kind not in ("abandoned", "converted") or not isinstance(cart_id, str) or not cart_id:
        return None
    order_id = payload.data.get("orderId") if kind == "converted" else None
    return CartEvent(cart_id, kind, int(payload.created_at), int(order_id) if order_id else None)


def _instant(ts: int | None) -> datetime | None:
    return datetime.fromtimestamp(ts, UTC) if ts is not None else None


def _fetch(client: ApiClient, cart_id: str) -> dict[str, Any] | None:
    try:
        body = client.get_json(f"/v3/carts/{cart_id}", {"include": CART_INCLUDE})
    except ApiRequestError as exc:
        if exc.status == 404:
            return None
        raise
    return (body or {}).get("data")


def apply_cart_events(client: ApiClient, connect: Connect, events: list[CartEvent], now: datetime) -> CartReport:
    """Fetch the abandoned carts, then write every cart's row on one connection (a transaction per cart)."""
    report = CartReport()
    by_cart: dict[str, list[CartEvent]] = defaultdict(list)
    for event in events:
        by_cart[event.cart_id].append(event)
    plans = []
    for cart_id, mine in sorted(by_cart.items()):
        abandoned = max((e.at for e in mine if e.kind == "abandoned"), default=None)
        converted = max((e for e in mine if e.kind == "converted"), key=lambda e: e.at, default=None)
        cart = _fetch(client, cart_id) if abandoned is not None and converted is None else None
        if abandoned is not None and converted is None and cart is None:
            report.gone.append(cart_id)
        plans.append((cart_id, abandoned, converted, cart))
    with connect() as conn:
        for cart_id, abandoned, converted, cart in plans:
            if cart is not None:
                report.fetched += 1
                record = {**cart, "abandoned_at": _instant(abandoned).isoformat()}
                Warehouse(conn).merge(rows_for("carts", [record]), now)
                continue
            report.converted += converted is not None
            record_cart_events(conn, cart_id, now, abandoned_at=_instant(abandoned),
                               converted_order_id=converted.order_id if converted else None,
                               converted_at=_instant(converted.at) if converted else None)
    return report
