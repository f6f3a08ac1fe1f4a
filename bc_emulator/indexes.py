"""Build the compact tables of a store from its config, vectorised with numpy (seconds for 1M orders).

Per resource only ids, dates and the few keys that filters, sorts and cross-record consistency need.
Some rows are pinned so every store shows the awkward cases (all 15 statuses, >50 line items, >10 addresses,
non-ASCII names) as long as it is big enough to hold them.
"""

from __future__ import annotations

import numpy as np

from bc_emulator import vocab
from bc_emulator.config import DATA_END, DATA_START, EmulatorConfig
from bc_emulator.table import Table
from bc_emulator.timefmt import epoch

T0, T1 = epoch(DATA_START), epoch(DATA_END)
# status ids 0..14 and their weights for generated orders (after the first 15, which get one each)
STATUS_WEIGHTS = np.array([2, 4, 18, 3, 3, 3, 2, 6, 2, 4, 24, 22, 1, 1, 3], dtype=float)


def _dates(rs: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    created = np.sort(rs.integers(T0, T1 - 86400, n, dtype=np.int64))
    offset = rs.exponential(30 * 86400, n).astype(np.int64)
    offset[rs.random(n) < 0.3] = 0
    modified = np.minimum(created + offset, T1)
    return created, modified


def customers(cfg: EmulatorConfig, rs: np.random.Generator) -> Table:
    n = cfg.customers
    created, modified = _dates(rs, n)
    n_addr = rs.choice([0, 1, 1, 1, 2, 2, 3, 4], n).astype(np.int16)
    n_attr = rs.choice([0, 0, 1, 1, 2, 3], n).astype(np.int16)
    many = rs.random(n) < 0.02
    n_addr[many] = rs.integers(11, 15, int(many.sum()))
    n_attr[many] = rs.integers(11, 14, int(many.sum()))
    first = rs.integers(0, len(vocab.FIRST_NAMES), n).astype(np.int16)
    last = rs.integers(0, len(vocab.LAST_NAMES), n).astype(np.int16)
    for i, (fn, ln) in enumerate(vocab.SPECIAL_NAMES[: n]):
        first[i], last[i] = vocab.FIRST_NAMES.index(fn), vocab.LAST_NAMES.index(ln)
    if n > 2:  # customer 3 always shows the cap of 10 embedded addresses/attributes
        n_addr[2], n_attr[2] = 12, 12
    last_name = np.array(vocab.LAST_NAMES, dtype=object)[last]
    return Table({
        "id": np.arange(1, n + 1, dtype=np.int64), "created": created, "modified": modified,
        "n_addr": n_addr, "n_attr": n_attr, "first": first, "last": last, "last_name": last_name,
    })


def subscribers(cfg: EmulatorConfig, rs: np.random.Generator) -> Table:
    n = cfg.n_subscribers
    created, modified = _dates(rs, n)
    cust = np.zeros(n, dtype=np.int32)
    if cfg.customers:
        k = min(n, int(cfg.customers * 0.6))
        picks = rs.choice(np.arange(1, cfg.customers + 1), k, replace=False)
        slots = rs.choice(n, k, replace=False)
        cust[slots] = picks
    return Table({"id": np.arange(1, n + 1, dtype=np.int64), "created": created, "modified": modified,
                  "cust": cust})


def orders(cfg: EmulatorConfig, rs: np.random.Generator) -> Table:
    n = cfg.orders
    created, modified = _dates(rs, n)
    status = rs.choice(15, n, p=STATUS_WEIGHTS / STATUS_WEIGHTS.sum()).astype(np.int8)
    status[: min(n, 15)] = np.arange(min(n, 15))
    customer = np.zeros(n, dtype=np.int32)
    if cfg.customers:
        customer = rs.integers(1, cfg.customers + 1, n).astype(np.int32)
        customer[rs.random(n) < 0.15] = 0
    n_items = rs.choice([1, 1, 1, 2, 2, 3, 4, 5], n).astype(np.int16)
    big = rs.random(n) < 0.003
    n_items[big] = rs.integers(51, 131, int(big.sum()))
    n_ship = np.ones(n, dtype=np.int8)
    multi = rs.random(n) < 0.1
    n_ship[multi] = rs.integers(2, 4, int(multi.sum()))
    for pos, items, ships in ((6, 75, 1), (10, 120, 2), (4, 3, 3)):  # pinned awkward orders
        if n > pos:
            n_items[pos], n_ship[pos] = items, ships
    kind = consignment_kinds(cfg.seed, n_items)
    n_ship = np.minimum(n_ship, n_items).astype(np.int8)
    currency = rs.choice(len(vocab.CURRENCIES), n, p=[0.6, 0.15, 0.1, 0.1, 0.05]).astype(np.int8)
    archived = rs.random(n) < 0.03
    if n > 8:
        archived[8] = True
    return Table({
        "id": np.arange(1, n + 1, dtype=np.int64), "created": created, "modified": modified,
        "status": status, "customer": customer, "n_items": n_items, "n_ship": n_ship,
        "currency": currency, "coupon": rs.random(n) < 0.2, "archived": archived, "kind": kind,
    })


CONSIGNMENT_KINDS = ("shipping", "pickups", "downloads", "gift_certificates")
KIND_WEIGHTS = np.array([88, 5, 4, 3], dtype=float)
PINNED_KINDS = ((12, 1, 60), (13, 2, 55), (14, 3, 52))  # (position, kind, line items): one truncated order each


def consignment_kinds(seed: int, n_items: np.ndarray) -> np.ndarray:
    """Each order's one consignment kind (index into CONSIGNMENT_KINDS), from a generator of its own so the
    other columns stay the same; orders 1-12 are shipped, and orders 13-15 are pinned above the 50-item cap
    in each non-shipping kind."""
    n = len(n_items)
    kind = np.random.default_rng([seed, 7]).choice(4, n, p=KIND_WEIGHTS / KIND_WEIGHTS.sum()).astype(np.int8)
    kind[:12] = 0  # orders 1-12 (the pinned awkward ones among them) stay shipped
    for pos, k, items in PINNED_KINDS:
        if n > pos:
            kind[pos], n_items[pos] = k, items
    return kind


def products(cfg: EmulatorConfig, rs: np.random.Generator) -> tuple[Table, Table]:
    n = cfg.products
    created, modified = _dates(rs, n)
    price = rs.integers(100, 50000, n, dtype=np.int64) * 100
    n_var = rs.choice([1, 1, 2, 3, 4, 6, 8], n).astype(np.int16)
    var_start = np.concatenate([[1], 1 + np.cumsum(n_var[:-1], dtype=np.int64)]).astype(np.int64)
    names = np.array([f"{vocab.ADJECTIVES[i % 15]} {vocab.NOUNS[(i // 15) % 15]} {i + 1:04d}" for i in
                      rs.permutation(n)], dtype=object) if n else np.array([], dtype=object)
    brand = rs.integers(0, cfg.brands + 1, n).astype(np.int32) if cfg.brands else np.zeros(n, np.int32)
    prod = Table({
        "id": np.arange(1, n + 1, dtype=np.int64), "created": created, "modified": modified,
        "price": price, "n_var": n_var, "var_start": var_start, "visible": rs.random(n) >= 0.1, "brand": brand, "name": names,
        "name0": names.copy(),  # the name at generation time: what generated order line items show
    })
    total = int(n_var.sum())
    var_product = np.repeat(np.arange(1, n + 1, dtype=np.int64), n_var)
    var_k = (np.arange(total, dtype=np.int64) - np.repeat(var_start - 1, n_var)).astype(np.int16)
    var = Table({"id": np.arange(1, total + 1, dtype=np.int64), "product_id": var_product, "k": var_k})
    return prod, var


def simple(n: int) -> Table:
    """Categories and brands: small, only ids (parent ids are derived from the id)."""
    return Table({"id": np.arange(1, n + 1, dtype=np.int64)})
