"""Records from a StoreState: generated on demand from (seed, id), or the override a mutation left, and the
ground truth of what the API serves (`served`, every include, in id order).

A function layer between the data (state.py) and what changes it (mutations.py, carts.py): both read
records through here, and store.py exposes them as Store.full and Store.records.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bc_emulator import gen_catalog, gen_customers, gen_orders, shapes, statuses

if TYPE_CHECKING:
    from bc_emulator.state import StoreState

GENERATORS = {
    "customers": gen_customers.customer_full,
    "subscribers": gen_customers.subscriber,
    "orders": gen_orders.order_full,
    "products": gen_catalog.product_full,
    "variants": gen_catalog.variant,
    "categories": gen_catalog.category,
    "brands": gen_catalog.brand,
}
RESOURCES = (
    "customers", "customer_addresses", "customer_attribute_values", "subscribers", "orders", "order_products",
    "order_shipping_addresses", "order_coupons", "products", "variants", "categories", "brands", "order_statuses",
)
GENERATED_CACHE = 5000  # generated records kept per resource
ALL_CUSTOMER_INCLUDES = {"addresses", "attributes", "formfields", "storecredit"}
ALL_PRODUCT_INCLUDES = {"variants", "custom_fields", "options", "images"}


def full(state: StoreState, resource: str, rid: int) -> dict[str, Any] | None:
    """The internal record (every sub-list), or None if it does not exist or was deleted.
    Treat it as read-only (it may be shared with the cache)."""
    with state.lock:
        return _full(state, resource, rid)


def _full(state: StoreState, resource: str, rid: int) -> dict[str, Any] | None:
    table = state.tables[resource]
    if table.live_pos(rid) is None:
        return None
    patched = state.overrides[resource].get(rid)
    if patched is not None:
        if resource == "products":  # variants are their own records; embed their current state
            patched = dict(patched)
            patched["variants"] = [v for v in (_full(state, "variants", x) for x in state.variant_ids(rid)) if v]
        return patched
    cache = state.generated[resource]
    record = cache.get(rid)
    if record is None:
        record = GENERATORS[resource](state, rid)
        cache[rid] = record
        if len(cache) > GENERATED_CACHE:
            cache.popitem(last=False)
    else:
        cache.move_to_end(rid)
    return record


def served(state: StoreState, resource: str) -> list[dict[str, Any]]:
    """Every current record exactly as the API serves it (with every include), in id order."""
    if resource not in RESOURCES:
        raise ValueError(f"unknown resource {resource!r}; one of {RESOURCES}")
    with state.lock:
        if resource == "order_statuses":
            return statuses.order_statuses()
        base = resource
        if resource.startswith("customer_"):
            base = "customers"
        elif resource.startswith("order_"):
            base = "orders"
        table = state.tables[base]
        fulls = [_full(state, base, int(rid)) for rid in table.ids[table.live()]]
        return _project(state, resource, [f for f in fulls if f is not None])


def _project(state: StoreState, resource: str, fulls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    v2 = state.v2_base
    if resource == "customers":
        return [shapes.customer(f, ALL_CUSTOMER_INCLUDES) for f in fulls]
    if resource == "customer_addresses":
        return [shapes.address(a, True) for f in fulls for a in f["addresses"]]
    if resource == "customer_attribute_values":
        return [a for f in fulls for a in f["attributes"]]
    if resource == "orders":
        return [shapes.order(f, {"consignments.line_items"}, True, v2) for f in fulls]
    if resource == "order_products":
        return [p for f in fulls for p in f["_products"]]
    if resource == "order_shipping_addresses":
        return [s for f in fulls for s in f["_shipping"]]
    if resource == "order_coupons":
        return [c for f in fulls for c in f["_coupons"]]
    if resource == "products":
        return [shapes.product(f, ALL_PRODUCT_INCLUDES) for f in fulls]
    return fulls
