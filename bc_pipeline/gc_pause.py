"""`gc_paused()`: pause Python's cyclic garbage collector around a burst of short-lived containers without
cycles (an emulator page being rendered, a batch being transposed into columns), where its collections
would cost 10-30% of the work. Restores the previous state; re-enables only if it was enabled."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
