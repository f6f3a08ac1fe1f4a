"""Injected trouble: server errors (500/502/503), connection resets, slow answers, truncated bodies and latency.

Each request draws its trouble once, on arrival, from its store's own generator seeded by the store's seed:
whether it is shed (shed_rate) and whether it meets a fault (fault_rate; the kind drawn uniformly from
fault_kinds). The n-th request a store serves meets the same trouble on every run with the same seed, however
the requests interleave, so a test that makes n requests meets a known number of faults. A fault is applied
only to a request that passes authentication, the quota and the scope check.
"""

from __future__ import annotations

import random
import socket
import struct
import threading
import time
from typing import Any

from bc_emulator.config import EmulatorConfig
from bc_emulator.errors import ApiError

TITLES = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


class Trouble:
    """The trouble each request of one store meets, drawn in arrival order from a generator seeded by the
    store's seed (three draws per request, whatever the rates, so the sequence never shifts)."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(f"faults:{seed}")
        self._lock = threading.Lock()

    def draw(self, cfg: EmulatorConfig) -> tuple[bool, str | None]:
        """(shed, fault kind or None) for the next request, from the rates in `cfg` now."""
        with self._lock:
            shed_draw, fault_draw, kind_draw = (self._random.random() for _ in range(3))
        shed = bool(cfg.shed_rate) and shed_draw < cfg.shed_rate
        fault = None
        if cfg.fault_rate and fault_draw < cfg.fault_rate:
            fault = cfg.fault_kinds[min(int(kind_draw * len(cfg.fault_kinds)), len(cfg.fault_kinds) - 1)]
        return shed, fault


def error_body(status: int, version: str) -> Any:
    return ApiError(status, TITLES[status], {} if version == "v3" else None).body(version)


def reset(handler: Any) -> None:
    """Drop the connection with a TCP RST (SO_LINGER 0), without a response."""
    try:
        handler.wfile.flush()
    except OSError:
        pass
    sock: socket.socket = handler.connection
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    handler.close_connection = True
    try:
        sock.close()
    except OSError:
        pass


def sleep_latency(cfg: EmulatorConfig, records: int) -> None:
    lo, hi = cfg.latency_ms
    delay = (random.uniform(lo, hi) if hi > 0 else 0.0) + cfg.latency_per_record_ms * records
    if delay > 0:
        time.sleep(delay / 1000)
