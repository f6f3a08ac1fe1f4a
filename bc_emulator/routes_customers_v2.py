"""Customers v2 (deprecated by BigCommerce, still what peer connectors such as tap-bigcommerce read):
GET /v2/customers, /v2/customers/count, /v2/customers/{id}, /v2/customers/{id}/addresses (+ /count, /{address_id}).

Served from the same store records as /v3/customers (same ids and data, so a mutation shows in both), in the
shapes of customers.v2.yml (shapes.customer_v2, shapes.address_v2). What v2 orders do, v2 customers do too:
bare arrays, 204 No Content for an empty page, page/limit (default 50, 413 above 250), min_id/max_id and
min_/max_date_created/_modified inclusive with RFC 2822 or ISO 8601 values (listing.v2_filters).

Choices where the reference is silent (also in docs/emulator.md):
* `sort` (not documented for v2 customers) accepts id, date_created, date_modified, last_name with :asc/:desc;
  default id ascending, as documented.
* The documented field filters (first_name, last_name, company, email, phone, store_credit, customer_group_id,
  tax_exempt_category) are exact matches (store_credit numerically), checked record by record after the id and
  date filters: a linear scan, fine for test-sized stores.
* /v2/customers/count honours the same filters as the list (the reference shows none).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import numpy as np

from bc_emulator import listing, shapes
from bc_emulator.errors import ApiError, not_found
from bc_emulator.request import Request, Response, v2_list
from bc_emulator.table import Table

CUSTOMER_SORTS = {"id": "id", "date_created": "created", "date_modified": "modified", "last_name": "last_name"}
FIELD_FILTERS = ("first_name", "last_name", "company", "email", "phone", "store_credit", "customer_group_id",
                 "tax_exempt_category")


def _view(req: Request, cid: int) -> dict | None:
    full = req.store.full("customers", cid)
    return None if full is None else shapes.customer_v2(full, req.store.v2_base)


def _matches(record: dict | None, wanted: dict[str, str]) -> bool:
    if record is None:
        return False
    for name, value in wanted.items():
        if name == "store_credit":
            try:
                if Decimal(record[name]) != Decimal(value):
                    return False
            except InvalidOperation as exc:
                raise ApiError(400, f"The field 'store_credit' is invalid: {value!r}") from exc
        elif str(record[name]) != value:
            return False
    return True


def _positions(req: Request) -> tuple[Table, np.ndarray]:
    table = req.store.tables["customers"]
    pos = listing.select(table, **listing.v2_filters(req.query))
    wanted = {name: req.query[name] for name in FIELD_FILTERS if req.query.get(name)}
    if wanted:
        keep = [_matches(_view(req, int(table.ids[p])), wanted) for p in pos]
        pos = pos[np.asarray(keep, dtype=bool)]
    return table, pos


def customers(req: Request) -> Response:
    table, pos = _positions(req)
    ordered = listing.sort_positions(table, pos, *listing.sort_param(req.query, CUSTOMER_SORTS, "v2"))
    chosen = listing.page_of(ordered, req.query, "v2")
    records = (_view(req, int(cid)) for cid in table.ids[chosen])
    return v2_list([r for r in records if r is not None])


def count(req: Request) -> Response:
    return Response(200, {"count": int(len(_positions(req)[1]))})


def customer(req: Request, cid: str) -> Response:
    return Response(200, shapes.customer_v2(req.record("customers", cid), req.store.v2_base), 1)


def _addresses(req: Request, cid: str) -> list[dict]:
    return [shapes.address_v2(a) for a in req.record("customers", cid)["addresses"]]


def addresses(req: Request, cid: str) -> Response:
    """Every address of the customer (not capped at 10 as v3's embedded list is), by id."""
    return v2_list(listing.page_of(_addresses(req, cid), req.query, "v2"))


def address_count(req: Request, cid: str) -> Response:
    return Response(200, {"count": len(_addresses(req, cid))})


def address(req: Request, cid: str, aid: str) -> Response:
    found = [a for a in _addresses(req, cid) if a["id"] == int(aid)]
    if not found:
        raise not_found("v2")
    return Response(200, found[0], 1)
