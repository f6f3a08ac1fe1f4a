"""EmulatorConfig: every knob of the local BigCommerce store, with small, fast defaults.

One dataclass so the Python API, the CLI flags and the docs (docs/emulator.md) name the same things.
All realism knobs (latency, faults, shedding, background mutation) are off by default.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

FAULT_KINDS = ("500", "502", "503", "reset", "slow", "truncated")

# Generated timestamps are spread over this fixed range (UTC, inclusive), whatever the wall clock says.
DATA_START = "2021-01-01T00:00:00+00:00"
DATA_END = "2025-10-31T23:59:59+00:00"


@dataclass
class EmulatorConfig:
    """Sizes, credentials, HTTP binding and realism knobs of one emulated store."""

    seed: int = 42
    customers: int = 200
    orders: int = 500
    products: int = 80
    subscribers: int | None = None  # None: about 60% of customers plus 20% non-customers
    categories: int = 12
    brands: int = 10
    store_hash: str = "emustore42"
    access_token: str | None = None  # None: derived from the seed (printed by the CLI)
    host: str = "127.0.0.1"
    port: int = 0  # 0: an ephemeral port
    quota: int | None = 150  # requests per window; None = unlimited
    window_ms: int = 3000  # the Standard plan's 150 per 30 s, sped up 10x
    latency_ms: tuple[float, float] = (0.0, 0.0)  # uniform per-request latency range
    latency_per_record_ms: float = 0.0
    fault_rate: float = 0.0  # share of authorised requests answered with a fault
    fault_kinds: tuple[str, ...] = FAULT_KINDS
    slow_ms: int = 35_000  # how long a "slow" fault stalls before answering (past a 30 s read timeout)
    shed_rate: float = 0.0  # share of requests answered with a header-less 429 (load shedding)
    mutation_rate: float = 0.0  # background writer: mutations per second while serving
    emit_webhooks_to: Path | None = None
    extra_tokens: dict[str, tuple[str, ...]] = field(default_factory=dict)  # token -> scopes

    def __post_init__(self) -> None:
        for name in ("customers", "orders", "products", "categories", "brands"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0")
        if self.quota is not None and self.quota < 1:
            raise ValueError("quota must be >= 1 or None (unlimited)")
        if self.window_ms < 1:
            raise ValueError("window_ms must be >= 1")
        lo, hi = self.latency_ms
        if lo < 0 or hi < lo:
            raise ValueError("latency_ms must be (min, max) with 0 <= min <= max")
        for name in ("fault_rate", "shed_rate"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1")
        self.fault_kinds = tuple(str(k) for k in self.fault_kinds)  # 500 and "500" alike
        unknown = set(self.fault_kinds) - set(FAULT_KINDS)
        if unknown or not self.fault_kinds:
            raise ValueError(f"fault_kinds must be a non-empty subset of {FAULT_KINDS}")
        if self.mutation_rate < 0:
            raise ValueError("mutation_rate must be >= 0")
        if self.emit_webhooks_to is not None:
            self.emit_webhooks_to = Path(self.emit_webhooks_to)

    @property
    def n_subscribers(self) -> int:
        if self.subscribers is not None:
            return self.subscribers
        return int(self.customers * 0.6) + max(3, self.customers // 5)

    @property
    def token(self) -> str:
        """The full-access token: the configured one, or one derived from the seed."""
        if self.access_token:
            return self.access_token
        return "emu_" + hashlib.sha1(f"bc-emulator-token:{self.seed}".encode()).hexdigest()[:28]

    def __repr__(self) -> str:  # never show the token
        return (
            f"EmulatorConfig(seed={self.seed}, customers={self.customers}, orders={self.orders}, "
            f"products={self.products}, store_hash={self.store_hash!r}, port={self.port}, quota={self.quota})"
        )
