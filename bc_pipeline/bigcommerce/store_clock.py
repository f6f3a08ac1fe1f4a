"""The store's clock, asked once per run: later readings are derived from the first, never ahead of it.

GET /v2/time answers whole seconds, read at some moment during the request. A reading `t`, answered at
local monotonic time `m`, means the store's clock at any later local time `n` is at least `t + (n - m)`
(rounded down to the second). Every use of the store's clock in paging wants a time no later than the
store's present (an `until` that changes made during the sync fall after, the start of a slice that is read
again), so that lower bound serves them all and saves a round trip per stream. Readings older than
`MAX_AGE_S` are asked again (the two clocks may drift apart over a long run).
"""

from __future__ import annotations

import math
import threading
import time
from datetime import datetime, timedelta

MAX_AGE_S = 60.0


class StoreClock:
    """Shared by a client and its siblings (one run)."""

    def __init__(self, monotonic=time.monotonic) -> None:
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._reading: tuple[datetime, float] | None = None

    def remember(self, store_time: datetime, answered_at: float) -> None:
        with self._lock:
            self._reading = (store_time, answered_at)

    def lower_bound(self) -> datetime | None:
        """A time the store's clock has certainly reached, or None without a recent reading."""
        with self._lock:
            reading = self._reading
        if reading is None:
            return None
        elapsed = self._monotonic() - reading[1]
        if elapsed > MAX_AGE_S:
            return None
        return reading[0] + timedelta(seconds=math.floor(max(0.0, elapsed)))
