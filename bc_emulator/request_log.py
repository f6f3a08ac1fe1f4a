"""The request log: one entry per request served, readable by tests and benchmarks (thread-safe)."""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestLogEntry:
    method: str
    path: str  # the full path as requested, without the query string
    query: dict[str, str]
    status: int  # 0 when the connection was reset without a response
    latency_ms: float
    ts: float  # epoch seconds when the request arrived


class RequestLog:
    def __init__(self) -> None:
        self._entries: list[RequestLogEntry] = []
        self._lock = threading.Lock()

    def add(self, entry: RequestLogEntry) -> None:
        with self._lock:
            self._entries.append(entry)

    def entries(self) -> list[RequestLogEntry]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
