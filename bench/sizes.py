"""Store sizes: '10k' orders and the customers, products (and so variants), categories and brands in proportion,
plus the minimum requests a complete sync needs (one per 250 records per listing) and the quota bound.
"""

from __future__ import annotations

import math

from bench.store_process import StoreShape

PAGE = 250
PRO_QUOTA, PRO_WINDOW_S = 450, 30  # BigCommerce Pro plan: 450 requests per 30 s
# The listings a complete bc_pipeline sync reads, and the truth count each pages over.
LISTINGS = ("customers", "subscribers", "orders", "products", "variants", "categories", "brands", "order_statuses")


def parse_size(text: str) -> int:
    """'10k' -> 10_000, '1m' -> 1_000_000, '500' -> 500."""
    t = text.strip().lower()
    mult = {"k": 1_000, "m": 1_000_000}.get(t[-1:], 1)
    number = t[:-1] if mult != 1 else t
    value = int(float(number) * mult)
    if value < 1:
        raise ValueError(f"size must be at least 1 order: {text!r}")
    return value


def shape_for(orders: int) -> StoreShape:
    return StoreShape(
        orders=orders,
        customers=max(10, orders // 4),
        products=max(20, orders // 20),
        categories=12 + orders // 5_000,
        brands=10 + orders // 10_000,
    )


def min_requests(truth: dict[str, int]) -> dict[str, int]:
    """One request per 250 records per listing (at least one request per listing)."""
    return {name: max(1, math.ceil(truth.get(name, 0) / PAGE)) for name in LISTINGS}


def quota_bound_s(requests: int, quota: int = PRO_QUOTA, window_s: float = PRO_WINDOW_S) -> float:
    """The least wall time `requests` can take within a quota (the Pro plan's by default; 0 = no quota)."""
    return requests / (quota / window_s) if quota else 0.0
