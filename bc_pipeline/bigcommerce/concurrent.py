"""Run paging tasks on a thread pool and yield their pages as they complete.

Each task is a function that produces pages by calling `emit(page)`. Pages go through a bounded queue
(memory stays flat), the first failure stops the other tasks and is raised to the consumer, and closing
the consumer's generator early stops the workers too.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

Emit = Callable[[Any], None]
Task = Callable[[Emit], None]
_DONE = object()


class _Stopped(Exception):
    """Raised inside a worker when the consumer has gone away or another task failed."""


def run_tasks(tasks: list[Task], workers: int) -> Iterator[Any]:
    if not tasks:
        return
    workers = max(1, workers)
    out: queue.Queue = queue.Queue(maxsize=max(4, 2 * workers))
    stop = threading.Event()

    def emit(item: Any) -> None:
        while True:
            if stop.is_set():
                raise _Stopped
            try:
                out.put(item, timeout=0.2)
                return
            except queue.Full:
                continue

    def run(task: Task) -> None:
        try:
            task(emit)
        except _Stopped:
            pass
        except BaseException as exc:  # handed to the consumer
            stop.set()
            out.put(exc)
            return
        out.put(_DONE)

    pool = ThreadPoolExecutor(max_workers=min(workers, len(tasks)), thread_name_prefix="bc-page")
    try:
        for task in tasks:
            pool.submit(run, task)
        running = len(tasks)
        while running:
            item = out.get()
            if item is _DONE:
                running -= 1
            elif isinstance(item, BaseException):
                raise item
            else:
                yield item
    finally:
        stop.set()
        while True:  # unblock workers stuck on a full queue
            try:
                out.get_nowait()
            except queue.Empty:
                break
        pool.shutdown(wait=True, cancel_futures=True)
