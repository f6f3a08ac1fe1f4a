"""OAuth scopes: the read-only scope each route needs, the full set a store's main token holds, and the rule
that a modify scope (e.g. store_v2_orders) also reads (store_v2_orders_read_only).

Its own module so that the route table (routes.py) and the tokens of a served store (served.py) share it
without importing each other.
"""

from __future__ import annotations

CUSTOMERS = "store_v2_customers_read_only"
ORDERS = "store_v2_orders_read_only"
PRODUCTS = "store_v2_products_read_only"
INFO = "store_v2_information_read_only"
CARTS = "store_cart_read_only"
ALL_SCOPES = (CUSTOMERS, ORDERS, PRODUCTS, INFO, CARTS)
FULL_SCOPES = frozenset(s.removesuffix("_read_only") for s in ALL_SCOPES) | frozenset(ALL_SCOPES)


def has_scope(granted: frozenset[str], needed: str | None) -> bool:
    if needed is None:
        return True
    return needed in granted or needed.removesuffix("_read_only") in granted
