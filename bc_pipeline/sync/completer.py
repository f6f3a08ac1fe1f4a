"""Completing records across pages, off the listing's path.

Records with capped lists (customers with more than 10 addresses or attributes, orders truncated at 50 line
items per consignment) wait until a batch is full and are completed on a small pool, so completion costs a
few batched requests for the whole listing instead of stalling every page by a request's latency; records
that need nothing go straight to the writer.
"""

from __future__ import annotations

import queue
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from bc_pipeline.bigcommerce.client import BigCommerceClient
from bc_pipeline.bigcommerce.completion import BATCH, complete_records, needs_completion

COMPLETION_WORKERS = 4  # batches completed at once (their requests share the store's quota gate)


class Completer:
    """Puts `(stream, records, requests)` on `out`: ready records at once, completed ones in batches."""

    def __init__(self, client: BigCommerceClient, stream: str, out: queue.Queue):
        self.client, self.stream, self.out = client, stream, out
        self.held: list[dict[str, Any]] = []
        self.batch = BATCH.get(stream, 0)
        self.pool = ThreadPoolExecutor(COMPLETION_WORKERS, thread_name_prefix=f"bc-complete-{stream}")
        self.running: deque[Future] = deque()

    def add(self, records: list[dict[str, Any]], requests: int) -> None:
        ready = [r for r in records if not needs_completion(self.stream, r)] if self.batch else records
        if len(ready) < len(records):
            self.held.extend(r for r in records if needs_completion(self.stream, r))
        self.out.put((self.stream, ready, requests))
        if self.batch and len(self.held) >= self.batch:
            self._submit()
        while self.running and (self.running[0].done() or len(self.running) > 2 * COMPLETION_WORKERS):
            self.out.put((self.stream, self.running.popleft().result(), 0))

    def _submit(self) -> None:
        held, self.held = self.held, []
        self.running.append(self.pool.submit(complete_records, self.client, self.stream, held))

    def drain(self) -> None:
        if self.held:
            self._submit()
        while self.running:
            self.out.put((self.stream, self.running.popleft().result(), 0))

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
