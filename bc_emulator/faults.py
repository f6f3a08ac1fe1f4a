"""Injected trouble: server errors (500/502/503), connection resets, slow answers, truncated bodies and latency.

Each authorised request draws once against fault_rate; the kind is drawn uniformly from fault_kinds.
"""

from __future__ import annotations

import random
import socket
import struct
import time
from typing import Any

from bc_emulator.config import EmulatorConfig
from bc_emulator.errors import ApiError

TITLES = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


def pick(cfg: EmulatorConfig) -> str | None:
    if cfg.fault_rate and random.random() < cfg.fault_rate:
        return random.choice(cfg.fault_kinds)
    return None


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
