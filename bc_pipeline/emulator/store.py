"""Store: the ground truth of one emulated BigCommerce store.

Holds the compact tables (see table.py), the overrides left by mutations (id -> patched internal record),
and generates any record on demand. `records(resource)` returns what the API serves, in id order.
Mutations live in mutations.py and are exposed here as create/update/delete.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from bc_pipeline.emulator import gen_catalog, gen_customers, gen_orders, indexes, shapes, statuses
from bc_pipeline.emulator.config import EmulatorConfig
from bc_pipeline.emulator.table import Table


class Mutation(NamedTuple):
    """One change the store made: resource, id, action (created, updated or deleted; an archived order is
    deleted) and the store time."""

    resource: str
    id: int | str
    action: str
    at: int


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


class Store:
    def __init__(self, cfg: EmulatorConfig) -> None:
        self.seed = cfg.seed
        self.store_hash = cfg.store_hash
        self.store_id = 1_000_000 + cfg.seed % 1_000_000
        self.base_url = "https://api.bigcommerce.com"  # replaced by the server's own URL once it listens
        self.lock = threading.RLock()
        rs = np.random.default_rng(cfg.seed)
        products, variants = indexes.products(cfg, rs)
        self.tables: dict[str, Table] = {
            "customers": indexes.customers(cfg, rs),
            "subscribers": indexes.subscribers(cfg, rs),
            "orders": indexes.orders(cfg, rs),
            "products": products,
            "variants": variants,
            "categories": indexes.simple(cfg.categories),
            "brands": indexes.simple(cfg.brands),
        }
        self.overrides: dict[str, dict[int, dict[str, Any]]] = {name: {} for name in self.tables}
        # Generated records depend only on (seed, id) and columns that mutations replace with overrides, so
        # a bounded LRU of them is always valid. Callers must treat returned records as read-only.
        self._generated: dict[str, OrderedDict[int, dict[str, Any]]] = {n: OrderedDict() for n in self.tables}
        self._cache: dict[str, tuple[int, Any]] = {}
        self._last_now = 0
        self.webhook_dir: Path | None = cfg.emit_webhooks_to
        self._webhook_seq = 0
        self.mutation_log: list[Mutation] = []  # every create/update/delete, in order (tests' ground truth)
        self.carts: dict[str, dict[str, Any]] = {}  # open carts by UUID (carts.py)
        self.gone_carts: dict[str, str] = {}  # converted or expired carts: GET answers 404

    @property
    def v2_base(self) -> str:
        """'{base_url}/stores/{hash}/v2': the prefix of the link urls v2 records carry."""
        return f"{self.base_url}/stores/{self.store_hash}/v2"

    # -- time ---------------------------------------------------------------------------------------
    def now(self) -> int:
        """The store's clock (wall clock seconds, never before the newest generated date)."""
        self._last_now = max(int(time.time()), indexes.T1 + 1, self._last_now)
        return self._last_now

    # -- single records -----------------------------------------------------------------------------
    def full(self, resource: str, rid: int) -> dict[str, Any] | None:
        """The internal record (every sub-list), or None if it does not exist or was deleted.
        Treat it as read-only (it may be shared with the cache)."""
        with self.lock:
            return self._full(resource, rid)

    def _full(self, resource: str, rid: int) -> dict[str, Any] | None:
        table = self.tables[resource]
        if table.live_pos(rid) is None:
            return None
        patched = self.overrides[resource].get(rid)
        if patched is not None:
            if resource == "products":  # variants are their own records; embed their current state
                patched = dict(patched)
                patched["variants"] = [v for v in (self.full("variants", x) for x in self.variant_ids(rid)) if v]
            return patched
        cache = self._generated[resource]
        record = cache.get(rid)
        if record is None:
            record = GENERATORS[resource](self, rid)
            cache[rid] = record
            if len(cache) > GENERATED_CACHE:
                cache.popitem(last=False)
        else:
            cache.move_to_end(rid)
        return record

    def first_variant(self, pid: int) -> int:
        t = self.tables["products"]
        i = t.pos(pid)
        return int(t.col("var_start")[i]) if i is not None else 0

    def variant_ids(self, pid: int) -> list[int]:
        """Live variant ids of a product, in id order."""
        with self.lock:
            return self._variant_ids(pid)

    def _variant_ids(self, pid: int) -> list[int]:
        vt = self.tables["variants"]
        key = "variants_by_product"
        cached = self._cache.get(key)
        if cached is None or cached[0] != vt.version:
            live = vt.live()
            prods = vt.col("product_id")[live]
            order = np.argsort(prods, kind="stable")
            cached = (vt.version, (prods[order], vt.ids[live][order]))
            self._cache[key] = cached
        prods, ids = cached[1]
        lo, hi = np.searchsorted(prods, pid), np.searchsorted(prods, pid, side="right")
        return [int(x) for x in ids[lo:hi]]

    def child_index(self, kind: str) -> tuple[np.ndarray, np.ndarray]:
        """(child ids, owner customer ids) of every live customer address ('n_addr') or attribute value
        ('n_attr'), in id order. Child ids are customer_id*100 + k."""
        with self.lock:
            return self._child_index(kind)

    def _child_index(self, kind: str) -> tuple[np.ndarray, np.ndarray]:
        t = self.tables["customers"]
        cached = self._cache.get(kind)
        if cached is None or cached[0] != t.version:
            live = t.live()
            counts = t.col(kind)[live].astype(np.int64)
            owners = np.repeat(t.ids[live], counts)
            starts = np.repeat(np.cumsum(counts) - counts, counts)
            ks = np.arange(len(owners), dtype=np.int64) - starts + 1
            cached = (t.version, (owners * 100 + ks, owners))
            self._cache[kind] = cached
        return cached[1]

    # -- ground truth ------------------------------------------------------------------------------
    def records(self, resource: str) -> list[dict[str, Any]]:
        """Every current record exactly as the API serves it (with every include), in id order."""
        if resource not in RESOURCES:
            raise ValueError(f"unknown resource {resource!r}; one of {RESOURCES}")
        with self.lock:
            if resource == "order_statuses":
                return statuses.order_statuses()
            base = resource
            if resource.startswith("customer_"):
                base = "customers"
            elif resource.startswith("order_"):
                base = "orders"
            table = self.tables[base]
            fulls = [self.full(base, int(rid)) for rid in table.ids[table.live()]]
            return self._project(resource, [f for f in fulls if f is not None])

    def _project(self, resource: str, fulls: list[dict[str, Any]]) -> list[dict[str, Any]]:
        v2 = self.v2_base
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

    # -- mutations (see mutations.py) -----------------------------------------------------------------
    def create(self, resource: str, **fields: Any) -> int:
        from bc_pipeline.emulator import mutations
        return mutations.create(self, resource, fields)

    def update(self, resource: str, rid: int, **fields: Any) -> None:
        from bc_pipeline.emulator import mutations
        mutations.update(self, resource, rid, fields)

    def delete(self, resource: str, rid: int) -> None:
        from bc_pipeline.emulator import mutations
        mutations.delete(self, resource, rid)

    # -- carts (see carts.py) --------------------------------------------------------------------------
    def create_cart(self, customer_id: int | None = None) -> str:
        from bc_pipeline.emulator import carts
        return carts.create(self, customer_id)

    def abandon_cart(self, cart_id: str) -> None:
        from bc_pipeline.emulator import carts
        carts.abandon(self, cart_id)

    def convert_cart(self, cart_id: str) -> int:
        from bc_pipeline.emulator import carts
        return carts.convert(self, cart_id)

    def expire_cart(self, cart_id: str) -> None:
        from bc_pipeline.emulator import carts
        carts.expire(self, cart_id)

    def log_mutation(self, resource: str, rid: int | str, action: str) -> None:
        self.mutation_log.append(Mutation(resource, rid, action, self.now()))

    def count(self, resource: str) -> int:
        """Live records of a resource."""
        return int((~self.tables[resource].col("deleted")).sum())
