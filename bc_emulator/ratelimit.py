"""The store-wide request quota per time window, and the four X-Rate-Limit-* headers of every response.

Fixed windows starting at the first request; a 429 does not consume quota. With quota=None the store is
unlimited: headers still appear, showing a quota of 1,000,000,000 that never runs down.
"""

from __future__ import annotations

import math
import threading
import time

UNLIMITED = 1_000_000_000


class RateLimiter:
    def __init__(self, quota: int | None, window_ms: int) -> None:
        self.quota, self.window_ms = quota, window_ms
        self._lock = threading.Lock()
        self._window_start = 0.0
        self._used = 0

    def take(self, consume: bool = True) -> tuple[bool, dict[str, str]]:
        """Consume one unit if available (unless consume=False): (allowed, headers)."""
        now = time.monotonic()
        with self._lock:
            if now - self._window_start >= self.window_ms / 1000:
                self._window_start, self._used = now, 0
            reset_ms = max(1, math.ceil(self.window_ms - (now - self._window_start) * 1000))
            quota = UNLIMITED if self.quota is None else self.quota
            allowed = self.quota is None or self._used < self.quota
            if allowed and consume and self.quota is not None:
                self._used += 1
            left = quota if self.quota is None else self.quota - self._used
        headers = {
            "X-Rate-Limit-Requests-Left": str(left),
            "X-Rate-Limit-Requests-Quota": str(quota),
            "X-Rate-Limit-Time-Reset-Ms": str(reset_ms),
            "X-Rate-Limit-Time-Window-Ms": str(self.window_ms),
        }
        if not allowed:
            headers["X-Retry-After"] = str(max(1, math.ceil(reset_ms / 1000)))
        return allowed, headers
