"""Orders v2: GET /v2/orders, /v2/orders/{id}, its products, shipping_addresses (also served as
shippingaddresses, the path of the orders' own link) and coupons, /v2/orders/count and /v2/order_statuses.

Behaviour (where the reference is silent, chosen and documented in docs/emulator.md):
* Bare arrays; 204 No Content with an empty body past the last page or when nothing matches.
* min_/max_ filters are inclusive; dates accept RFC 2822 or ISO 8601 (date-only = midnight UTC).
* Archived orders (is_deleted: true) ARE listed by /v2/orders and counted by /v2/orders/count.
* limit above 250 -> 413 [{"status":413,"message":"The specified limit exceeds the maximum allowed.", ...}].
* include=consignments.line_items&consignment_structure=object embeds at most 50 line items per consignment;
  such orders carry an undocumented "__warning__" string (bigcommerce/docs issue #960).
"""

from __future__ import annotations

from bc_emulator import listing, shapes, statuses
from bc_emulator.errors import not_found
from bc_emulator.request import Request, Response, v2_list

ORDER_SORTS = {"id": "id", "customer_id": "customer", "date_created": "created", "date_modified": "modified",
               "status_id": "status", "channel_id": "id", "external_id": "id"}


def _filters(req: Request) -> dict:
    q = req.query
    equals: dict[str, object] = {}
    for name, col in (("customer_id", "customer"), ("status_id", "status")):
        value = listing.int_param(q, name, "v2")
        if value is not None:
            equals[col] = value
    channel = listing.int_param(q, "channel_id", "v2")
    return {**listing.v2_filters(q), "equals": equals, "empty": channel is not None and channel != 1}


def _positions(req: Request):
    table = req.store.tables["orders"]
    f = _filters(req)
    if f.pop("empty"):
        return table, table.ids[:0]
    return table, listing.select(table, **f)


def _view(req: Request, full: dict) -> dict:
    structure = req.query.get("consignment_structure") == "object"
    return shapes.order(full, req.includes(), structure, req.store.v2_base)


def orders(req: Request) -> Response:
    page, limit = listing.page_and_limit(req.query, "v2")
    table, pos = _positions(req)
    ordered = listing.sort_positions(table, pos, *listing.sort_param(req.query, ORDER_SORTS, "v2"))
    chosen = ordered[(page - 1) * limit: page * limit]
    full, ids = req.store.full, table.ids[chosen].tolist()
    includes, structure = req.includes(), req.query.get("consignment_structure") == "object"
    base = req.store.v2_base
    return v2_list([shapes.order(full("orders", oid), includes, structure, base) for oid in ids])


def count(req: Request) -> Response:
    table, pos = _positions(req)
    stat = table.col("status")[pos]
    counts = {sid: int((stat == sid).sum()) for sid in range(15)}
    return Response(200, {"statuses": statuses.status_counts(counts), "count": int(len(pos))})


def order_statuses(req: Request) -> Response:
    return Response(200, statuses.order_statuses(), 15)


def order_status(req: Request, sid: str) -> Response:
    rows = [s for s in statuses.order_statuses() if s["id"] == int(sid)]
    if not rows:
        raise not_found("v2")
    return Response(200, rows[0], 1)


def order(req: Request, oid: str) -> Response:
    return Response(200, _view(req, req.record("orders", oid)), 1)


def _sub(req: Request, oid: str, key: str) -> Response:
    return v2_list(listing.page_of(req.record("orders", oid)[key], req.query, "v2"))


def order_products(req: Request, oid: str) -> Response:
    return _sub(req, oid, "_products")


def order_shipping_addresses(req: Request, oid: str) -> Response:
    """Also served as /shippingaddresses: the path of the link orders carry (see routes.py)."""
    return _sub(req, oid, "_shipping")


def order_coupons(req: Request, oid: str) -> Response:
    return _sub(req, oid, "_coupons")
