"""Run paging tasks on a thread pool and yield their pages as they complete.

Each task is `task(emit, pool)`: it produces pages by calling `emit(page)`, and may hand part of its work
to an idle worker with `pool.spawn(task)` (`pool.idle()` says whether one is free). Pages go through a
bounded queue (memory stays flat), the first failure stops the other tasks and is raised to the consumer,
and closing the consumer's generator early stops the workers too: a worker never blocks on the queue (its
puts time out and look at the stop event), and the workers are daemon threads (bigcommerce/workers.py), so
a request still in flight when the consumer goes away (an interrupted sync) never holds the process open.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from typing import Any

from bc_pipeline.bigcommerce.workers import DaemonExecutor

_DONE = object()


class _Stopped(Exception):
    """Raised inside a worker when the consumer has gone away or another task failed."""


class Pool:
    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self.out: queue.Queue = queue.Queue(maxsize=max(4, 2 * self.workers))
        self.stop = threading.Event()
        self._lock = threading.Lock()
        self._running = 0
        self._executor = DaemonExecutor(self.workers, thread_name_prefix="bc-page")

    def idle(self) -> bool:
        with self._lock:
            return self._running < self.workers and not self.stop.is_set()

    def spawn(self, task: Callable[[Callable[[Any], None], Pool], None]) -> None:
        with self._lock:
            self._running += 1
        self._executor.submit(self._run, task)

    def emit(self, item: Any) -> None:
        while True:
            if self.stop.is_set():
                raise _Stopped
            try:
                self.out.put(item, timeout=0.2)
                return
            except queue.Full:
                continue

    def _run(self, task: Callable[[Callable[[Any], None], Pool], None]) -> None:
        try:
            task(self.emit, self)
        except _Stopped:
            pass
        except BaseException as exc:  # handed to the consumer
            self._hand_over(exc)
            self.stop.set()
            return
        self._hand_over(_DONE)

    def _hand_over(self, item: Any) -> None:
        """Put a task's end on the queue unless the consumer has gone away (then nobody needs it)."""
        try:
            self.emit(item)
        except _Stopped:
            pass

    def results(self) -> Iterator[Any]:
        try:
            while True:
                item = self.out.get()
                if item is _DONE:
                    with self._lock:
                        self._running -= 1
                        if self._running == 0:
                            return
                elif isinstance(item, BaseException):
                    raise item
                else:
                    yield item
        finally:
            self.stop.set()
            while True:  # unblock workers stuck on a full queue
                try:
                    self.out.get_nowait()
                except queue.Empty:
                    break
            self._executor.shutdown(wait=False, cancel_futures=True)


def run_tasks(tasks: list, workers: int) -> Iterator[Any]:
    if not tasks:
        return
    pool = Pool(workers)
    for task in tasks:
        pool.spawn(task)
    yield from pool.results()
