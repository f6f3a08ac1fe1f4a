"""Completing a stream's records across pages, off the listing's path (the sync engine's side of completion).

Records with capped lists (customers with more than 10 addresses or attributes, orders truncated at 50 line
items per consignment) wait until a batch is full and are completed on a small pool, so completion costs a
few batched requests for the whole listing instead of stalling every page by a request's latency; records
that need nothing go straight to the writer. A completion whose requests do not depend on the batch (orders:
one listing per order, `per_record`) starts what it holds as soon as a worker is idle, so the last orders
found do not wait for the end of the listing.

Nothing here blocks past the writer: every hand-over goes through `put` (the engine's, which gives up when
the run stops), a wait on a batch's completion looks at the same stop event, and the pool's threads are
daemons (bigcommerce/workers.py).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from bc_pipeline.bigcommerce.api import ApiClient
from bc_pipeline.bigcommerce.workers import DaemonExecutor
from bc_pipeline.completion.base import Completion

COMPLETION_WORKERS = 4  # batches completed at once (their requests share the store's quota gate)
WAIT_S = 0.2  # how often a wait looks at the stop event


class Stopped(Exception):
    """The run stopped (the writer is gone): the producer gives up without handing anything over."""


class Completer:
    """Hands `(stream, records, requests)` to `put`: ready records at once, completed ones in batches."""

    def __init__(self, client: ApiClient, stream: str, completion: Completion | None, put: Callable[[tuple], None],
                 stop: threading.Event):
        self.client, self.stream, self.completion, self.put, self.stop = client, stream, completion, put, stop
        self.held: list[dict[str, Any]] = []
        self.pool = DaemonExecutor(COMPLETION_WORKERS, thread_name_prefix=f"bc-complete-{stream}")
        self.running: deque[Future] = deque()

    def add(self, records: list[dict[str, Any]], requests: int) -> None:
        ready = records
        if self.completion is not None:
            ready = [r for r in records if not self.completion.needs(r)]
            if len(ready) < len(records):
                self.held.extend(r for r in records if self.completion.needs(r))
        self.put((self.stream, ready, requests))
        if self.completion is not None and self.held and (len(self.held) >= self.completion.batch
                                                          or (self.completion.per_record and self._idle())):
            self._submit()
        while self.running and (self.running[0].done() or len(self.running) > 2 * COMPLETION_WORKERS):
            self.put((self.stream, self._result(self.running.popleft()), 0))

    def _idle(self) -> bool:
        """Whether a completion worker has nothing to do."""
        return sum(not f.done() for f in self.running) < COMPLETION_WORKERS

    def _submit(self) -> None:
        held, self.held = self.held, []
        self.running.append(self.pool.submit(self.completion.complete, self.client, held))

    def _result(self, future: Future) -> list[dict[str, Any]]:
        while True:
            if self.stop.is_set():
                raise Stopped
            try:
                return future.result(timeout=WAIT_S)
            except FutureTimeout:
                continue

    def drain(self) -> None:
        if self.held:
            self._submit()
        while self.running:
            self.put((self.stream, self._result(self.running.popleft()), 0))

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
