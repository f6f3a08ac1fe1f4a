"""GET /v3/carts/{cartId}: an open cart in the `{data, meta}` envelope; 404 once converted or expired.

`include=line_items.physical_items.options,line_items.digital_items.options` adds each item's `options`
(carts.v3.yml). Needs the store_cart_read_only scope (or store_cart).
"""

from __future__ import annotations

from bc_emulator import carts
from bc_emulator.errors import not_found
from bc_emulator.request import Request, Response


def cart(req: Request, cart_id: str) -> Response:
    with req.store.lock:
        found = req.store.carts.get(cart_id)
        if found is None:
            raise not_found("v3")
        body = carts.served(found, req.includes())
    return Response(200, {"data": body, "meta": {}}, 1)
