"""OAuth scopes: which scope a path needs, and the `check` that tells what the token can read.

The table comes from BigCommerce's API-accounts guide: customers (V2/V3 and subscribers) need
store_v2_customers_read_only, orders and order statuses store_v2_orders_read_only, the catalog
store_v2_products_read_only, /v2/store and /v2/time store_v2_information_read_only, carts (abandoned carts,
fetched by id) store_cart_read_only; webhooks (/v3/hooks) are in the default scope every API account has.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bc_pipeline.bigcommerce.api import ApiClient
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


@dataclass(frozen=True)
class Probe:
    """The cheapest request that proves the token may read a resource."""

    resource: str                        # what `bc-pipeline check` calls it
    path: str
    listing: bool = True                 # a listing, asked for one record (limit=1)
    readable_when_missing: bool = False  # an item path with an id no store has: 404 proves the scope


STORE_PROBE = Probe("store information", "/v2/store", listing=False)
WEBHOOKS_PROBE = Probe("webhooks", "/v3/hooks")


def check_access(client: ApiClient, probes: Iterable[Probe]) -> list[AccessResult]:
    """One request per probe (the registry, bc_pipeline/streams.py, lists them). A 401 is raised at once
    (nothing else is worth checking); other failures (store not found, unreachable, unavailable) propagate too."""
    results: list[AccessResult] = []
    for probe in probes:
        resource, path = probe.resource, probe.path
        try:
            client.get_json(path, {"limit": 1} if probe.listing else None)
        except AuthError:
            raise
        except ScopeError as exc:
            results.append(AccessResult(resource, path, False, exc.status, exc.scope or scope_for_path(path)))
            continue
        except ApiRequestError as exc:
            if probe.readable_when_missing and exc.status == 404:  # may read it; this one does not exist
                results.append(AccessResult(resource, path, True, 404, None))
            else:
                results.append(AccessResult(resource, path, False, exc.status, None))
            continue
        results.append(AccessResult(resource, path, True, 200, None))
    return results
