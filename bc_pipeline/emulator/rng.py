"""Deterministic randomness: one independent stream per (seed, resource, id), so any record can be
generated on its own, in any order, and always comes out the same."""

from __future__ import annotations

import random
import uuid


def rng_for(seed: int, resource: str, rid: int) -> random.Random:
    return random.Random(f"{seed}:{resource}:{rid}")


def uuid_for(rnd: random.Random) -> str:
    return str(uuid.UUID(int=rnd.getrandbits(128), version=4))


def money(units: int) -> str:
    """Integer ten-thousandths -> the v2 'Float-As-String' form, e.g. 2250000 -> '225.0000'."""
    return "%.4f" % (units / 10000)  # exact for |units| < 2**53


def money_num(units: int) -> float | int:
    """Integer ten-thousandths -> a JSON number as the v3 catalog shows (7.95, 225)."""
    if units % 10000 == 0:
        return units // 10000
    return round(units / 10000, 4)
