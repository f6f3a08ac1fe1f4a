"""The route table: (method, api version, path pattern) -> handler, and the OAuth scope each one needs
(scopes.py: a token with the modify scope may also read).

Hooks need no scope ("accessible from the default scope"); /v2/time needs none either (it is the cheap
auth check the docs recommend).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bc_emulator import routes_carts as carts
from bc_emulator import routes_catalog as cat
from bc_emulator import routes_customers as cust
from bc_emulator import routes_customers_v2 as cust2
from bc_emulator import routes_misc as misc
from bc_emulator import routes_orders as orders
from bc_emulator.request import Response
from bc_emulator.scopes import CARTS, CUSTOMERS, INFO, ORDERS, PRODUCTS

Handler = Callable[..., Response]
ROUTES: list[tuple[str, str, re.Pattern[str], Handler, str | None]] = [
    (m, v, re.compile(p + r"/?$"), h, s) for m, v, p, h, s in (
        ("GET", "v3", r"/customers", cust.customers, CUSTOMERS),
        ("GET", "v3", r"/customers/addresses", cust.addresses, CUSTOMERS),
        ("GET", "v3", r"/customers/attribute-values", cust.attribute_values, CUSTOMERS),
        ("GET", "v3", r"/customers/attributes", cust.attributes, CUSTOMERS),
        ("GET", "v3", r"/customers/subscribers", cust.subscribers, CUSTOMERS),
        ("GET", "v2", r"/customers", cust2.customers, CUSTOMERS),
        ("GET", "v2", r"/customers/count", cust2.count, CUSTOMERS),
        ("GET", "v2", r"/customers/(\d+)", cust2.customer, CUSTOMERS),
        ("GET", "v2", r"/customers/(\d+)/addresses", cust2.addresses, CUSTOMERS),
        ("GET", "v2", r"/customers/(\d+)/addresses/count", cust2.address_count, CUSTOMERS),
        ("GET", "v2", r"/customers/(\d+)/addresses/(\d+)", cust2.address, CUSTOMERS),
        ("GET", "v2", r"/orders", orders.orders, ORDERS),
        ("GET", "v2", r"/orders/count", orders.count, ORDERS),
        ("GET", "v2", r"/orders/(\d+)", orders.order, ORDERS),
        ("GET", "v2", r"/orders/(\d+)/products", orders.order_products, ORDERS),
        # also /shippingaddresses: the path in the orders' `shipping_addresses` link, which the real API answers
        ("GET", "v2", r"/orders/(\d+)/shipping_?addresses", orders.order_shipping_addresses, ORDERS),
        ("GET", "v2", r"/orders/(\d+)/coupons", orders.order_coupons, ORDERS),
        ("GET", "v2", r"/order_statuses", orders.order_statuses, ORDERS),
        ("GET", "v2", r"/order_statuses/(\d+)", orders.order_status, ORDERS),
        ("GET", "v3", r"/catalog/products", cat.products, PRODUCTS),
        ("GET", "v3", r"/catalog/products/(\d+)", cat.product, PRODUCTS),
        ("GET", "v3", r"/catalog/products/(\d+)/variants", cat.product_variants, PRODUCTS),
        ("GET", "v3", r"/catalog/variants", cat.variants, PRODUCTS),
        ("GET", "v3", r"/catalog/categories", cat.categories, PRODUCTS),
        ("GET", "v3", r"/catalog/brands", cat.brands, PRODUCTS),
        ("GET", "v3", r"/carts/([0-9A-Za-z-]{1,64})", carts.cart, CARTS),
        ("GET", "v2", r"/time", misc.store_time, None),
        ("GET", "v2", r"/store", misc.store_info, INFO),
        ("GET", "v3", r"/hooks", misc.hooks, None),
        ("POST", "v3", r"/hooks", misc.create_hook, None),
        ("GET", "v3", r"/hooks/(\d+)", misc.get_hook, None),
        ("PUT", "v3", r"/hooks/(\d+)", misc.update_hook, None),
        ("DELETE", "v3", r"/hooks/(\d+)", misc.delete_hook, None),
    )
]


def resolve(method: str, version: str, rest: str) -> tuple[Handler, tuple[str, ...], str | None] | None | str:
    """(handler, path args, scope); "405" if the path exists for another method; None if unknown."""
    other_method = False
    for m, v, pattern, handler, scope in ROUTES:
        if v != version:
            continue
        match = pattern.match(rest)
        if match:
            if m == method:
                return handler, match.groups(), scope
            other_method = True
    return "405" if other_method else None

