"""Pauses of Python's cyclic garbage collector around bursts of short-lived containers without cycles, where
its collections are pure cost (they find nothing to free): `gc_paused()` (a batch being transposed into
columns; the emulator's, which renders pages with it: one definition for both) and `gc_relaxed()`."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from bc_emulator.gc_pause import gc_paused

__all__ = ["gc_paused", "gc_relaxed"]


@contextmanager
def gc_relaxed(young: int = 1_000_000) -> Iterator[None]:
    """For a long sync: everything alive at entry (modules, Dagster's definitions) is frozen out of the
    collector's reach, and a young-generation collection waits for `young` new containers instead of 700.
    Pages of parsed JSON are millions of containers without cycles: at the default thresholds the collector
    kept re-walking them and took a third of a sync's CPU. Cycles are still collected, just less often."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(young, thresholds[1], thresholds[2])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
