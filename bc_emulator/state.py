"""StoreState: the data of one emulated BigCommerce store, with no knowledge of how records are made.

The compact tables (see table.py), the overrides left by mutations (id -> patched internal record), the
caches, the store's clock and its mutation log. The layers above take a StoreState: records.py generates and
projects records from it, mutations.py and carts.py change it, and store.py puts them behind one object.
Nothing here imports those layers, so the emulator's modules form no import cycle.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from bc_emulator import indexes
from bc_emulator.config import EmulatorConfig
from bc_emulator.table import Table


class Mutation(NamedTuple):
    """One change the store made: resource, id, action (created, updated or deleted; an archived order is
    deleted) and the store time."""

    resource: str
    id: int | str
    action: str
    at: int


class StoreState:
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
        # a bounded LRU of them is always valid (records.py fills it). Callers treat its records as read-only.
        self.generated: dict[str, OrderedDict[int, dict[str, Any]]] = {n: OrderedDict() for n in self.tables}
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

    def log_mutation(self, resource: str, rid: int | str, action: str) -> None:
        self.mutation_log.append(Mutation(resource, rid, action, self.now()))

    # -- indexes over the tables ----------------------------------------------------------------------
    def count(self, resource: str) -> int:
        """Live records of a resource."""
        return int((~self.tables[resource].col("deleted")).sum())

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
