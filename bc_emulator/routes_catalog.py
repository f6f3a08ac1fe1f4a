"""Catalog v3: GET /v3/catalog/products (+ /{id}, /{id}/variants), /v3/catalog/variants, /categories, /brands.

Behaviour: offset paging only (`meta.pagination`); limit above 250 -> 422; include=options or modifiers caps a
page at 10 products (documented); date_modified:min/max inclusive, date-only values get the request's time of
day (documented). Sorts id, name, price, date_modified are real; the other documented sort values (sku,
inventory_level, ...) are accepted and order by id. Variants have no dates and no sort, as documented.
"""

from __future__ import annotations

import re

import numpy as np

from bc_emulator import listing, shapes
from bc_emulator.errors import ApiError
from bc_emulator.request import Request, Response, v3_list
from bc_emulator.v3_filters import date_ranges, id_in

PRODUCT_SORTS = {"id": "id", "name": "name", "price": "price", "date_modified": "modified", "sku": "id",
                 "date_last_imported": "id", "inventory_level": "id", "is_visible": "id", "total_sold": "id",
                 "calculated_price": "price"}
SKU = re.compile(r"^SKU-(\d+)-(\d+)$")


def _int(req: Request, name: str) -> int | None:
    return listing.int_param(req.query, name, "v3")


def products(req: Request) -> Response:
    store = req.store
    table = store.tables["products"]
    includes = req.includes()
    cap = 10 if includes & {"options", "modifiers"} else listing.MAX_LIMIT
    page, limit = listing.page_and_limit(req.query, "v3", cap)
    ids = id_in(req)
    if _int(req, "id") is not None:
        ids = [_int(req, "id")]
    id_min, id_max = _int(req, "id:min"), _int(req, "id:max")
    if _int(req, "id:greater") is not None:
        id_min = max(id_min or 0, _int(req, "id:greater") + 1)
    if _int(req, "id:less") is not None:
        id_max = min(id_max if id_max is not None else 2**62, _int(req, "id:less") - 1)
    ranges = {k: v for k, v in date_ranges(req).items() if k == "modified"}
    equals: dict[str, object] = {}
    if req.query.get("is_visible") in ("true", "1", "false", "0"):
        equals["visible"] = req.query["is_visible"] in ("true", "1")
    if _int(req, "brand_id") is not None:
        equals["brand"] = _int(req, "brand_id")
    pos = listing.select(table, ids=ids, id_min=id_min, id_max=id_max, ranges=ranges, equals=equals)
    not_in = req.query.get("id:not_in")
    if not_in:
        pos = pos[~np.isin(table.ids[pos], listing.int_list(not_in, "id:not_in", "v3"))]
    sort = req.query.get("sort", "id")
    direction = req.query.get("direction", "asc")
    if sort not in PRODUCT_SORTS or direction not in ("asc", "desc"):
        raise ApiError(422, "The sort parameter is invalid.", {"sort": f"unsupported sort {sort!r}"})
    ordered = listing.sort_positions(table, pos, PRODUCT_SORTS[sort], direction == "desc")
    chosen = ordered[(page - 1) * limit: page * limit]
    data = [shapes.product(store.full("products", int(table.ids[p])), includes) for p in chosen]
    return v3_list(data, len(ordered), limit, page)


def product(req: Request, pid: str) -> Response:
    return Response(200, {"data": shapes.product(req.record("products", pid), req.includes()), "meta": {}}, 1)


def _variant_rows(req: Request, ids: list[int]) -> list[dict]:
    return [v for v in (req.store.full("variants", i) for i in ids) if v is not None]


def variants(req: Request) -> Response:
    store = req.store
    table = store.tables["variants"]
    page, limit = listing.page_and_limit(req.query, "v3")
    ids = id_in(req)
    if _int(req, "id") is not None:
        ids = [_int(req, "id")]
    isin = {}
    if req.query.get("product_id:in"):
        isin["product_id"] = listing.int_list(req.query["product_id:in"], "product_id:in", "v3")
    sku = req.query.get("sku")
    if sku:
        match = SKU.match(sku)
        by_override = [i for i, v in store.overrides["variants"].items() if v.get("sku") == sku]
        ids = (ids or []) + by_override + ([int(match.group(2))] if match else [])
        ids = [i for i in ids if (store.full("variants", i) or {}).get("sku") == sku]
    pos = listing.select(table, ids=ids, isin=isin)
    chosen = pos[(page - 1) * limit: page * limit]
    return v3_list(_variant_rows(req, [int(table.ids[p]) for p in chosen]), len(pos), limit, page)


def product_variants(req: Request, pid: str) -> Response:
    req.record("products", pid)  # 404 for an unknown product
    page, limit = listing.page_and_limit(req.query, "v3")
    ids = req.store.variant_ids(int(pid))
    return v3_list(_variant_rows(req, ids[(page - 1) * limit: page * limit]), len(ids), limit, page)


def _small(req: Request, resource: str, name_filter: bool) -> Response:
    store = req.store
    table = store.tables[resource]
    page, limit = listing.page_and_limit(req.query, "v3")
    pos = listing.select(table, ids=id_in(req), id_min=_int(req, "id:min"), id_max=_int(req, "id:max"))
    rows = [store.full(resource, int(table.ids[p])) for p in pos]
    if name_filter and req.query.get("name"):
        rows = [r for r in rows if r["name"] == req.query["name"]]
    if resource == "categories" and req.query.get("parent_id") is not None and req.query.get("parent_id") != "":
        rows = [r for r in rows if r["parent_id"] == _int(req, "parent_id")]
    return v3_list(rows[(page - 1) * limit: page * limit], len(rows), limit, page)


def categories(req: Request) -> Response:
    return _small(req, "categories", True)


def brands(req: Request) -> Response:
    return _small(req, "brands", True)
