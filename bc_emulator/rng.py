"""Deterministic randomness: one independent stream per (seed, resource, id), so any record can be
generated on its own, in any order, and always comes out the same."""

from __future__ import annotations

import random
from _random import Random as _CoreRandom
from hashlib import sha512


class Rand(random.Random):
    """random.Random with a cheaper choice/randrange (one float draw each); generation calls them a lot.

    Built with the integer seed that random.Random derives from a string (see rng_for), handed straight to
    the C seeding: the same stream, without the pure-Python seed() wrapper (a third of a record's cost for
    the small ones)."""

    def __init__(self, int_seed: int) -> None:  # type: ignore[override]
        _CoreRandom.seed(self, int_seed)
        self.gauss_next = None

    def choice(self, seq):  # type: ignore[override]
        return seq[int(self.random() * len(seq))]

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:  # type: ignore[override]
        if stop is None:
            start, stop = 0, start
        return start + int(self.random() * (stop - start))


def rng_for(seed: int, resource: str, rid: int) -> Rand:
    """The stream random.Random(f"{seed}:{resource}:{rid}") would give (version 2 string seeding)."""
    key = f"{seed}:{resource}:{rid}".encode()
    return Rand(int.from_bytes(key + sha512(key).digest()))


def mix(seed: int, rid: int) -> int:
    """A cheap deterministic 64-bit hash of (seed, id), for records that need only a draw or two."""
    z = (seed * 0x9E3779B97F4A7C15 + rid * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return z ^ (z >> 31)


def uuid_for(rnd: random.Random) -> str:
    h = f"{rnd.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:]}"


def money(units: int) -> str:
    """Integer ten-thousandths -> the v2 'Float-As-String' form, e.g. 2250000 -> '225.0000'."""
    return "%.4f" % (units / 10000)  # exact for |units| < 2**53


def money_num(units: int) -> float | int:
    """Integer ten-thousandths -> a JSON number as the v3 catalog shows (7.95, 225)."""
    if units % 10000 == 0:
        return units // 10000
    return units / 10000  # correctly rounded division: already the double nearest the 4-decimal value
