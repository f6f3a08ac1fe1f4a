"""`gc_paused()`: the cyclic garbage collector off while a page is rendered into bytes.

A page is thousands of short-lived containers without cycles; collections during it cost 10-30% of the
work. Restores the previous state (re-enables only if it was enabled). bc_pipeline uses this one for its
staging too (bc_pipeline/gc_pause.py): the emulator imports nothing from the product, the product may import
from the emulator shipped beside it.
"""

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
