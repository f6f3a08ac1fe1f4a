"""Thread-safe request counters of one client (requests, retries, throttled seconds, quota waits, pages, bytes)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass
class RequestStats:
    requests: int = 0          # HTTP requests sent, retries included
    retries: int = 0           # requests repeated after a 5xx, reset, timeout or truncated body
    throttled: int = 0         # 429 responses received
    throttled_seconds: float = 0.0
    pages: int = 0             # listing pages delivered by fetch_pages
    bytes: int = 0             # response body bytes received
    fetch_seconds: float = 0.0  # time in HTTP (request to last body byte), summed over threads
    parse_seconds: float = 0.0  # time decoding JSON bodies, summed over threads
    # wall time during which at least one of this client's threads waited for the quota (a wait that overlaps
    # an earlier one counts only past its end: threads waiting for the same reset are one wait)
    quota_wait_seconds: float = 0.0
    _waited_to: float = field(default=0.0, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, **amounts: float) -> None:
        with self._lock:
            for name, amount in amounts.items():
                setattr(self, name, getattr(self, name) + amount)

    def add_quota_wait(self, start: float, end: float) -> None:
        """A wait for the quota from `start` to `end` (time.monotonic)."""
        with self._lock:
            start = max(start, self._waited_to)
            if end > start:
                self.quota_wait_seconds += end - start
                self._waited_to = end

    def snapshot(self) -> dict[str, float]:
        with self._lock:
            return {"requests": self.requests, "retries": self.retries, "throttled": self.throttled,
                    "throttled_seconds": round(self.throttled_seconds, 3), "pages": self.pages,
                    "bytes": self.bytes, "fetch_seconds": round(self.fetch_seconds, 3),
                    "parse_seconds": round(self.parse_seconds, 3),
                    "quota_wait_seconds": round(self.quota_wait_seconds, 3)}
