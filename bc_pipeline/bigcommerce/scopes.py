"""OAuth scopes: which scope a path needs, and the `check` that tells what the token can read.

The table comes from BigCommerce's API-accounts guide: customers (V2/V3 and subscribers) need
store_v2_customers_read_only, orders and order statuses store_v2_orders_read_only, the catalog
store_v2_products_read_only, /v2/store and /v2/time store_v2_information_read_only, carts (abandoned carts,
fetched by id) store_cart_read_only; webhooks (/v3/hooks) are in the default scope every API account has.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bc_pipeline.bigcommerce.errors import (
    ApiRequestError,
    AuthError,
    ScopeError,
)

_SCOPE_BY_PREFIX: tuple[tuple[str, str | None], ...] = (
    ("/v3/customers", "store_v2_customers_read_only"),
    ("/v2/customers", "store_v2_customers_read_only"),
    ("/v2/customer_groups", "store_v2_customers_read_only"),
    ("/v2/orders", "store_v2_orders_read_only"),
    ("/v2/order_statuses", "store_v2_orders_read_only"),
    ("/v3/orders", "store_v2_orders_read_only"),
    ("/v3/catalog", "store_v2_products_read_only"),
    ("/v2/store", "store_v2_information_read_only"),
    ("/v2/time", "store_v2_information_read_only"),
    ("/v3/carts", "store_cart_read_only"),
    ("/v3/hooks", None),
)


def scope_for_path(path: str) -> str | None:
    """The read-only scope to grant for `path` (None: default scope or unknown)."""
    for prefix, scope in _SCOPE_BY_PREFIX:
        if path == prefix or path.startswith(prefix + "/") or path.startswith(prefix + "?"):
            return scope
    return None


@dataclass(frozen=True)
class AccessResult:
    resource: str
    path: str
    readable: bool
    status: int | str | None
    scope_to_grant: str | None


# Carts are read one by one (no listing): a cart that does not exist answers 404 to a token that may read
# carts, 403 to one that may not.
NO_SUCH_CART = "/v3/carts/00000000-0000-4000-8000-000000000000"
# Every resource the pipeline reads, with the cheapest request that proves it is readable.
CHECKED_RESOURCES: tuple[tuple[str, str], ...] = (
    ("store information", "/v2/store"),
    ("customers", "/v3/customers"),
    ("customer addresses", "/v3/customers/addresses"),
    ("customer attribute values", "/v3/customers/attribute-values"),
    ("subscribers", "/v3/customers/subscribers"),
    ("orders", "/v2/orders"),
    ("order statuses", "/v2/order_statuses"),
    ("products", "/v3/catalog/products"),
    ("variants", "/v3/catalog/variants"),
    ("categories", "/v3/catalog/categories"),
    ("brands", "/v3/catalog/brands"),
    ("abandoned carts", NO_SUCH_CART),
    ("webhooks", "/v3/hooks"),
)


def check_access(client: Any) -> list[AccessResult]:
    """One request (limit=1) per resource. A 401 is raised at once (nothing else is worth checking);
    other failures (store not found, unreachable, unavailable) propagate too."""
    results: list[AccessResult] = []
    for resource, path in CHECKED_RESOURCES:
        params = None if path in ("/v2/store", NO_SUCH_CART) else {"limit": 1}
        try:
            client.get_json(path, params)
        except AuthError:
            raise
        except ScopeError as exc:
            results.append(AccessResult(resource, path, False, exc.status, exc.scope or scope_for_path(path)))
            continue
        except ApiRequestError as exc:
            if path == NO_SUCH_CART and exc.status == 404:  # may read carts; this one does not exist
                results.append(AccessResult(resource, path, True, 404, None))
            else:
                results.append(AccessResult(resource, path, False, exc.status, None))
            continue
        results.append(AccessResult(resource, path, True, 200, None))
    return results
