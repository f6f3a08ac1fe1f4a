"""A shared quota gate: paces every request to one store (its per-stream clients share one gate) by
BigCommerce's rate-limit headers.

Every response carries X-Rate-Limit-Requests-Left / -Requests-Quota / -Time-Reset-Ms / -Time-Window-Ms.
The gate keeps what they say of the current window. Within one window the requests left only go down, so the
lowest value seen wins (and the earliest reset time: each is read on the answer's arrival, so each is late
by its way back): threads release their responses out of order, and a late response's higher count is
stale (taking it let a few requests too many go out at each window's end, and each met a 429). A response
whose reset time falls in the window that already ended is ignored; one whose reset time is half a window or
more later than the known one opens the next window. Without X-Rate-Limit-Time-Window-Ms there is no telling
windows apart, and the latest values win. Before a request it checks the known requests left minus the
requests already in flight, and the share of the window kept for the store's other apps (`reserve_percent`
of the quota: the quota is shared by every app on the store, and a sync that bursts each window whole leaves
them nothing until its reset); when that is exhausted it waits until the known reset time, and no longer. A 429 waits
exactly the reset time it was given (or X-Retry-After seconds); a 429 without those headers (platform
load shedding) backs off exponentially with jitter. Each wait is returned to the client that waited, which
counts it in its own stats. The clock and sleeper are injectable so that tests can
assert the waits without wall time.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bc_pipeline.config import MAX_QUOTA_RESERVE_PERCENT


def _header(headers: Mapping[str, str], name: str) -> float | None:
    """A numeric header, looked up case-insensitively; None when absent or not a number."""
    lower = name.lower()
    for key, value in headers.items():
        if key.lower() == lower:
            try:
                return float(value)
            except (TypeError, ValueError):
                return None
    return None


@dataclass(frozen=True)
class RateLimitHeaders:
    left: int | None
    quota: int | None
    reset_ms: float | None
    window_ms: float | None
    retry_after_s: float | None

    @classmethod
    def parse(cls, headers: Mapping[str, str]) -> RateLimitHeaders:
        left = _header(headers, "X-Rate-Limit-Requests-Left")
        quota = _header(headers, "X-Rate-Limit-Requests-Quota")
        return cls(
            left=None if left is None else int(left),
            quota=None if quota is None else int(quota),
            reset_ms=_header(headers, "X-Rate-Limit-Time-Reset-Ms"),
            window_ms=_header(headers, "X-Rate-Limit-Time-Window-Ms"),
            retry_after_s=_header(headers, "X-Retry-After"),
        )


class QuotaGate:
    """Thread-safe pacing state shared by all threads of one client."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic,
                 sleeper: Callable[[float], None] = time.sleep,
                 backoff_base_s: float = 0.5, backoff_max_s: float = 30.0, reserve_percent: int = 0) -> None:
        if not 0 <= reserve_percent <= MAX_QUOTA_RESERVE_PERCENT:
            raise ValueError(f"reserve_percent {reserve_percent} is not 0 to {MAX_QUOTA_RESERVE_PERCENT}")
        self.clock = clock
        self.reserve_percent = reserve_percent
        self.sleeper = sleeper
        self.backoff_base_s = backoff_base_s
        self.backoff_max_s = backoff_max_s
        self._lock = threading.Lock()
        self._left: int | None = None
        self._quota: int | None = None
        self._window_s: float | None = None  # the window's length, as the headers last gave it
        self._reset_at: float | None = None
        self._ended_at: float | None = None  # when the last window known to have turned over ended
        self._in_flight = 0
        self.throttled_seconds = 0.0
        self.sleeps: list[float] = []  # every wait the gate made, in seconds (for stats and tests)

    def sleep(self, seconds: float) -> float:
        """Wait `seconds` (counted as throttled); returns them, for the waiting client's own stats (the gate is
        shared by every stream's client, so it cannot tell them itself)."""
        if seconds <= 0:
            return 0.0
        with self._lock:
            self.throttled_seconds += seconds
            self.sleeps.append(seconds)
        self.sleeper(seconds)
        return seconds

    def acquire(self) -> float:
        """Wait (only) while the known quota is used up, then count one request in flight; returns the seconds
        waited."""
        waited = 0.0
        while True:
            with self._lock:
                now = self.clock()
                if self._reset_at is not None and now >= self._reset_at:
                    # The window has turned over: the whole quota is available again (or unknown).
                    self._left, self._reset_at, self._ended_at = self._quota, None, self._reset_at
                if self._left is None or self._usable() > 0 or self._reset_at is None:
                    self._in_flight += 1
                    return waited
                wait = self._reset_at - now
            waited += self.sleep(wait)

    def _usable(self) -> int:
        """Requests this client may still send in the window (under the lock): what is left, less those in
        flight and the share kept for the store's other apps."""
        reserve = math.ceil((self._quota or 0) * self.reserve_percent / 100)
        return (self._left or 0) - self._in_flight - reserve

    def release(self, headers: Mapping[str, str] | None) -> None:
        """Count the request done and learn the quota from its response headers (if any)."""
        with self._lock:
            self._in_flight = max(0, self._in_flight - 1)
            if headers is not None:
                self._learn(RateLimitHeaders.parse(headers))

    def _learn(self, rl: RateLimitHeaders) -> None:
        if rl.quota is not None:
            self._quota = rl.quota
        if rl.window_ms is not None:
            self._window_s = rl.window_ms / 1000.0
        if rl.reset_ms is None:
            if rl.left is not None:
                self._left = rl.left
            return
        reset_at = self.clock() + rl.reset_ms / 1000.0
        half = (rl.window_ms or 0) / 2000.0
        if half and self._reset_at is None and self._ended_at is not None and reset_at <= self._ended_at + half:
            return  # answered in the window that has already turned over: says nothing of this one
        if half and self._reset_at is not None:
            if reset_at < self._reset_at - half:
                return  # from an earlier window
            if reset_at <= self._reset_at + half and rl.left is not None and self._left is not None:
                # The same window: a higher count is stale, and every reset estimate is late by the answer's
                # way back (it is read on arrival), so the earliest is the closest.
                self._left = min(self._left, rl.left)
                self._reset_at = min(self._reset_at, reset_at)
                return
        if rl.left is not None:
            self._left = rl.left
        self._reset_at = reset_at

    def wait_after_429(self, headers: Mapping[str, str], attempt: int) -> float:
        """Wait as a 429 asks: its reset time exactly, else X-Retry-After, else backoff with jitter."""
        rl = RateLimitHeaders.parse(headers)
        if rl.reset_ms is not None:
            wait = rl.reset_ms / 1000.0
        elif rl.retry_after_s is not None:
            wait = rl.retry_after_s
        else:
            wait = min(self.backoff_max_s, self.backoff_base_s * (2 ** attempt))
            wait = wait / 2 + random.uniform(0, wait / 2)
        with self._lock:
            if rl.reset_ms is not None or rl.retry_after_s is not None:
                # Hold back the other threads until the same reset time.
                self._left = 0
                self._reset_at = self.clock() + wait
                if rl.quota is not None:
                    self._quota = rl.quota
        return self.sleep(wait)

    def allowed_workers(self, max_workers: int) -> int:
        """How many concurrent workers the remaining quota allows (1..max_workers)."""
        with self._lock:
            if self._left is None:
                return max_workers
            return max(1, min(max_workers, self._usable()))

    def snapshot(self) -> dict[str, float | int | None]:
        with self._lock:
            return {"left": self._left, "quota": self._quota, "window_s": self._window_s, "in_flight": self._in_flight,
                    "reset_in_s": None if self._reset_at is None else self._reset_at - self.clock()}
