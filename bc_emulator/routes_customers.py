"""GET /v3/customers (page and cursor paging), /v3/customers/addresses, /v3/customers/attribute-values,
/v3/customers/subscribers.

Choices where the reference is silent: date filters as v3_filters.py reads them; `after`/`before`
cursors ignore `page`; filters not listed here (email:in, name:in, company:in ...) are accepted and ignored.
"""

from __future__ import annotations

from urllib.parse import quote

import numpy as np

from bc_emulator import cursors, listing, shapes, vocab
from bc_emulator.request import Request, Response, v3_list, v3_pagination
from bc_emulator.v3_filters import date_ranges, id_in

CUSTOMER_SORTS = {"date_created": "created", "date_modified": "modified", "last_name": "last_name"}


def customers(req: Request) -> Response:
    store = req.store
    table = store.tables["customers"]
    page, limit = listing.page_and_limit(req.query, "v3")
    key, desc = listing.sort_param(req.query, CUSTOMER_SORTS, "v3")
    pos = listing.select(table, ids=id_in(req), ranges=date_ranges(req))
    ordered = listing.sort_positions(table, pos, key, desc)
    after, before = req.query.get("after"), req.query.get("before")
    meta: dict = {}
    if after or before:
        rid, value = cursors.decode(after or before)
        if after:
            rest = listing.after_key(table, ordered, key, desc, value, rid)
            chosen, more_after = rest[:limit], len(rest) > limit
            more_before = len(ordered) > len(rest)
        else:
            rest = listing.before_key(table, ordered, key, desc, value, rid)
            chosen, more_before = rest[-limit:], len(rest) > limit
            more_after = len(ordered) > len(rest)
    else:
        chosen = ordered[(page - 1) * limit: page * limit]
        meta["pagination"] = v3_pagination(len(ordered), len(chosen), limit, page)
        more_before, more_after = page > 1, page * limit < len(ordered)
    if page == 1 or after or before:
        meta["cursor_pagination"] = _cursor_meta(table, chosen, key, limit, more_before, more_after)
    includes = req.includes()
    data = []
    for p in chosen:
        full = store.full("customers", int(table.ids[p]))
        data.append(shapes.customer(full, includes))
    return Response(200, {"data": data, "meta": meta}, len(data))


def _cursor_meta(table, chosen: np.ndarray, key: str | None, limit: int, more_before: bool,
                 more_after: bool) -> dict:
    def cur(p) -> str:
        value = None if key is None else table.get(key, int(p))
        return cursors.encode(int(table.ids[p]), value)

    start = cur(chosen[0]) if len(chosen) else None
    end = cur(chosen[-1]) if len(chosen) else None
    links: dict[str, str] = {}
    if more_before and start:
        links["previous"] = f"?limit={limit}&before={quote(start)}"
    if more_after and end:
        links["next"] = f"?limit={limit}&after={quote(end)}"
    return {"count": len(chosen), "per_page": limit, "start_cursor": start, "end_cursor": end, "links": links}


def _children(req: Request, kind: str, key: str) -> Response:
    store = req.store
    page, limit = listing.page_and_limit(req.query, "v3")
    child_ids, owners = store.child_index(kind)
    mask = np.ones(len(child_ids), dtype=bool)
    wanted = id_in(req)
    if wanted is not None:
        mask &= np.isin(child_ids, wanted)
    owners_in = id_in(req, "customer_id:in")
    if owners_in is not None:
        mask &= np.isin(owners, owners_in)
    if kind == "n_attr" and req.query.get("attribute_id:in"):
        mask &= np.isin(child_ids % 100, listing.int_list(req.query["attribute_id:in"], "attribute_id:in", "v3"))
    picked = child_ids[mask]
    chosen = picked[(page - 1) * limit: page * limit]
    data, fulls = [], {}
    formfields = "formfields" in req.includes()
    for cid in chosen:
        owner = int(cid) // 100
        full = fulls.get(owner) or fulls.setdefault(owner, store.full("customers", owner))
        row = next(r for r in full[key] if r["id"] == int(cid))
        data.append(shapes.address(row, formfields) if key == "addresses" else row)
    return v3_list(data, len(picked), limit, page)


def addresses(req: Request) -> Response:
    return _children(req, "n_addr", "addresses")


def attribute_values(req: Request) -> Response:
    return _children(req, "n_attr", "attributes")


def attributes(req: Request) -> Response:
    """GET /v3/customers/attributes: the attribute definitions behind attribute values' attribute_id."""
    page, limit = listing.page_and_limit(req.query, "v3")
    rows = attribute_definitions()
    if req.query.get("name"):
        rows = [r for r in rows if r["name"] == req.query["name"]]
    return v3_list(listing.page_of(rows, req.query, "v3"), len(rows), limit, page)


def attribute_definitions() -> list[dict]:
    types = {"Age": "number", "Shoe size": "number", "Height": "number", "Birthday": "date"}
    return [{"id": k, "name": name, "type": types.get(name, "string"), "date_created": "2020-06-01T09:00:00Z",
             "date_modified": "2020-06-01T09:00:00Z"} for k, name in enumerate(vocab.ATTRIBUTE_NAMES, start=1)]


def subscribers(req: Request) -> Response:
    store = req.store
    table = store.tables["subscribers"]
    page, limit = listing.page_and_limit(req.query, "v3")
    ids = id_in(req)
    if req.query.get("id"):
        ids = (ids or []) + listing.int_list(req.query["id"], "id", "v3")
    pos = listing.select(table, ids=ids, ranges=date_ranges(req))
    chosen = pos[(page - 1) * limit: page * limit]
    data = [store.full("subscribers", int(table.ids[p])) for p in chosen]
    return v3_list(data, len(pos), limit, page)
