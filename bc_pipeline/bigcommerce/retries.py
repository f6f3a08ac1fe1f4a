"""Transport retries the library's way: a urllib3 `Retry` on the session's adapter.

5xx (500/502/503/504), connection errors, resets and read timeouts of GET requests are retried by urllib3
with exponential backoff. The retry budget is per call, not per adapter: the client also retries truncated
bodies itself (urllib3 cannot see them) and both must draw from one budget, so the adapter reads the
remaining budget of the calling thread from a thread-local, set around each call by `budget()`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

RETRY_STATUSES = frozenset({500, 502, 503, 504})


def make_retry(total: int, backoff_factor: float, backoff_max: float = 30.0) -> Retry:
    return Retry(
        total=max(0, total), connect=max(0, total), read=max(0, total), status=max(0, total), other=0,
        redirect=0, allowed_methods=frozenset({"GET"}), status_forcelist=RETRY_STATUSES,
        backoff_factor=backoff_factor, backoff_max=backoff_max, backoff_jitter=backoff_factor / 4,
        raise_on_status=False, raise_on_redirect=False, respect_retry_after_header=False,
    )


class BudgetedRetryAdapter(HTTPAdapter):
    """An HTTPAdapter whose urllib3 Retry is the calling thread's remaining budget for this call."""

    def __init__(self, *, backoff_factor: float, default_total: int, **kwargs: Any) -> None:
        self._local = threading.local()
        self._backoff_factor = backoff_factor
        super().__init__(max_retries=make_retry(default_total, backoff_factor), **kwargs)

    @property  # type: ignore[override]
    def max_retries(self) -> Retry:
        override = getattr(self._local, "retry", None)
        return override if override is not None else self._default_retry

    @max_retries.setter
    def max_retries(self, value: Retry) -> None:
        self._default_retry = value

    @contextmanager
    def budget(self, remaining: int) -> Iterator[None]:
        self._local.retry = make_retry(remaining, self._backoff_factor)
        try:
            yield
        finally:
            self._local.retry = None


def retries_used(response: Any) -> int:
    """How many times urllib3 repeated the request that produced `response`."""
    retry = getattr(getattr(response, "raw", None), "retries", None)
    history = getattr(retry, "history", None)
    return len(history) if history else 0
