"""Table: the compact per-resource index (numpy columns) that listings filter, sort and page over.

Only ids, dates (int64 epoch seconds), a deleted mask and a few filter/sort keys live here; full records
are generated on demand from (seed, resource, id) plus these columns, and patched by overrides.
Ids are strictly increasing in row order (new records get max id + 1), so id lookups are binary searches.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


class Table:
    """Growable column store. Columns share a length `n`; capacity doubles on append."""

    def __init__(self, columns: Mapping[str, np.ndarray]) -> None:
        lengths = {len(c) for c in columns.values()}
        if len(lengths) != 1:
            raise ValueError("columns must have the same length")
        self.n = lengths.pop()
        self._cols: dict[str, np.ndarray] = dict(columns)
        if "deleted" not in self._cols:
            self._cols["deleted"] = np.zeros(self.n, dtype=bool)
        self.version = 0  # bumped on every change; caches key on it

    def col(self, name: str) -> np.ndarray:
        return self._cols[name][: self.n]

    @property
    def ids(self) -> np.ndarray:
        return self.col("id")

    def live(self) -> np.ndarray:
        """Row positions of records that are not deleted."""
        return np.flatnonzero(~self.col("deleted"))

    def pos(self, rid: int) -> int | None:
        """Row position of an id, or None (deleted rows still have a position)."""
        i = rid - 1  # ids are 1..n without gaps (deleted rows keep their place), so this is O(1)
        if 0 <= i < self.n and self._cols["id"][i] == rid:
            return i
        i = int(np.searchsorted(self.ids, rid))
        if i < self.n and int(self._cols["id"][i]) == rid:
            return i
        return None

    def live_pos(self, rid: int) -> int | None:
        i = self.pos(rid)
        if i is None or bool(self._cols["deleted"][i]):
            return None
        return i

    def get(self, name: str, i: int):
        """One cell as a Python value."""
        return self._cols[name].item(i)

    def values(self, i: int, *names: str) -> tuple:
        """Several cells of one row as Python values."""
        cols = self._cols
        return tuple(cols[n].item(i) for n in names)

    def set(self, name: str, i: int, value) -> None:
        self._cols[name][i] = value
        self.version += 1

    def next_id(self) -> int:
        return int(self.ids[-1]) + 1 if self.n else 1

    def append(self, values: Mapping[str, object]) -> int:
        """Add one row; columns not given get their zero value. Returns the row position."""
        if self.n == len(self._cols["id"]):
            for name, arr in self._cols.items():
                grown = np.zeros(max(16, 2 * len(arr)), dtype=arr.dtype)
                grown[: self.n] = arr[: self.n]
                self._cols[name] = grown
        i = self.n
        for name, arr in self._cols.items():
            arr[i] = values.get(name, arr.dtype.type() if arr.dtype != object else None)
        self.n += 1
        self.version += 1
        return i

    def nbytes(self) -> int:
        return sum(a.nbytes for a in self._cols.values())
