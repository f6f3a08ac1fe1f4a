"""A small executor whose threads never hold the process open.

`concurrent.futures.ThreadPoolExecutor` joins its threads when the interpreter exits (its threads are not
daemons since Python 3.9): a worker inside an HTTP request, a retry back-off or a quota wait then delays the
exit of an interrupted sync by as long as that takes (up to the read timeout, or a 429's reset time). The
workers here are daemon threads: when the process is told to stop (SIGINT, SIGTERM) and the writer has rolled
back, exit is immediate. Nothing is lost by abandoning them: they only fetch, and only the writer thread
commits. Same contract as ThreadPoolExecutor for what the package uses: `submit` -> Future, `shutdown`.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

_STOP = None


class DaemonExecutor:
    def __init__(self, max_workers: int, thread_name_prefix: str) -> None:
        self.max_workers = max(1, max_workers)
        self.prefix = thread_name_prefix
        self._work: queue.SimpleQueue = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._idle = threading.Semaphore(0)
        self._lock = threading.Lock()

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> Future:
        future: Future = Future()
        self._work.put((future, fn, args))
        with self._lock:
            if not self._idle.acquire(blocking=False) and len(self._threads) < self.max_workers:
                thread = threading.Thread(target=self._serve, name=f"{self.prefix}_{len(self._threads)}",
                                          daemon=True)
                self._threads.append(thread)
                thread.start()
        return future

    def _serve(self) -> None:
        while True:
            item = self._work.get()
            if item is _STOP:
                return
            future, fn, args = item
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn(*args))
                except BaseException as exc:  # handed to whoever waits on the future
                    future.set_exception(exc)
            del item, future, fn, args
            self._idle.release()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop the workers once their current task ends; `wait` joins them (never on an interrupt path)."""
        if cancel_futures:
            while True:
                try:
                    item = self._work.get_nowait()
                except queue.Empty:
                    break
                if item is not _STOP:
                    item[0].cancel()
        with self._lock:
            threads = list(self._threads)
        for _ in threads:
            self._work.put(_STOP)
        if wait:
            for thread in threads:
                thread.join()
