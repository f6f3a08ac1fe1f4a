"""A compact set of record ids seen in one listing (to drop repeats): bitmaps of 4096 ids per block.

A Python set of a million ints costs about 60 MB; dense ids (BigCommerce's are sequential per resource)
cost one bit each here (about 150 kB for a million), so a listing's memory stays flat as the store grows.
Sparse ids cost a block each, no worse than a set. Keys that are not non-negative ints go to a set.
"""

from __future__ import annotations

from typing import Any

_BLOCK_IDS = 4096


class IdSet:
    def __init__(self) -> None:
        self._blocks: dict[int, bytearray] = {}
        self._other: set[Any] = set()

    def add(self, key: Any) -> bool:
        """Record `key`; True if it was not seen before."""
        if isinstance(key, int) and not isinstance(key, bool) and key >= 0:
            block_no, offset = divmod(key, _BLOCK_IDS)
            block = self._blocks.get(block_no)
            if block is None:
                block = self._blocks[block_no] = bytearray(_BLOCK_IDS // 8)
            byte, mask = offset >> 3, 1 << (offset & 7)
            if block[byte] & mask:
                return False
            block[byte] |= mask
            return True
        if key in self._other:
            return False
        self._other.add(key)
        return True

    def memory_bytes(self) -> int:
        return len(self._blocks) * (_BLOCK_IDS // 8)
