"""Which records of an emulator store a complete download must complete beyond the listings' pages.

The minimum pages (one per 250 records per listing) do not download a store: the API embeds at most 50 line
items per consignment of an order (then marks the order `__warning__`) and at most 10 addresses and 10
attribute values per customer. A client that lands the whole store must ask for the rest, and the API has
no bulk endpoint for an order's line items: one `/v2/orders/{id}/products` per truncated order. Customers'
lists can be asked for many customers at once (`customer_id:in`).

This runs inside the store's process (bench/serve_store.py, command `completions`): the truncated orders are
found by shaping each candidate (more than 50 line items) exactly as the listing serves it, so the answer is
the emulator's own, not a model of it. The floor client (bench/floor.py) turns it into requests.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bc_emulator import Emulator, shapes

EMBEDDED_CUSTOMER_LIST = 10  # addresses / attribute values a customer carries inline
LISTING_INCLUDES = {"consignments.line_items"}  # what the orders listing embeds (bc_pipeline's orders stream)


def completions(emu: Emulator) -> dict[str, list[list[int]]]:
    """[[id, records to fetch], ...] per completion: truncated orders (their line items), customers with
    more addresses or attribute values than came inline."""
    store = emu.store
    return {"order_products": _truncated_orders(emu),
            "customer_addresses": _long_lists(store.tables["customers"], "n_addr"),
            "customer_attribute_values": _long_lists(store.tables["customers"], "n_attr")}


def _truncated_orders(emu: Emulator) -> list[list[int]]:
    store = emu.store
    orders = store.tables["orders"]
    live = orders.live()
    n_items = orders.col("n_items")[live].astype(np.int64)
    out = []
    for oid in orders.ids[live][n_items > shapes.CONSIGNMENT_CAP].tolist():  # only these can be truncated
        full = store.full("orders", int(oid))
        if full is not None and "__warning__" in shapes.order(full, LISTING_INCLUDES, True, store.v2_base):
            out.append([int(oid), len(full.get("_products") or [])])
    return out


def _long_lists(customers: Any, column: str) -> list[list[int]]:
    live = customers.live()
    counts = customers.col(column)[live].astype(np.int64)
    long = counts > EMBEDDED_CUSTOMER_LIST
    return [[int(c), int(n)] for c, n in zip(customers.ids[live][long].tolist(), counts[long].tolist(), strict=True)]
